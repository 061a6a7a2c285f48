import type { NormPoint } from '../core/geometry.js';
import type { TrackId } from '../core/track.js';
import { illegalStoppingParams, type IllegalStoppingParams } from '../config/rules/illegal-stopping.js';
import { classIn, inZone } from './geometry.js';
import { defineRule, evict, header, type EventDraft, type RuleContext, type SceneTrack } from './rule.js';
import { inTimeWindows } from './time-window.js';

interface Still {
  readonly x: number;
  readonly y: number;
  readonly metres: boolean;
  readonly sinceMs: number;
}

interface Entry {
  readonly still?: Still;
  readonly done: boolean;
}

interface State {
  readonly params: IllegalStoppingParams;
  readonly ctx: RuleContext;
  readonly zone: readonly NormPoint[];
  readonly tracks: ReadonlyMap<TrackId, Entry>;
}

/** The track's position for stillness: ground metres when calibrated, else source pixels. */
const position = (t: SceneTrack): { x: number; y: number; metres: boolean } =>
  t.ground ? { x: t.ground.x, y: t.ground.y, metres: true } : { x: t.anchorPx.x, y: t.anchorPx.y, metres: false };

/**
 * Illegal stopping/parking: inside the no-stopping zone, within `radiusM` (or `radiusPx`) of where it stopped,
 * for longer than `maxStopMs`, during the time windows. Once per track; moving off the spot restarts the clock.
 */
export const illegalStoppingRule = defineRule({
  kind: 'illegal_stopping',
  schema: illegalStoppingParams,
  init: (params, ctx): State => ({ params, ctx, zone: ctx.scene.zones.get(params.zone) ?? [], tracks: new Map() }),
  size: (s) => s.tracks.size,
  step(state, tracks, meta, ended) {
    const { params } = state;
    const now = meta.capturedAtMs;
    const next = new Map(state.tracks);
    const events: EventDraft[] = [];
    for (const t of tracks) {
      if (!classIn(params.classes, t.track.cls)) continue;
      const prev = next.get(t.track.id) ?? { done: false };
      if (prev.done) continue;
      if (!inZone(t, state.zone)) {
        next.delete(t.track.id);
        continue;
      }
      const p = position(t);
      const radius = p.metres ? params.radiusM : params.radiusPx;
      const keep = prev.still && prev.still.metres === p.metres && Math.hypot(p.x - prev.still.x, p.y - prev.still.y) <= radius;
      const still: Still = keep && prev.still ? prev.still : { ...p, sinceMs: now };
      const stoppedMs = now - still.sinceMs;
      const fire = stoppedMs > params.maxStopMs && inTimeWindows(params.when, now, state.ctx.timeZone);
      next.set(t.track.id, { still, done: fire });
      if (!fire) continue;
      events.push({
        ...header(state.ctx, params, meta),
        kind: 'violation',
        violation: 'illegal_stopping',
        trackId: t.track.id,
        cls: t.track.cls,
        box: t.track.box,
        zoneId: params.zone,
        measurements: { stoppedMs },
        params,
      });
    }
    return { state: { ...state, tracks: evict(next, ended) }, events };
  },
});
