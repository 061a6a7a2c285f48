import { describe, expect, it } from 'vitest';
import { box } from '../../core/box.js';
import { isArgusError } from '../../core/errors.js';
import { decodeNanodet } from './nanodet.js';
import { decodeUltralytics } from './ultralytics.js';
import { decodeYolox } from './yolox.js';

const KEEP = new Set([0, 1, 2, 3, 5, 7, 9]);

describe('decodeYolox', () => {
  const cells = 52 * 52 + 26 * 26 + 13 * 13;
  const out = new Float32Array(cells * 85);
  const set = (cell: number, v: { dx: number; dy: number; lw: number; lh: number; obj: number; cls: number; p: number }) => {
    out.set([v.dx, v.dy, v.lw, v.lh, v.obj], cell * 85);
    out[cell * 85 + 5 + v.cls] = v.p;
  };
  // Stride 16, grid (3, 2): cx = (0.5 + 3)·16 = 56, cy = (0.5 + 2)·16 = 40, w = 2·16, h = 1·16.
  set(52 * 52 + 2 * 26 + 3, { dx: 0.5, dy: 0.5, lw: Math.log(2), lh: 0, obj: 0.9, cls: 2, p: 0.8 });
  // Stride 32, last cell (12, 12): a dog — not an Argus class.
  set(cells - 1, { dx: 0, dy: 0, lw: 0, lh: 0, obj: 0.95, cls: 16, p: 0.9 });
  // Stride 8, (0, 0): objectness too low.
  set(0, { dx: 0, dy: 0, lw: 0, lh: 0, obj: 0.2, cls: 0, p: 1 });
  const outputs = { output: { data: out, dims: [1, cells, 85] } };

  it('decodes a cell on the stride-16 grid into input pixels with score = obj · cls', () => {
    const found = decodeYolox(outputs, { inputWidth: 416, inputHeight: 416, minScore: 0.3, keep: KEEP });
    expect(found).toHaveLength(1);
    expect(found[0]!.classId).toBe(2);
    expect(found[0]!.score).toBeCloseTo(0.72, 5);
    const b = found[0]!.box;
    expect([b.x1, b.y1, b.x2, b.y2].map((v) => Math.round(v * 1000) / 1000)).toEqual([40, 32, 72, 48]);
  });

  it('keeps classes outside the keep set only when asked', () => {
    expect(decodeYolox(outputs, { inputWidth: 416, inputHeight: 416, minScore: 0.3 }).map((d) => d.classId).sort()).toEqual([16, 2]);
  });

  it('refuses an output that does not fit the input size', () => {
    let err: unknown;
    try {
      decodeYolox(outputs, { inputWidth: 640, inputHeight: 640, minScore: 0.3 });
    } catch (e) {
      err = e;
    }
    expect(isArgusError(err, 'model_invalid')).toBe(true);
  });
});

describe('decodeUltralytics', () => {
  const n = 3;
  const out = new Float32Array(84 * n);
  const put = (i: number, cx: number, cy: number, w: number, h: number, cls: number, p: number) => {
    [cx, cy, w, h].forEach((v, k) => (out[k * n + i] = v));
    out[(4 + cls) * n + i] = p;
  };
  put(0, 100, 50, 20, 10, 3, 0.7); // motorcycle
  put(1, 10, 10, 4, 4, 3, 0.1); // too weak
  put(2, 300, 300, 50, 50, 16, 0.9); // dog
  out[(4 + 2) * n + 2] = 0.5; // …that also looks a bit like a car: the best class (dog) wins and is dropped

  it('reads channel-major cx, cy, w, h and the best class, without objectness', () => {
    const found = decodeUltralytics({ output0: { data: out, dims: [1, 84, n] } }, { inputWidth: 640, inputHeight: 640, minScore: 0.25, keep: KEEP });
    expect(found).toEqual([{ box: box(90, 45, 110, 55), score: expect.closeTo(0.7, 5) as number, classId: 3 }]);
  });
});

describe('decodeNanodet', () => {
  it('turns the GFL bin distributions into distances from the cell centre', () => {
    const outputs: Record<string, { data: Float32Array; dims: number[] }> = {};
    for (const [s, i] of [[8, 0], [16, 1], [32, 2]] as const) {
      const cells = Math.ceil(416 / s) ** 2;
      outputs[`cls${i}`] = { data: new Float32Array(cells * 80), dims: [1, cells, 80] };
      outputs[`reg${i}`] = { data: new Float32Array(cells * 32).fill(-50), dims: [1, cells, 32] };
    }
    // Stride 32, cell (1, 0): centre (48, 16). Sides l,t,r,b peak at bins 1, 0, 2, 0 → 32, 0, 64, 0 px.
    const cell = 1;
    outputs.cls2!.data[cell * 80 + 7] = 0.6;
    [1, 0, 2, 0].forEach((bin, side) => (outputs.reg2!.data[cell * 32 + side * 8 + bin] = 50));
    const found = decodeNanodet(outputs, { inputWidth: 416, inputHeight: 416, minScore: 0.3, keep: KEEP });
    expect(found).toHaveLength(1);
    expect(found[0]!.classId).toBe(7);
    const b = found[0]!.box;
    expect([b.x1, b.y1, b.x2, b.y2].map((v) => Math.round(v))).toEqual([16, 16, 112, 16]);
  });
});
