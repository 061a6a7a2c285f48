import type { TrackId } from '../core/track.js';
import { ridersParams, type RidersParams } from '../config/rules/riders.js';
import { debounce, OFF, type Debounced } from './hysteresis.js';
import { defineRule, evict, header, type EventDraft, type RuleContext } from './rule.js';

interface Entry {
  readonly d: Debounced;
  readonly maxRiders: number;
  readonly done: boolean;
}

interface State {
  readonly params: RidersParams;
  readonly ctx: RuleContext;
  readonly tracks: ReadonlyMap<TrackId, Entry>;
}

/** A motorbike seen with more than `maxRiders` riders for at least `minSeenMs`; once per track. */
export const ridersRule = defineRule({
  kind: 'riders',
  schema: ridersParams,
  init: (params, ctx): State => ({ params, ctx, tracks: new Map() }),
  size: (s) => s.tracks.size,
  step(state, tracks, meta, ended) {
    const { params } = state;
    const now = meta.capturedAtMs;
    const next = new Map(state.tracks);
    const events: EventDraft[] = [];
    for (const t of tracks) {
      if (t.track.cls !== 'motorcycle') continue;
      const riders = t.track.riders ?? 0;
      const prev = next.get(t.track.id) ?? { d: OFF, maxRiders: 0, done: false };
      if (prev.done) continue;
      const { next: d, changed } = debounce(prev.d, riders > params.maxRiders, now, params.minSeenMs, 0);
      const fire = changed && d.on;
      next.set(t.track.id, { d, maxRiders: d.on || d.pendingSinceMs !== undefined ? Math.max(prev.maxRiders, riders) : 0, done: fire });
      if (!fire) continue;
      events.push({
        ...header(state.ctx, params, meta),
        kind: 'violation',
        violation: 'too_many_riders',
        trackId: t.track.id,
        cls: t.track.cls,
        box: t.track.box,
        measurements: { riders: Math.max(prev.maxRiders, riders), maxRiders: params.maxRiders },
        params,
      });
    }
    return { state: { ...state, tracks: evict(next, ended) }, events };
  },
});
