import { describe, expect, it } from 'vitest';
import { box } from '../core/box.js';
import { mergeTiles, tileRegions } from './tiles.js';

describe('tileRegions', () => {
  it('is the whole frame for one tile', () => {
    expect(tileRegions({ width: 1568, height: 778 }, 1)).toEqual([{ x: 0, y: 0, width: 1568, height: 778 }]);
  });

  it('cuts two overlapping columns that cover the frame', () => {
    const [a, b] = tileRegions({ width: 1568, height: 778 }, 2, 0.25);
    expect(a).toEqual({ x: 0, y: 0, width: 896, height: 778 });
    expect(b!.x + b!.width).toBe(1568);
    expect(a!.x + a!.width - b!.x).toBe(224); // overlap = 25 % of the tile width
  });

  it('cuts three columns, each inside the frame', () => {
    const rs = tileRegions({ width: 1000, height: 500 }, 3, 0.2);
    expect(rs).toHaveLength(3);
    for (const r of rs) expect(r.x + r.width).toBeLessThanOrEqual(1000);
    expect(rs[2]!.x + rs[2]!.width).toBe(1000);
  });
});

describe('mergeTiles', () => {
  // Left tile 0..600, right tile 400..1000: seam edges at 600 (left tile) and 400 (right tile).
  const edges = [{ right: 600 }, { left: 400 }];

  it('drops the cut half of an object when the other tile saw it whole', () => {
    const out = mergeTiles([
      { box: box(560, 100, 600, 150), score: 0.5, cls: 'car', tile: 0 },
      { box: box(560, 100, 640, 150), score: 0.7, cls: 'car', tile: 1 },
    ], edges, 0.45);
    expect(out).toEqual([{ box: box(560, 100, 640, 150), score: 0.7, cls: 'car', tile: 1 }]);
  });

  it('joins an object cut by both seams (wider than the overlap)', () => {
    const out = mergeTiles([
      { box: box(300, 100, 600, 200), score: 0.6, cls: 'bus', tile: 0 },
      { box: box(400, 102, 750, 198), score: 0.8, cls: 'bus', tile: 1 },
    ], edges, 0.45);
    expect(out).toEqual([{ box: box(300, 100, 750, 200), score: 0.8, cls: 'bus', tile: 0 }]);
  });

  it('keeps two different objects and removes duplicates of the overlap band', () => {
    const out = mergeTiles([
      { box: box(100, 100, 150, 150), score: 0.9, cls: 'motorcycle', tile: 0 },
      { box: box(450, 100, 500, 150), score: 0.6, cls: 'motorcycle', tile: 0 },
      { box: box(452, 101, 501, 151), score: 0.8, cls: 'motorcycle', tile: 1 },
      { box: box(800, 100, 850, 150), score: 0.7, cls: 'motorcycle', tile: 1 },
    ], edges, 0.45);
    expect(out.map((d) => d.box.x1)).toEqual([100, 452, 800]);
  });
});
