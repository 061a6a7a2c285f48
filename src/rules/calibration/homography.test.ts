import { describe, expect, it } from 'vitest';
import { isArgusError } from '../../core/errors.js';
import { norm, world } from '../../core/geometry.js';
import { fitHomography, groundToImage, imageToGround, reprojectionErrorPx, type PointPair } from './homography.js';

const pairs = (rows: readonly (readonly [number, number, number, number])[]): PointPair[] =>
  rows.map(([ix, iy, gx, gy]) => ({ image: norm(ix, iy), ground: world(gx, gy) }));

/** A road seen in perspective: a trapezoid in the picture is a 7 m × 50 m rectangle on the ground. */
const road = pairs([
  [0.4, 0.3, 0, 50],
  [0.6, 0.3, 7, 50],
  [0.9, 0.9, 7, 0],
  [0.1, 0.9, 0, 0],
]);

describe('homography fit', () => {
  it.each([
    // [name, pairs, picture point, expected ground point]
    ['an axis-aligned scale and shift', pairs([[0.1, 0.1, 0, 0], [0.9, 0.1, 40, 0], [0.9, 0.9, 40, 20], [0.1, 0.9, 0, 20]]), [0.5, 0.5], [20, 10]],
    ['a rotation by 90°', pairs([[0, 0, 0, 0], [1, 0, 0, 10], [1, 1, -10, 10], [0, 1, -10, 0]]), [0.25, 0.75], [-7.5, 2.5]],
    // Diagonals meet where the ground diagonals meet (projective invariant): the centre of the rectangle.
    ['a perspective trapezoid (diagonals intersection)', road, [0.5, 0.42], [3.5, 25]],
  ] as const)('maps %s exactly', (_name, pts, p, expected) => {
    const h = fitHomography(pts);
    const g = imageToGround(h, norm(p[0], p[1]))!;
    expect(g.x).toBeCloseTo(expected[0], 9);
    expect(g.y).toBeCloseTo(expected[1], 9);
    expect(h.rmsM).toBeLessThan(1e-9);
    const back = groundToImage(h, world(expected[0], expected[1]));
    expect(back.x).toBeCloseTo(p[0], 9);
    expect(back.y).toBeCloseTo(p[1], 9);
  });

  it('maps every calibration point onto its ground point and back', () => {
    const h = fitHomography(road);
    for (const pr of road) {
      const g = imageToGround(h, pr.image)!;
      expect(Math.hypot(g.x - pr.ground.x, g.y - pr.ground.y)).toBeLessThan(1e-9);
    }
    expect(reprojectionErrorPx(h, { width: 1920, height: 1080 }).maxPx).toBeLessThan(1e-6);
  });

  it('fits more than four noisy points by least squares and reports the residuals', () => {
    const exact = fitHomography(road);
    const rows: PointPair[] = [];
    const offsets = [0.002, -0.0015, 0.001, -0.002, 0.0005, 0.0018, -0.001, 0.0012];
    let k = 0;
    for (const [gx, gy] of [[0, 0], [7, 0], [0, 25], [7, 25], [0, 50], [7, 50], [3.5, 10], [3.5, 40]] as const) {
      const i = groundToImage(exact, world(gx, gy));
      rows.push({ image: norm(i.x + offsets[k++ % 8]!, i.y - offsets[(k + 3) % 8]!), ground: world(gx, gy) });
    }
    const h = fitHomography(rows);
    expect(h.pairs).toHaveLength(8);
    expect(h.rmsM).toBeGreaterThan(0.01);
    expect(h.rmsM).toBeLessThan(1.5);
    expect(h.maxM).toBeGreaterThanOrEqual(h.rmsM);
    const px = reprojectionErrorPx(h, { width: 1000, height: 1000 });
    expect(px.rmsPx).toBeGreaterThan(0.5);
    expect(px.rmsPx).toBeLessThan(4);
    const centre = imageToGround(h, groundToImage(exact, world(3.5, 25)))!;
    expect(Math.hypot(centre.x - 3.5, centre.y - 25)).toBeLessThan(1);
  });

  it('returns undefined for picture points beyond the horizon', () => {
    const h = fitHomography(road);
    // The road edges meet at the vanishing point above the trapezoid (y = 0.15); above it is sky.
    expect(imageToGround(h, norm(0.5, 0.05))).toBeUndefined();
    expect(imageToGround(h, norm(0.5, 0.2))).toBeDefined();
  });

  it.each([
    ['three pairs', road.slice(0, 3), /3 point pair/],
    ['four picture points in a line', pairs([[0.1, 0.1, 0, 0], [0.2, 0.2, 1, 0], [0.3, 0.3, 1, 1], [0.4, 0.4, 0, 1]]), /picture points are all in a line/],
    ['three of four ground points in a line', pairs([[0.1, 0.1, 0, 0], [0.9, 0.1, 1, 0], [0.9, 0.9, 2, 0], [0.1, 0.9, 0, 1]]), /3 of the 4 ground points/],
    ['coincident points', pairs([[0.5, 0.5, 0, 0], [0.5, 0.5, 1, 0], [0.5, 0.5, 1, 1], [0.5, 0.5, 0, 1]]), /coincide/],
    ['a non-finite number', pairs([[0.1, 0.1, 0, 0], [0.9, 0.1, Number.NaN, 0], [0.9, 0.9, 1, 1], [0.1, 0.9, 0, 1]]), /finite/],
  ] as const)('rejects %s with a clear error', (_name, pts, message) => {
    let err: unknown;
    try {
      fitHomography(pts);
    } catch (e) {
      err = e;
    }
    expect(isArgusError(err, 'invalid_argument')).toBe(true);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toMatch(/degenerate/);
  });
});
