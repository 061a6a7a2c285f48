import { describe, expect, it } from 'vitest';
import { box } from '../core/box.js';
import { nms } from './nms.js';

const d = (x1: number, y1: number, x2: number, y2: number, score: number, cls = 'car') => ({ box: box(x1, y1, x2, y2), score, cls });

describe('nms', () => {
  it('keeps the best of two heavily overlapping boxes of one class', () => {
    const kept = nms([d(0, 0, 10, 10, 0.6), d(1, 1, 11, 11, 0.9)], 0.45, (x) => x.cls);
    expect(kept).toEqual([d(1, 1, 11, 11, 0.9)]);
  });

  it('keeps overlapping boxes of different classes', () => {
    const kept = nms([d(0, 0, 10, 10, 0.6, 'person'), d(0, 0, 10, 10, 0.9, 'motorcycle')], 0.45, (x) => x.cls);
    expect(kept.map((k) => k.cls)).toEqual(['motorcycle', 'person']);
  });

  it('suppresses across classes when no class function is given', () => {
    expect(nms([d(0, 0, 10, 10, 0.6, 'person'), d(0, 0, 10, 10, 0.9, 'motorcycle')], 0.45)).toHaveLength(1);
  });

  it.each([
    // IoU of [0,10]² and [5,15]×[0,10] is 50/150 = 0.33
    { threshold: 0.3, kept: 1 },
    { threshold: 0.34, kept: 2 },
  ])('uses IoU against the threshold ($threshold → $kept kept)', ({ threshold, kept }) => {
    expect(nms([d(0, 0, 10, 10, 0.8), d(5, 0, 15, 10, 0.7)], threshold, (x) => x.cls)).toHaveLength(kept);
  });

  it('returns boxes by descending score and keeps disjoint ones', () => {
    const kept = nms([d(0, 0, 5, 5, 0.3), d(50, 50, 60, 60, 0.8), d(20, 20, 30, 30, 0.5)], 0.45, (x) => x.cls);
    expect(kept.map((k) => k.score)).toEqual([0.8, 0.5, 0.3]);
  });
});
