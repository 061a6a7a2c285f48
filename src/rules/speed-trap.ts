import type { TrackId } from '../core/track.js';
import type { VehicleClass } from '../core/classes.js';
import { speedTrapParams, type SpeedTrapParams } from '../config/rules/speed-trap.js';
import { speedLimitKmh, type SceneLine } from './calibration/scene.js';
import { classIn, signedDistancePx } from './geometry.js';
import { defineRule, evict, header, sceneLine, type EventDraft, type RuleContext } from './rule.js';

interface Entry {
  /** Last signed distances to the two lines and the time they were measured. */
  readonly d1: number;
  readonly d2: number;
  readonly tMs: number;
  /** Interpolated time the anchor crossed the first line. */
  readonly firstMs?: number;
  readonly done: boolean;
}

interface State {
  readonly params: SpeedTrapParams;
  readonly ctx: RuleContext;
  readonly first: SceneLine;
  readonly second: SceneLine;
  readonly tracks: ReadonlyMap<TrackId, Entry>;
}

/** Time the signed distance crossed zero between two samples (linear interpolation), or undefined. */
export function crossingTime(d0: number, t0: number, d1: number, t1: number): number | undefined {
  if (d0 === 0 || Math.sign(d0) === Math.sign(d1)) return undefined;
  return t0 + ((t1 - t0) * d0) / (d0 - d1);
}

/**
 * Two-line speed trap: the times the anchor crosses the first and then the second line (interpolated between
 * frames) give the average speed over `distanceM`. Above the class limit + tolerance is a violation.
 */
export const speedTrapRule = defineRule({
  kind: 'speed_trap',
  schema: speedTrapParams,
  init: (params, ctx): State => {
    const first = sceneLine(ctx, params.id, params.firstLine);
    const second = sceneLine(ctx, params.id, params.secondLine);
    return { params, ctx, first, second, tracks: new Map() };
  },
  size: (s) => s.tracks.size,
  step(state, tracks, meta, ended) {
    const { params, ctx } = state;
    const now = meta.capturedAtMs;
    const next = new Map(state.tracks);
    const events: EventDraft[] = [];
    for (const t of tracks) {
      if (!classIn(params.classes, t.track.cls)) continue;
      const d1 = signedDistancePx(state.first, t.anchorPx, meta.sourceSize);
      const d2 = signedDistancePx(state.second, t.anchorPx, meta.sourceSize);
      const prev = next.get(t.track.id);
      let firstMs = prev?.firstMs !== undefined && now - prev.firstMs <= params.maxTravelMs ? prev.firstMs : undefined;
      let fire: number | undefined;
      if (prev && !prev.done) {
        firstMs = crossingTime(prev.d1, prev.tMs, d1, now) ?? firstMs;
        const secondMs = firstMs === undefined ? undefined : crossingTime(prev.d2, prev.tMs, d2, now);
        if (secondMs !== undefined && firstMs !== undefined && secondMs > firstMs) fire = (params.distanceM / ((secondMs - firstMs) / 1000)) * 3.6;
      }
      const limitKmh = speedLimitKmh(ctx.scene, t.track.cls as VehicleClass);
      const over = fire !== undefined && limitKmh !== undefined && fire > limitKmh + params.toleranceKmh;
      next.set(t.track.id, { d1, d2, tMs: now, done: (prev?.done ?? false) || fire !== undefined, ...(firstMs !== undefined ? { firstMs } : {}) });
      if (!over || fire === undefined || limitKmh === undefined) continue;
      events.push({
        ...header(ctx, params, meta),
        kind: 'violation',
        violation: 'speeding',
        trackId: t.track.id,
        cls: t.track.cls,
        box: t.track.box,
        lineId: params.secondLine,
        measurements: { speedKmh: Math.round(fire * 10) / 10, limitKmh, travelMs: Math.round(params.distanceM / (fire / 3.6) * 1000) },
        params,
      });
    }
    return { state: { ...state, tracks: evict(next, ended) }, events };
  },
});
