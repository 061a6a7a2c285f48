import type { NormPoint } from '../core/geometry.js';
import { median } from '../core/stats.js';
import type { TrackId } from '../core/track.js';
import { speedingParams, type SpeedingParams } from '../config/rules/speeding.js';
import { speedLimitKmh } from './calibration/scene.js';
import { classIn, inZone } from './geometry.js';
import { debounce, OFF, type Debounced } from './hysteresis.js';
import { defineRule, evict, header, type EventDraft, type RuleContext } from './rule.js';
import { estimateSpeed, leastSquaresSpeedKmh, type GroundSample } from './speed-estimate.js';

interface Entry {
  readonly samples: readonly GroundSample[];
  readonly d: Debounced;
  /** Speeds measured while over the limit (the median is reported). */
  readonly overKmh: readonly number[];
  readonly done: boolean;
}

interface State {
  readonly params: SpeedingParams;
  readonly ctx: RuleContext;
  readonly zone?: readonly NormPoint[];
  readonly tracks: ReadonlyMap<TrackId, Entry>;
}

/** Fraction of the threshold above which the least-squares pre-check hands over to the robust fit. */
const ROBUST_FROM = 0.6;

/**
 * Speeding: ground positions over `windowMs` are fitted robustly (Theil–Sen); a speed above the class limit
 * plus tolerance for `minOverMs` is a violation (once per track), reported with the median speed over that period. Needs the camera calibration and limits.
 */
export const speedingRule = defineRule({
  kind: 'speeding',
  schema: speedingParams,
  init: (params, ctx): State => {
    const zone = params.zone === undefined ? undefined : ctx.scene.zones.get(params.zone);
    return { params, ctx, ...(zone ? { zone } : {}), tracks: new Map() };
  },
  size: (s) => s.tracks.size,
  step(state, tracks, meta, ended) {
    const { params, ctx } = state;
    const now = meta.capturedAtMs;
    const next = new Map(state.tracks);
    const events: EventDraft[] = [];
    for (const t of tracks) {
      const cls = t.track.cls;
      if (!classIn(params.classes, cls) || !t.ground || !inZone(t, state.zone)) continue;
      const prev = next.get(t.track.id) ?? { samples: [], d: OFF, overKmh: [], done: false };
      if (prev.done) continue;
      const samples = [...prev.samples.filter((s) => now - s.tMs <= params.windowMs), { tMs: now, x: t.ground.x, y: t.ground.y }];
      const limitKmh = speedLimitKmh(ctx.scene, cls as Parameters<typeof speedLimitKmh>[1]);
      const spanMs = now - samples[0]!.tMs;
      const enough = samples.length >= params.minSamples && spanMs >= params.windowMs / 2 && limitKmh !== undefined;
      // The robust fit only runs when a plain least-squares fit is not far below the threshold (saves ~90 %).
      const near = enough && (leastSquaresSpeedKmh(samples) ?? 0) >= ROBUST_FROM * (limitKmh + params.toleranceKmh);
      const est = near ? estimateSpeed(samples) : undefined;
      const over = est !== undefined && limitKmh !== undefined && est.speedKmh > limitKmh + params.toleranceKmh;
      const { next: d, changed } = debounce(prev.d, over, now, params.minOverMs, 0);
      const overKmh = over && est ? [...prev.overKmh, est.speedKmh] : [];
      const fire = changed && d.on;
      next.set(t.track.id, { samples, d, overKmh, done: fire });
      if (!fire || limitKmh === undefined) continue;
      events.push({
        ...header(ctx, params, meta),
        kind: 'violation',
        violation: 'speeding',
        trackId: t.track.id,
        cls,
        box: t.track.box,
        ...(params.zone ? { zoneId: params.zone } : {}),
        measurements: { speedKmh: Math.round(median(overKmh) * 10) / 10, limitKmh },
        params,
      });
    }
    return { state: { ...state, tracks: evict(next, ended) }, events };
  },
});
