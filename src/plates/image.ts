/**
 * Small RGB image helpers for plate crops (row-major RGB24, no padding). Pure, no native code, so they run
 * inside worker threads and tests alike.
 */
import { ArgusError } from '../core/errors.js';

export interface RgbImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

export function rgbImage(data: Uint8Array, width: number, height: number): RgbImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0 || data.length < width * height * 3) {
    throw new ArgusError('invalid_argument', `bad RGB image ${width}x${height} with ${data.length} bytes`);
  }
  return { data, width, height };
}

/** Integer crop, clipped to the image. */
export function cropRgb(img: RgbImage, x: number, y: number, w: number, h: number): RgbImage {
  const x1 = Math.max(0, Math.floor(x));
  const y1 = Math.max(0, Math.floor(y));
  const x2 = Math.min(img.width, Math.ceil(x + w));
  const y2 = Math.min(img.height, Math.ceil(y + h));
  const cw = Math.max(1, x2 - x1);
  const ch = Math.max(1, y2 - y1);
  const out = new Uint8Array(cw * ch * 3);
  for (let r = 0; r < ch; r++) {
    const sy = Math.min(img.height - 1, y1 + r);
    const src = (sy * img.width + Math.min(x1, img.width - 1)) * 3;
    out.set(img.data.subarray(src, src + Math.min(cw, img.width - x1) * 3), r * cw * 3);
  }
  return { data: out, width: cw, height: ch };
}

/** Luma (0–255) as floats. */
export function toGray(img: RgbImage): Float32Array {
  const n = img.width * img.height;
  const g = new Float32Array(n);
  const d = img.data;
  for (let i = 0; i < n; i++) g[i] = 0.299 * d[i * 3]! + 0.587 * d[i * 3 + 1]! + 0.114 * d[i * 3 + 2]!;
  return g;
}

/**
 * Bilinear resize of an RGB image into a float tensor region: CHW planes in BGR order (PaddleOCR models
 * are trained on OpenCV BGR images), values mapped by `(v / 255 - mean) / std`.
 * Writes into `out` at width `outW` (the tensor row stride), leaving columns ≥ dstW untouched.
 */
export function resizeToChw(
  img: RgbImage,
  dstW: number,
  dstH: number,
  out: Float32Array,
  outW: number,
  outH: number,
  mean: readonly [number, number, number],
  std: readonly [number, number, number],
): void {
  const sx = img.width / dstW;
  const sy = img.height / dstH;
  const plane = outW * outH;
  for (let y = 0; y < dstH; y++) {
    const fy = Math.max(0, (y + 0.5) * sy - 0.5);
    const y0 = Math.min(img.height - 1, Math.floor(fy));
    const y1 = Math.min(img.height - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < dstW; x++) {
      const fx = Math.max(0, (x + 0.5) * sx - 0.5);
      const x0 = Math.min(img.width - 1, Math.floor(fx));
      const x1 = Math.min(img.width - 1, x0 + 1);
      const wx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const a = img.data[(y0 * img.width + x0) * 3 + c]!;
        const b = img.data[(y0 * img.width + x1) * 3 + c]!;
        const d = img.data[(y1 * img.width + x0) * 3 + c]!;
        const e = img.data[(y1 * img.width + x1) * 3 + c]!;
        const v = (a * (1 - wx) + b * wx) * (1 - wy) + (d * (1 - wx) + e * wx) * wy;
        const bgr = 2 - c;
        out[bgr * plane + y * outW + x] = (v / 255 - mean[bgr]!) / std[bgr]!;
      }
    }
  }
}

/**
 * Slope of the text in a one-line crop (radians, y down): the centre of horizontal-gradient energy per
 * column, fitted by weighted least squares. Text strokes give the energy, so the polarity of the plate
 * (dark on light or light on dark) does not matter.
 */
export function textSlope(img: RgbImage): number {
  const g = toGray(img);
  const { width: w, height: h } = img;
  let sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (let x = 1; x < w; x++) {
    let e = 0;
    let ey = 0;
    for (let y = 0; y < h; y++) {
      const d = Math.abs(g[y * w + x]! - g[y * w + x - 1]!);
      e += d;
      ey += d * y;
    }
    if (e <= 0) continue;
    const c = ey / e;
    sw += e;
    sx += e * x;
    sy += e * c;
    sxx += e * x * x;
    sxy += e * x * c;
  }
  const den = sw * sxx - sx * sx;
  return den <= 0 ? 0 : Math.atan((sw * sxy - sx * sy) / den);
}

/** Rotate by `angle` radians about the centre (bilinear, edges clamped); same size. */
export function rotateRgb(img: RgbImage, angle: number): RgbImage {
  const { width: w, height: h } = img;
  const out = new Uint8Array(w * h * 3);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const fx = Math.min(w - 1, Math.max(0, cos * (x - cx) - sin * (y - cy) + cx));
      const fy = Math.min(h - 1, Math.max(0, sin * (x - cx) + cos * (y - cy) + cy));
      const x0 = Math.floor(fx);
      const y0 = Math.floor(fy);
      const x1 = Math.min(w - 1, x0 + 1);
      const y1 = Math.min(h - 1, y0 + 1);
      const wx = fx - x0;
      const wy = fy - y0;
      for (let c = 0; c < 3; c++) {
        const v =
          (img.data[(y0 * w + x0) * 3 + c]! * (1 - wx) + img.data[(y0 * w + x1) * 3 + c]! * wx) * (1 - wy) +
          (img.data[(y1 * w + x0) * 3 + c]! * (1 - wx) + img.data[(y1 * w + x1) * 3 + c]! * wx) * wy;
        out[(y * w + x) * 3 + c] = Math.round(v);
      }
    }
  }
  return { data: out, width: w, height: h };
}

/** Level a tilted one-line crop and keep the band the text occupies after levelling. */
export function levelLine(img: RgbImage): RgbImage {
  const slope = textSlope(img);
  if (Math.abs(slope) < 0.03 || Math.abs(slope) > 0.4) return img;
  const rot = rotateRgb(img, slope);
  const band = Math.max(img.height * 0.4, img.height - img.width * Math.abs(Math.tan(slope)) * 0.9);
  return cropRgb(rot, 0, (img.height - band) / 2, img.width, band);
}
