import type { MotionConfig } from '../config/schema.js';
import type { FrameSize } from '../core/geometry.js';

/**
 * Motion gate: a pure step over frames. The picture is reduced to a small luma image (blocks of about 1/8 size,
 * at most ~160 px wide), compared with a slowly adapting background; a pixel counts as changed when it differs
 * by more than `cfg.threshold` after removing the global brightness shift (clouds, auto-exposure); there is
 * motion when the changed fraction of the unmasked picture reaches `cfg.minAreaRatio`. Adaptation is
 * time-based (pts), so the gate behaves the same at any analysis fps.
 * `cfg.keepAliveSec` is the pipeline's business (run the detector anyway every so often).
 */

/** Normalised polygons to ignore (billboards, screens, clocks): the shape of `analysis.masks`. */
export type MotionMasks = ReadonlyArray<ReadonlyArray<readonly [number, number]>>;

export interface MotionState {
  /** Size of the frames this state was built for. */
  readonly frameSize: FrameSize;
  /** Block size (source pixels per small pixel, each way) and the small image size. */
  readonly block: number;
  readonly width: number;
  readonly height: number;
  /** Background luma, one float per small pixel. */
  readonly background: Float32Array;
  /** Luma of the previous frame: motion must differ from it too, so ghosts of objects that left do not count. */
  readonly previous: Float32Array;
  /** 1 where masked (ignored), per small pixel; undefined when nothing is masked. */
  readonly mask: Uint8Array | undefined;
  /** The masks value the mask was built from (rebuilt when another array is passed). */
  readonly masksRef: MotionMasks | undefined;
  readonly activePixels: number;
  readonly lastPtsSec: number;
  /** pts of the last frame that moved (for the hold time). */
  readonly lastMotionPtsSec: number;
}

/** What the gate needs from a frame (a core Frame fits). */
export interface MotionInput {
  readonly rgb: Uint8Array;
  readonly size: FrameSize;
  readonly ptsSec: number;
}

export interface MotionResult {
  readonly state: MotionState;
  /** True when the frame moved (always true when the gate is disabled); false on the first frame. */
  readonly motion: boolean;
  /** Fraction (0–1) of the unmasked small picture that changed. */
  readonly changedRatio: number;
}

/** Background time constants: unchanged pixels follow in ~5 s, changed ones (a parked car) in ~30 s. */
const TAU_STILL_SEC = 5;
const TAU_MOVING_SEC = 30;
const TARGET_WIDTH = 160;

export const motionBlockSize = (width: number): number => Math.max(1, Math.floor(width / TARGET_WIDTH));

/**
 * Block-averaged luma (BT.601 weights) of an RGB24 picture. Blocks of 4 px or more are sampled on every other
 * row and column (a quarter of the reads; still 16+ samples per block, enough to average sensor noise out).
 */
export function downscaleLuma(rgb: Uint8Array, size: FrameSize, block: number): { luma: Float32Array; width: number; height: number } {
  const w = Math.floor(size.width / block);
  const h = Math.floor(size.height / block);
  const step = block >= 4 ? 2 : 1;
  const samples = Math.ceil(block / step);
  const luma = new Float32Array(w * h);
  const rowSums = new Uint32Array(w);
  const norm = 1 / (samples * samples * 256);
  const stride = step * 3;
  for (let by = 0; by < h; by++) {
    rowSums.fill(0);
    for (let dy = 0; dy < block; dy += step) {
      const row = (by * block + dy) * size.width * 3;
      for (let bx = 0; bx < w; bx++) {
        let s = 0;
        for (let i = row + bx * block * 3, end = i + block * 3; i < end; i += stride) s += 77 * rgb[i]! + 150 * rgb[i + 1]! + 29 * rgb[i + 2]!;
        rowSums[bx]! += s;
      }
    }
    for (let bx = 0; bx < w; bx++) luma[by * w + bx] = rowSums[bx]! * norm;
  }
  return { luma, width: w, height: h };
}

function rasteriseMasks(masks: MotionMasks | undefined, width: number, height: number): Uint8Array | undefined {
  if (!masks || masks.length === 0) return undefined;
  const mask = new Uint8Array(width * height);
  for (const poly of masks) {
    if (poly.length < 3) continue;
    for (let y = 0; y < height; y++) {
      const py = (y + 0.5) / height;
      for (let x = 0; x < width; x++) {
        const px = (x + 0.5) / width;
        let inside = false;
        for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
          const [ax, ay] = poly[i]!;
          const [bx, by] = poly[j]!;
          if (ay > py !== by > py && px < ((bx - ax) * (py - ay)) / (by - ay) + ax) inside = !inside;
        }
        if (inside) mask[y * width + x] = 1;
      }
    }
  }
  return mask;
}

function initState(frame: MotionInput, masks: MotionMasks | undefined): MotionState {
  const block = motionBlockSize(frame.size.width);
  const { luma, width, height } = downscaleLuma(frame.rgb, frame.size, block);
  const mask = rasteriseMasks(masks, width, height);
  let masked = 0;
  if (mask) for (const m of mask) masked += m;
  return {
    frameSize: frame.size,
    block,
    width,
    height,
    background: luma,
    previous: luma,
    mask,
    masksRef: masks,
    activePixels: width * height - masked,
    lastPtsSec: frame.ptsSec,
    lastMotionPtsSec: -Infinity,
  };
}

/** Median of (luma − background) over unmasked pixels, from a histogram (the global brightness shift). */
function medianShift(luma: Float32Array, bg: Float32Array, mask: Uint8Array | undefined, active: number): number {
  const hist = new Uint32Array(511);
  for (let i = 0; i < luma.length; i++) {
    if (mask?.[i] === 1) continue;
    hist[Math.round(luma[i]! - bg[i]!) + 255]!++;
  }
  let seen = 0;
  for (let k = 0; k < hist.length; k++) {
    seen += hist[k]!;
    if (seen * 2 >= active) return k - 255;
  }
  return 0;
}

/**
 * Changed pixels that belong to a blob: at least two of their four neighbours changed too. Scattered single
 * pixels (sensor noise, compression flicker, a swaying leaf) do not count; a moving vehicle does.
 */
function countSolid(moved: Uint8Array, width: number, height: number): number {
  let n = 0;
  for (let y = 1; y < height - 1; y++) {
    const row = y * width;
    for (let x = 1; x < width - 1; x++) {
      const i = row + x;
      if (moved[i] === 0) continue;
      if (moved[i - 1]! + moved[i + 1]! + moved[i - width]! + moved[i + width]! >= 2) n++;
    }
  }
  return n;
}

/** One step of the gate. Pure: the input state is not modified. */
export function motionStep(state: MotionState | undefined, frame: MotionInput, cfg: MotionConfig, masks?: MotionMasks): MotionResult {
  const fresh =
    state === undefined ||
    state.frameSize.width !== frame.size.width ||
    state.frameSize.height !== frame.size.height ||
    frame.ptsSec < state.lastPtsSec;
  if (fresh) return { state: initState(frame, masks), motion: !cfg.enabled, changedRatio: 0 };
  const rebuilt =
    state.masksRef === masks
      ? state
      : { ...initState(frame, masks), background: state.background, previous: state.previous, lastPtsSec: state.lastPtsSec };
  const { luma } = downscaleLuma(frame.rgb, frame.size, rebuilt.block);
  const bg = rebuilt.background;
  const prev = rebuilt.previous;
  const mask = rebuilt.mask;
  const active = Math.max(1, rebuilt.activePixels);
  const shift = medianShift(luma, bg, mask, active);
  const dt = Math.min(5, Math.max(0, frame.ptsSec - rebuilt.lastPtsSec));
  const aStill = 1 - Math.exp(-dt / TAU_STILL_SEC);
  const aMoving = 1 - Math.exp(-dt / TAU_MOVING_SEC);
  const next = new Float32Array(bg.length);
  const movedMap = new Uint8Array(bg.length);
  for (let i = 0; i < luma.length; i++) {
    const b = bg[i]!;
    const d = luma[i]! - b;
    const differs = Math.abs(d - shift) > cfg.threshold && mask?.[i] !== 1;
    // Changed against the background AND against the last frame: a moving thing, not the ghost of one that left.
    const moved = differs && Math.abs(luma[i]! - prev[i]!) > cfg.threshold / 2;
    movedMap[i] = moved ? 1 : 0;
    next[i] = b + d * (differs ? aMoving : aStill);
  }
  const changed = countSolid(movedMap, rebuilt.width, rebuilt.height);
  const changedRatio = changed / active;
  const moving = changed > 0 && changedRatio >= cfg.minAreaRatio;
  const lastMotionPtsSec = moving ? frame.ptsSec : rebuilt.lastMotionPtsSec;
  return {
    state: { ...rebuilt, background: next, previous: luma, lastPtsSec: frame.ptsSec, lastMotionPtsSec },
    // Hold: a repeated frame (encoders and screen recorders repeat frames) does not end a motion.
    motion: !cfg.enabled || frame.ptsSec - lastMotionPtsSec <= cfg.holdSec,
    changedRatio,
  };
}
