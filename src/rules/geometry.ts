import type { FrameSize, NormPoint, PixelPoint } from '../core/geometry.js';
import { normToPixel, pointInPolygon } from '../core/geometry.js';
import type { SceneLine } from './calibration/scene.js';
import type { SceneTrack } from './rule.js';

/**
 * Signed distance (source pixels) of point p from the infinite line a→b: positive on the `pos` side
 * (cross(B−A, P−A) > 0, clockwise on screen).
 */
export function signedDistancePx(line: SceneLine, p: PixelPoint, size: FrameSize): number {
  const a = normToPixel(line.a, size);
  const b = normToPixel(line.b, size);
  const len = Math.hypot(b.x - a.x, b.y - a.y);
  return len === 0 ? 0 : ((b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x)) / len;
}

/** Whether p projects within the segment's extent (with a margin, in source pixels). */
export function withinSegmentPx(line: SceneLine, p: PixelPoint, size: FrameSize, marginPx = 0): boolean {
  const a = normToPixel(line.a, size);
  const b = normToPixel(line.b, size);
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy);
  if (len === 0) return false;
  const t = ((p.x - a.x) * dx + (p.y - a.y) * dy) / len;
  return t >= -marginPx && t <= len + marginPx;
}

/** Side of a line with a dead band: +1 pos, −1 neg, 0 inside the band. */
export function sideOf(distPx: number, deadBandPx: number): -1 | 0 | 1 {
  if (distPx > deadBandPx) return 1;
  if (distPx < -deadBandPx) return -1;
  return 0;
}

export const inZone = (t: SceneTrack, polygon: readonly NormPoint[] | undefined): boolean =>
  polygon === undefined || pointInPolygon(t.anchor, polygon);

/** Distance between two tracks' anchors: metres when both have ground points, else source pixels. */
export function anchorDistance(a: SceneTrack, b: SceneTrack): { value: number; metres: boolean } {
  if (a.ground && b.ground) return { value: Math.hypot(a.ground.x - b.ground.x, a.ground.y - b.ground.y), metres: true };
  return { value: Math.hypot(a.anchorPx.x - b.anchorPx.x, a.anchorPx.y - b.anchorPx.y), metres: false };
}

/** Whether a class is in a configured class list (lists are typed narrower than ObjectClass). */
export const classIn = (classes: readonly string[], cls: string): boolean => classes.includes(cls);
