import { box } from '../../core/box.js';
import { ArgusError } from '../../core/errors.js';
import type { DecodeOptions, OutputTensor, RawDetection } from './types.js';

const STRIDES = [8, 16, 32] as const;

/**
 * YOLOX (Megvii, as exported by opencv_zoo): one output [1, N, 5 + C], per grid cell dx, dy, log w, log h,
 * objectness, C class scores (objectness and classes already sigmoided). Cells are laid out stride by stride
 * (8, 16, 32), row-major. cx = (dx + gx)·s, w = exp(lw)·s. Score = obj · best class.
 */
export function decodeYolox(outputs: Readonly<Record<string, OutputTensor>>, opts: DecodeOptions): RawDetection[] {
  const out = Object.values(outputs)[0];
  const dims = out?.dims ?? [];
  const n = dims[1] ?? 0;
  const stride = dims[2] ?? 0;
  const classes = stride - 5;
  const expected = STRIDES.reduce((s, st) => s + Math.ceil(opts.inputWidth / st) * Math.ceil(opts.inputHeight / st), 0);
  if (!out || dims.length !== 3 || classes < 1 || n !== expected) {
    throw new ArgusError('model_invalid', `YOLOX output ${JSON.stringify(dims)} does not fit a ${opts.inputWidth}×${opts.inputHeight} input (expected [1,${expected},85])`);
  }
  const d = out.data;
  const found: RawDetection[] = [];
  let cell = 0;
  for (const s of STRIDES) {
    const gw = Math.ceil(opts.inputWidth / s);
    const gh = Math.ceil(opts.inputHeight / s);
    for (let gy = 0; gy < gh; gy++) {
      for (let gx = 0; gx < gw; gx++, cell++) {
        const o = cell * stride;
        const obj = d[o + 4]!;
        if (obj < opts.minScore) continue; // score = obj · cls ≤ obj
        let best = -1;
        let bestScore = 0;
        for (let c = 0; c < classes; c++) {
          const v = d[o + 5 + c]!;
          if (v > bestScore) {
            bestScore = v;
            best = c;
          }
        }
        const score = obj * bestScore;
        if (best < 0 || score < opts.minScore || (opts.keep && !opts.keep.has(best))) continue;
        const cx = (d[o]! + gx) * s;
        const cy = (d[o + 1]! + gy) * s;
        const w = Math.exp(d[o + 2]!) * s;
        const h = Math.exp(d[o + 3]!) * s;
        found.push({ box: box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2), score, classId: best });
      }
    }
  }
  return found;
}
