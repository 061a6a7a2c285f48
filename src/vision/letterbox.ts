import { box, type Box } from '../core/box.js';
import { ArgusError } from '../core/errors.js';
import type { FrameSize } from '../core/geometry.js';

/** A rectangle of the analysed frame, in frame pixels (integers). */
export interface Region {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface LetterboxOptions {
  /** Model input size. */
  readonly width: number;
  readonly height: number;
  /** Channel order of the output planes. */
  readonly channelOrder: 'rgb' | 'bgr';
  /** Per output channel, in the 0..255 domain: value = (pixel − mean) / std. YOLOX: 0/1; Ultralytics: 0/255. */
  readonly mean?: readonly [number, number, number];
  readonly std?: readonly [number, number, number];
  /** Where the resized picture sits: centred (Ultralytics) or at the top-left (YOLOX). Default centre. */
  readonly anchor?: 'center' | 'topleft';
  /** Grey level of the padding, 0..255 (default 114). */
  readonly padValue?: number;
  /** Only this part of the frame (a tile). Default: the whole frame. */
  readonly region?: Region;
}

/** Maps model-input pixels back to SOURCE pixels: source = (input − pad) / scale + offset. */
export interface LetterboxTransform {
  readonly scaleX: number;
  readonly scaleY: number;
  readonly padX: number;
  readonly padY: number;
  readonly offsetX: number;
  readonly offsetY: number;
}

export interface LetterboxResult {
  /** CHW planes, [1, 3, height, width]. */
  readonly tensor: Float32Array;
  readonly dims: readonly [1, 3, number, number];
  readonly transform: LetterboxTransform;
}

/** The picture to letterbox: RGB24 of `size`, boxes reported in `sourceSize` (a Frame fits). */
export interface RgbImage {
  readonly rgb: Uint8Array;
  readonly size: FrameSize;
  readonly sourceSize?: FrameSize;
}

interface Axis {
  readonly i0: Int32Array;
  readonly i1: Int32Array;
  readonly f: Float32Array;
}

/** Bilinear sample positions (pixel-centre aligned, like OpenCV INTER_LINEAR) for one axis. */
function axisTable(dstLen: number, srcLen: number, srcStart: number, stride: number): Axis {
  const i0 = new Int32Array(dstLen);
  const i1 = new Int32Array(dstLen);
  const f = new Float32Array(dstLen);
  const ratio = srcLen / dstLen;
  for (let d = 0; d < dstLen; d++) {
    const s = Math.min(Math.max((d + 0.5) * ratio - 0.5, 0), srcLen - 1);
    const s0 = Math.floor(s);
    i0[d] = (srcStart + s0) * stride;
    i1[d] = (srcStart + Math.min(s0 + 1, srcLen - 1)) * stride;
    f[d] = s - s0;
  }
  return { i0, i1, f };
}

function checkRegion(r: Region, size: FrameSize): void {
  const ok =
    Number.isInteger(r.x) && Number.isInteger(r.y) && r.x >= 0 && r.y >= 0 && r.width >= 1 && r.height >= 1 &&
    r.x + r.width <= size.width && r.y + r.height <= size.height;
  if (!ok) throw new ArgusError('invalid_argument', `letterbox region ${JSON.stringify(r)} is outside the ${size.width}×${size.height} frame`);
}

/**
 * RGB24 frame → letterboxed CHW Float32Array at the model's input size (aspect kept, padded), plus the
 * transform back to source pixels. Pure; runs per frame, so it works on typed arrays with precomputed tables.
 */
export function letterbox(img: RgbImage, opts: LetterboxOptions): LetterboxResult {
  const { width: W, height: H } = opts;
  const fw = img.size.width;
  const fh = img.size.height;
  if (img.rgb.length < fw * fh * 3) throw new ArgusError('invalid_argument', `rgb buffer has ${img.rgb.length} bytes, expected ${fw * fh * 3}`);
  const region = opts.region ?? { x: 0, y: 0, width: fw, height: fh };
  checkRegion(region, img.size);
  const r = Math.min(W / region.width, H / region.height);
  const nw = Math.min(W, Math.max(1, Math.round(region.width * r)));
  const nh = Math.min(H, Math.max(1, Math.round(region.height * r)));
  const center = (opts.anchor ?? 'center') === 'center';
  const padX = center ? Math.floor((W - nw) / 2) : 0;
  const padY = center ? Math.floor((H - nh) / 2) : 0;

  const mean = opts.mean ?? [0, 0, 0];
  const std = opts.std ?? [1, 1, 1];
  const plane = W * H;
  const tensor = new Float32Array(3 * plane);
  const pad = opts.padValue ?? 114;
  // Source channel feeding each output plane.
  const srcCh = opts.channelOrder === 'bgr' ? [2, 1, 0] : [0, 1, 2];
  const mul = [1 / std[0], 1 / std[1], 1 / std[2]];
  const add = [-mean[0] / std[0], -mean[1] / std[1], -mean[2] / std[2]];
  for (let c = 0; c < 3; c++) tensor.fill(pad * mul[c]! + add[c]!, c * plane, (c + 1) * plane);

  const xs = axisTable(nw, region.width, region.x, 3);
  const ys = axisTable(nh, region.height, region.y, fw * 3);
  resizeInto(img.rgb, tensor, xs, ys, { W, plane, padX, padY, srcCh, mul, add });

  const source = img.sourceSize ?? img.size;
  const sx = source.width / fw;
  const sy = source.height / fh;
  return {
    tensor,
    dims: [1, 3, H, W],
    transform: {
      scaleX: (nw / region.width) / sx,
      scaleY: (nh / region.height) / sy,
      padX,
      padY,
      offsetX: region.x * sx,
      offsetY: region.y * sy,
    },
  };
}

interface Layout {
  readonly W: number;
  readonly plane: number;
  readonly padX: number;
  readonly padY: number;
  readonly srcCh: readonly number[];
  readonly mul: readonly number[];
  readonly add: readonly number[];
}

function resizeInto(rgb: Uint8Array, out: Float32Array, xs: Axis, ys: Axis, l: Layout): void {
  const nw = xs.f.length;
  const nh = ys.f.length;
  const [c0, c1, c2] = l.srcCh as [number, number, number];
  const [m0, m1, m2] = l.mul as [number, number, number];
  const [a0, a1, a2] = l.add as [number, number, number];
  const p1 = l.plane;
  const p2 = 2 * l.plane;
  const { i0: x0t, i1: x1t, f: fxt } = xs;
  for (let dy = 0; dy < nh; dy++) {
    const r0 = ys.i0[dy]!;
    const r1 = ys.i1[dy]!;
    const fy = ys.f[dy]!;
    let o = (dy + l.padY) * l.W + l.padX;
    for (let dx = 0; dx < nw; dx++, o++) {
      const x0 = x0t[dx]!;
      const x1 = x1t[dx]!;
      const fx = fxt[dx]!;
      const a = r0 + x0;
      const b = r0 + x1;
      const c = r1 + x0;
      const d = r1 + x1;
      let t = rgb[a + c0]! + (rgb[b + c0]! - rgb[a + c0]!) * fx;
      let u = rgb[c + c0]! + (rgb[d + c0]! - rgb[c + c0]!) * fx;
      out[o] = (t + (u - t) * fy) * m0 + a0;
      t = rgb[a + c1]! + (rgb[b + c1]! - rgb[a + c1]!) * fx;
      u = rgb[c + c1]! + (rgb[d + c1]! - rgb[c + c1]!) * fx;
      out[o + p1] = (t + (u - t) * fy) * m1 + a1;
      t = rgb[a + c2]! + (rgb[b + c2]! - rgb[a + c2]!) * fx;
      u = rgb[c + c2]! + (rgb[d + c2]! - rgb[c + c2]!) * fx;
      out[o + p2] = (t + (u - t) * fy) * m2 + a2;
    }
  }
}

/** A box in model-input pixels → source pixels (not clipped). */
export function toSourceBox(b: Box, t: LetterboxTransform): Box {
  return box(
    (b.x1 - t.padX) / t.scaleX + t.offsetX,
    (b.y1 - t.padY) / t.scaleY + t.offsetY,
    (b.x2 - t.padX) / t.scaleX + t.offsetX,
    (b.y2 - t.padY) / t.scaleY + t.offsetY,
  );
}
