/**
 * People per zone on the latest analysed frame, for the camera's live status: the persons whose foot point (bottom
 * centre of the box) lies in each zone, and the density. Density is persons per m² where the camera has a ground
 * calibration (the zone's corners projected onto the ground; a zone reaching past the horizon has no ground area),
 * else persons per 1 % of the picture's area (the zone's share of the normalised frame: comparable between cameras of
 * any resolution, not between cameras at different distances).
 */
import { bottomCenter } from '../core/box.js';
import type { CrowdStatus, ZoneCrowd } from '../core/heatmap.js';
import { norm, pixelToNorm, pointInPolygon, world, type NormPoint } from '../core/geometry.js';
import type { FrameMeta } from '../core/frame.js';
import type { Track } from '../core/track.js';
import type { CameraConfig } from '../config/schema.js';
import { fitHomography, imageToGround, type Homography } from '../rules/calibration/homography.js';

export type { CrowdStatus, ZoneCrowd } from '../core/heatmap.js';

/** Area of a polygon (shoelace), in its own units squared. */
export function polygonArea(poly: readonly { readonly x: number; readonly y: number }[]): number {
  let s = 0;
  for (let i = 0; i < poly.length; i++) {
    const a = poly[i]!;
    const b = poly[(i + 1) % poly.length]!;
    s += a.x * b.y - b.x * a.y;
  }
  return Math.abs(s) / 2;
}

interface ZoneGeometry {
  readonly id: string;
  readonly name: string | null;
  readonly polygon: readonly NormPoint[];
  readonly areaM2: number | null;
  readonly framePct: number;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** The camera's zones resolved once (ground areas from its calibration), then counted on each frame. */
export class CrowdCounter {
  private readonly zones: readonly ZoneGeometry[];
  private last: CrowdStatus | null = null;

  constructor(camera: Pick<CameraConfig, 'zones' | 'calibration'>) {
    let h: Homography | undefined;
    try {
      h = camera.calibration ? fitHomography(camera.calibration.points.map((p) => ({ image: norm(p.image[0], p.image[1]), ground: world(p.ground[0], p.ground[1]) }))) : undefined;
    } catch {
      h = undefined; // a degenerate calibration is refused by the rules' scene; here the zone falls back to picture density
    }
    this.zones = camera.zones.map((z) => {
      const polygon = z.polygon.map((p) => norm(p[0], p[1]));
      const ground = h ? polygon.map((p) => imageToGround(h, p)) : [];
      const areaM2 = h && ground.every((g) => g !== undefined) ? polygonArea(ground as { x: number; y: number }[]) : null;
      return { id: z.id, name: z.name ?? null, polygon, areaM2: areaM2 !== null && areaM2 > 0 ? round3(areaM2) : null, framePct: polygonArea(polygon) * 100 };
    });
  }

  /** Counts the persons of this frame (tracks matched on it). */
  count(meta: FrameMeta, tracks: readonly Track[]): CrowdStatus {
    const feet: NormPoint[] = [];
    for (const t of tracks) if (t.cls === 'person' && t.state === 'tracked') feet.push(pixelToNorm(bottomCenter(t.box), meta.sourceSize));
    const zones = this.zones.map((z): ZoneCrowd => {
      const persons = feet.filter((f) => pointInPolygon(f, z.polygon)).length;
      return {
        id: z.id, name: z.name, persons, areaM2: z.areaM2, perM2: z.areaM2 ? round3(persons / z.areaM2) : null,
        framePct: round3(z.framePct), perFramePct: z.framePct > 0 ? round3(persons / z.framePct) : 0,
      };
    });
    this.last = { atMs: meta.capturedAtMs, persons: feet.length, zones };
    return this.last;
  }

  latest(): CrowdStatus | null {
    return this.last;
  }
}
