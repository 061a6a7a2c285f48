import { box } from '../../core/box.js';
import { ArgusError } from '../../core/errors.js';
import type { DecodeOptions, OutputTensor, RawDetection } from './types.js';

/**
 * Ultralytics YOLOv8 / YOLO11 export without NMS: one output [1, 4 + C, N], channel-major: cx, cy, w, h in
 * input pixels, then C class scores (no objectness).
 */
export function decodeUltralytics(outputs: Readonly<Record<string, OutputTensor>>, opts: DecodeOptions): RawDetection[] {
  const out = Object.values(outputs)[0];
  const dims = out?.dims ?? [];
  const channels = dims[1] ?? 0;
  const n = dims[2] ?? 0;
  const classes = channels - 4;
  if (!out || dims.length !== 3 || classes < 1 || n < 1 || out.data.length < channels * n) {
    throw new ArgusError('model_invalid', `Ultralytics output ${JSON.stringify(dims)} is not [1, 4+classes, N]`);
  }
  const d = out.data;
  // Class-major pass (contiguous reads): best class per candidate over ALL classes (a dog stays a dog).
  const bestScore = new Float32Array(n);
  const bestClass = new Int16Array(n).fill(-1);
  for (let c = 0; c < classes; c++) {
    const row = (4 + c) * n;
    for (let i = 0; i < n; i++) {
      const v = d[row + i]!;
      if (v > bestScore[i]!) {
        bestScore[i] = v;
        bestClass[i] = c;
      }
    }
  }
  const found: RawDetection[] = [];
  for (let i = 0; i < n; i++) {
    const score = bestScore[i]!;
    const best = bestClass[i]!;
    if (best < 0 || score < opts.minScore || (opts.keep && !opts.keep.has(best))) continue;
    const cx = d[i]!;
    const cy = d[n + i]!;
    const w = d[2 * n + i]!;
    const h = d[3 * n + i]!;
    found.push({ box: box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2), score, classId: best });
  }
  return found;
}
