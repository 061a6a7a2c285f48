/**
 * Named coordinate spaces. Mixing them is a compile error: every conversion lives here.
 * - PixelPoint: source-image pixels, x right, y down.
 * - NormPoint: 0–1 of the source image (config geometry).
 * - WorldPoint: metres on the ground plane (after calibration).
 * - LatLng: WGS84 degrees (the map).
 */
declare const space: unique symbol;
type Branded<T, S extends string> = T & { readonly [space]: S };

export type PixelPoint = Branded<{ readonly x: number; readonly y: number }, 'pixel'>;
export type NormPoint = Branded<{ readonly x: number; readonly y: number }, 'norm'>;
export type WorldPoint = Branded<{ readonly x: number; readonly y: number }, 'world'>;
export type LatLng = Branded<{ readonly lat: number; readonly lng: number }, 'latlng'>;

export const px = (x: number, y: number): PixelPoint => ({ x, y }) as PixelPoint;
export const norm = (x: number, y: number): NormPoint => ({ x, y }) as NormPoint;
export const world = (x: number, y: number): WorldPoint => ({ x, y }) as WorldPoint;
export const latLng = (lat: number, lng: number): LatLng => ({ lat, lng }) as LatLng;

export interface FrameSize {
  readonly width: number;
  readonly height: number;
}

export const normToPixel = (p: NormPoint, size: FrameSize): PixelPoint => px(p.x * size.width, p.y * size.height);
export const pixelToNorm = (p: PixelPoint, size: FrameSize): NormPoint => norm(p.x / size.width, p.y / size.height);

/** Scale a pixel point from one frame size to another (e.g. analysis size → source size). */
export const rescalePixel = (p: PixelPoint, from: FrameSize, to: FrameSize): PixelPoint =>
  px((p.x * to.width) / from.width, (p.y * to.height) / from.height);

/** z-component of (b − a) × (p − a). Positive when p is clockwise of a→b on screen (y down). */
export function cross<P extends { readonly x: number; readonly y: number }>(a: P, b: P, p: P): number {
  return (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x);
}

export function distance<P extends { readonly x: number; readonly y: number }>(a: P, b: P): number {
  return Math.hypot(b.x - a.x, b.y - a.y);
}

/** Ray-casting point-in-polygon; works in any one space. */
export function pointInPolygon<P extends { readonly x: number; readonly y: number }>(p: P, poly: readonly P[]): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const a = poly[i]!;
    const b = poly[j]!;
    if (a.y > p.y !== b.y > p.y && p.x < ((b.x - a.x) * (p.y - a.y)) / (b.y - a.y) + a.x) inside = !inside;
  }
  return inside;
}

/**
 * Parameter t of the projection of p onto segment a→b (0 at a, 1 at b). Used to decide whether a crossing
 * happened within the segment's extent.
 */
export function projectOnSegment<P extends { readonly x: number; readonly y: number }>(a: P, b: P, p: P): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  return len2 === 0 ? 0 : ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2;
}
