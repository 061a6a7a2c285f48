import { ArgusError } from '../../core/errors.js';
import { norm, world, type FrameSize, type NormPoint, type WorldPoint } from '../../core/geometry.js';
import { applyH, det3, inv3, mul3, symmetricEigen, type Mat3 } from './linalg.js';

/** One correspondence: a normalised picture point and the same point on the ground in metres. */
export interface PointPair {
  readonly image: NormPoint;
  readonly ground: WorldPoint;
}

/** Reprojection residual of one pair. */
export interface PairError {
  /** |H(image) − ground|, metres. */
  readonly groundM: number;
  /** |H⁻¹(ground) − image|, normalised picture units (multiply by the picture size for pixels). */
  readonly imageNorm: { readonly dx: number; readonly dy: number };
}

/** An image ↔ ground homography with its fit quality. */
export interface Homography {
  /** Row-major 3×3 mapping normalised picture → ground metres. */
  readonly toGround: Mat3;
  /** Inverse: ground metres → normalised picture. */
  readonly toImage: Mat3;
  readonly pairs: readonly PairError[];
  /** Root-mean-square ground error over the pairs, metres (0 for exactly 4 pairs). */
  readonly rmsM: number;
  /** Largest ground error, metres. */
  readonly maxM: number;
}

interface Normaliser {
  readonly t: Mat3;
  readonly pts: { x: number; y: number }[];
}

/** Hartley normalisation: centroid to the origin, mean distance √2. */
function normalise(points: readonly { readonly x: number; readonly y: number }[]): Normaliser {
  const n = points.length;
  const cx = points.reduce((s, p) => s + p.x, 0) / n;
  const cy = points.reduce((s, p) => s + p.y, 0) / n;
  const meanD = points.reduce((s, p) => s + Math.hypot(p.x - cx, p.y - cy), 0) / n;
  if (!(meanD > 1e-12)) throw degenerate('all points coincide');
  const s = Math.SQRT2 / meanD;
  return { t: [s, 0, -s * cx, 0, s, -s * cy, 0, 0, 1], pts: points.map((p) => ({ x: s * (p.x - cx), y: s * (p.y - cy) })) };
}

const degenerate = (why: string): ArgusError =>
  new ArgusError('invalid_argument', `calibration is degenerate: ${why} (use ≥ 4 well-spread point pairs, no 3 in a line)`);

/** Twice the largest triangle area among points (0 when all collinear), relative to the spread squared. */
function spreadRatio(pts: readonly { x: number; y: number }[]): number {
  let best = 0;
  for (let i = 0; i < pts.length; i++)
    for (let j = i + 1; j < pts.length; j++)
      for (let k = j + 1; k < pts.length; k++) {
        const a = pts[i]!;
        const b = pts[j]!;
        const c = pts[k]!;
        best = Math.max(best, Math.abs((b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)));
      }
  return best;
}

/** With 4 pairs, any 3 in a line makes the homography singular. */
function checkNoThreeCollinear(pts: readonly { x: number; y: number }[], what: string): void {
  if (pts.length !== 4) return;
  for (let skip = 0; skip < 4; skip++) {
    const tri = pts.filter((_, i) => i !== skip);
    if (spreadRatio(tri) < 1e-6) throw degenerate(`3 of the 4 ${what} points are in a line`);
  }
}

/**
 * Fit the homography normalised-picture → ground from ≥ 4 pairs by the normalised DLT (least squares in the
 * algebraic error for more than 4 pairs). Throws `invalid_argument` on degenerate input.
 */
export function fitHomography(pairs: readonly PointPair[]): Homography {
  if (pairs.length < 4) throw degenerate(`${pairs.length} point pair(s), at least 4 needed`);
  for (const p of pairs) {
    if (![p.image.x, p.image.y, p.ground.x, p.ground.y].every(Number.isFinite)) throw degenerate('a point is not a finite number');
  }
  const src = normalise(pairs.map((p) => p.image));
  const dst = normalise(pairs.map((p) => p.ground));
  if (spreadRatio(src.pts) < 1e-6) throw degenerate('the picture points are all in a line');
  if (spreadRatio(dst.pts) < 1e-6) throw degenerate('the ground points are all in a line');
  checkNoThreeCollinear(src.pts, 'picture');
  checkNoThreeCollinear(dst.pts, 'ground');
  const ata = new Array<number>(81).fill(0);
  for (let i = 0; i < pairs.length; i++) {
    const { x, y } = src.pts[i]!;
    const { x: u, y: v } = dst.pts[i]!;
    addRow(ata, [-x, -y, -1, 0, 0, 0, u * x, u * y, u]);
    addRow(ata, [0, 0, 0, -x, -y, -1, v * x, v * y, v]);
  }
  const { values, vectors } = symmetricEigen(ata, 9);
  const scale = Math.max(Math.abs(values[8]!), 1e-300);
  if (Math.abs(values[1]!) / scale < 1e-12) throw degenerate('the point pairs do not determine a unique homography');
  const hn = vectors[0]! as unknown as Mat3;
  if (Math.abs(det3(hn)) < 1e-10) throw degenerate('the homography is singular');
  const h = mul3(mul3(inv3(dst.t), hn), src.t);
  // Scale so that w = 1 at the centroid of the picture points: w > 0 on the camera's side of the horizon.
  const cx = pairs.reduce((s, p) => s + p.image.x, 0) / pairs.length;
  const cy = pairs.reduce((s, p) => s + p.image.y, 0) / pairs.length;
  const w0 = h[6] * cx + h[7] * cy + h[8];
  const hs = h.map((v) => v / w0) as unknown as Mat3;
  return withErrors(hs, pairs);
}

function addRow(ata: number[], r: readonly number[]): void {
  for (let i = 0; i < 9; i++) for (let j = 0; j < 9; j++) ata[i * 9 + j]! += r[i]! * r[j]!;
}

function withErrors(toGround: Mat3, pairs: readonly PointPair[]): Homography {
  const toImage = inv3(toGround);
  const errs: PairError[] = pairs.map((p) => {
    const g = applyH(toGround, p.image.x, p.image.y);
    const i = applyH(toImage, p.ground.x, p.ground.y);
    return { groundM: Math.hypot(g.x - p.ground.x, g.y - p.ground.y), imageNorm: { dx: i.x - p.image.x, dy: i.y - p.image.y } };
  });
  const rmsM = Math.sqrt(errs.reduce((s, e) => s + e.groundM ** 2, 0) / errs.length);
  return { toGround, toImage, pairs: errs, rmsM, maxM: Math.max(...errs.map((e) => e.groundM)) };
}

/** Normalised picture point → ground metres; undefined beyond the horizon (point maps behind the camera). */
export function imageToGround(h: Homography, p: NormPoint): WorldPoint | undefined {
  const r = applyH(h.toGround, p.x, p.y);
  return r.w > 0 && Number.isFinite(r.x) && Number.isFinite(r.y) ? world(r.x, r.y) : undefined;
}

/** Ground metres → normalised picture point. */
export function groundToImage(h: Homography, p: WorldPoint): NormPoint {
  const r = applyH(h.toImage, p.x, p.y);
  return norm(r.x, r.y);
}

/** Reprojection error in source pixels for a picture of `size`: RMS and max over the pairs. */
export function reprojectionErrorPx(h: Homography, size: FrameSize): { rmsPx: number; maxPx: number } {
  const d = h.pairs.map((e) => Math.hypot(e.imageNorm.dx * size.width, e.imageNorm.dy * size.height));
  return { rmsPx: Math.sqrt(d.reduce((s, v) => s + v * v, 0) / d.length), maxPx: Math.max(...d) };
}
