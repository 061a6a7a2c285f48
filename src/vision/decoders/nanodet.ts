import { box } from '../../core/box.js';
import { ArgusError } from '../../core/errors.js';
import type { DecodeOptions, OutputTensor, RawDetection } from './types.js';

const STRIDES = [8, 16, 32] as const;
const REG_MAX = 7;
const BINS = REG_MAX + 1;

interface Level {
  readonly stride: number;
  readonly cls: OutputTensor;
  readonly reg: OutputTensor;
}

/** Pair the six outputs (cls [1,N,C] sigmoided, reg [1,N,32]) by N, one pair per stride 8/16/32. */
function levels(outputs: Readonly<Record<string, OutputTensor>>, opts: DecodeOptions): Level[] {
  const all = Object.values(outputs);
  return STRIDES.map((stride) => {
    const n = Math.ceil(opts.inputWidth / stride) * Math.ceil(opts.inputHeight / stride);
    const cls = all.find((t) => t.dims.length === 3 && t.dims[1] === n && t.dims[2] !== 4 * BINS);
    const reg = all.find((t) => t.dims.length === 3 && t.dims[1] === n && t.dims[2] === 4 * BINS);
    if (!cls || !reg) {
      throw new ArgusError('model_invalid', `NanoDet outputs ${JSON.stringify(all.map((t) => t.dims))} lack the stride-${stride} pair (N=${n})`);
    }
    return { stride, cls, reg };
  });
}

/** Expected distance of one side: softmax over the 8 bins of the GFL distribution, times the bin index. */
function side(reg: Float32Array, o: number): number {
  let max = -Infinity;
  for (let k = 0; k < BINS; k++) max = Math.max(max, reg[o + k]!);
  let sum = 0;
  let acc = 0;
  for (let k = 0; k < BINS; k++) {
    const e = Math.exp(reg[o + k]! - max);
    sum += e;
    acc += e * k;
  }
  return acc / sum;
}

/** NanoDet-m (GFL head, reg_max 7): centre (x+0.5)·s, box sides = expected bin distances · s. */
export function decodeNanodet(outputs: Readonly<Record<string, OutputTensor>>, opts: DecodeOptions): RawDetection[] {
  const found: RawDetection[] = [];
  for (const { stride, cls, reg } of levels(outputs, opts)) {
    const gw = Math.ceil(opts.inputWidth / stride);
    const classes = cls.dims[2]!;
    const n = cls.dims[1]!;
    for (let i = 0; i < n; i++) {
      let best = -1;
      let score = opts.minScore;
      for (let c = 0; c < classes; c++) {
        const v = cls.data[i * classes + c]!;
        if (v >= score) {
          score = v;
          best = c;
        }
      }
      if (best < 0 || (opts.keep && !opts.keep.has(best))) continue;
      const cx = ((i % gw) + 0.5) * stride;
      const cy = (Math.floor(i / gw) + 0.5) * stride;
      const o = i * 4 * BINS;
      const l = side(reg.data, o) * stride;
      const t = side(reg.data, o + BINS) * stride;
      const r = side(reg.data, o + 2 * BINS) * stride;
      const b = side(reg.data, o + 3 * BINS) * stride;
      found.push({ box: box(cx - l, cy - t, cx + r, cy + b), score, classId: best });
    }
  }
  return found;
}
