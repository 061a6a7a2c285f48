import { ArgusError } from '../../core/errors.js';
import { norm, world, type NormPoint, type WorldPoint } from '../../core/geometry.js';
import type { VehicleClass } from '../../core/classes.js';
import type { CameraConfig, LaneConfig, SpeedLimitsConfig } from '../../config/schema.js';
import { fitHomography, imageToGround, type Homography } from './homography.js';
import type { SignalLampsConfig } from '../../config/signal-lamps.js';

/**
 * A camera's geometry resolved once from its config: zones, lines, lanes and signals as normalised points,
 * lane directions (picture and ground), the homography when calibrated, and the speed limits.
 */
export interface SceneLine {
  readonly id: string;
  readonly a: NormPoint;
  readonly b: NormPoint;
}

export interface SceneLane {
  readonly id: string;
  readonly polygon: readonly NormPoint[];
  readonly classes: ReadonlySet<VehicleClass>;
  /** Travel direction in the picture, normalised units (not unit length: scale by the frame size first). */
  readonly directionNorm: { readonly x: number; readonly y: number };
  /** Unit travel direction on the ground, when calibrated and given as an entry→exit pair. */
  readonly directionGround?: { readonly x: number; readonly y: number };
}

/** A signal of the scene: where its head is and how its state is read (classifier) or that a feed gives it. */
export interface SceneSignal {
  readonly region?: readonly NormPoint[];
  readonly source: 'classifier' | 'feed';
  readonly reader?: 'lamps' | 'hue';
  readonly lamps?: SignalLampsConfig;
}

export interface Scene {
  readonly zones: ReadonlyMap<string, readonly NormPoint[]>;
  readonly lines: ReadonlyMap<string, SceneLine>;
  readonly lanes: ReadonlyMap<string, SceneLane>;
  readonly signals: ReadonlyMap<string, SceneSignal>;
  readonly homography?: Homography;
  readonly speedLimits?: SpeedLimitsConfig;
}

const toNorm = (p: readonly [number, number]): NormPoint => norm(p[0], p[1]);

function unit(x: number, y: number, what: string): { x: number; y: number } {
  const l = Math.hypot(x, y);
  if (!(l > 1e-12)) throw new ArgusError('config_invalid', `${what}: the travel direction has zero length`);
  return { x: x / l, y: y / l };
}

function resolveLane(lane: LaneConfig, h: Homography | undefined): SceneLane {
  const base = { id: lane.id, polygon: lane.polygon.map(toNorm), classes: new Set(lane.classes) };
  const d = lane.direction;
  let from: NormPoint;
  let to: NormPoint;
  if ('vector' in d) {
    // A direction vector: its ground direction is taken at the lane's centroid.
    unit(d.vector[0], d.vector[1], `lane ${lane.id}`);
    from = centroid(base.polygon);
    const step = 0.01 / Math.hypot(d.vector[0], d.vector[1]);
    to = norm(from.x + d.vector[0] * step, from.y + d.vector[1] * step);
  } else {
    from = toNorm(d.from);
    to = toNorm(d.to);
    unit(to.x - from.x, to.y - from.y, `lane ${lane.id}`);
  }
  const directionNorm = { x: to.x - from.x, y: to.y - from.y };
  const g0 = h && imageToGround(h, from);
  const g1 = h && imageToGround(h, to);
  if (!g0 || !g1) return { ...base, directionNorm };
  return { ...base, directionNorm, directionGround: unit(g1.x - g0.x, g1.y - g0.y, `lane ${lane.id}`) };
}

const centroid = (poly: readonly NormPoint[]): NormPoint =>
  norm(poly.reduce((s, p) => s + p.x, 0) / poly.length, poly.reduce((s, p) => s + p.y, 0) / poly.length);

/** Resolve a camera's geometry. Throws `config_invalid` when the calibration is degenerate. */
export function buildScene(camera: CameraConfig): Scene {
  let homography: Homography | undefined;
  if (camera.calibration) {
    try {
      homography = fitHomography(camera.calibration.points.map((p) => ({ image: toNorm(p.image), ground: world(p.ground[0], p.ground[1]) })));
    } catch (e) {
      throw new ArgusError('config_invalid', `camera ${camera.id}: calibration: ${(e as Error).message}`, { cause: e });
    }
  }
  return {
    zones: new Map(camera.zones.map((z) => [z.id, z.polygon.map(toNorm)])),
    lines: new Map(camera.lines.map((l) => [l.id, { id: l.id, a: toNorm(l.points[0]), b: toNorm(l.points[1]) }])),
    lanes: new Map(camera.lanes.map((l) => [l.id, resolveLane(l, homography)])),
    signals: new Map(
      camera.signals.map((s) => [s.id, s.region ? { region: s.region.map(toNorm), source: s.source, reader: s.reader, lamps: s.lamps } : { source: s.source }]),
    ),
    ...(homography ? { homography } : {}),
    ...(camera.speedLimits ? { speedLimits: camera.speedLimits } : {}),
  };
}

/** Speed limit for a class, km/h, or undefined when the camera has no limits. */
export function speedLimitKmh(scene: Scene, cls: VehicleClass): number | undefined {
  const l = scene.speedLimits;
  if (!l) return undefined;
  return l[cls] ?? l.default;
}

/** Unit lane direction in source pixels for a picture of `size`. */
export function laneDirectionPx(lane: SceneLane, size: { readonly width: number; readonly height: number }): { x: number; y: number } {
  const x = lane.directionNorm.x * size.width;
  const y = lane.directionNorm.y * size.height;
  const l = Math.hypot(x, y);
  return { x: x / l, y: y / l };
}

export const groundOf = (scene: Scene, p: NormPoint): WorldPoint | undefined =>
  scene.homography ? imageToGround(scene.homography, p) : undefined;
