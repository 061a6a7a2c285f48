import type { NormPoint } from '../core/geometry.js';
import type { TrackId } from '../core/track.js';
import { crowdParams, type CrowdParams } from '../config/rules/crowd.js';
import { inZone } from './geometry.js';
import { defineRule, header, type EventDraft, type RuleContext } from './rule.js';

interface State {
  readonly params: CrowdParams;
  readonly ctx: RuleContext;
  readonly zone: readonly NormPoint[];
  /** Since when the count has been at or above the threshold. */
  readonly aboveSinceMs?: number;
  /** Since when it has been below (re-arming after an alert). */
  readonly belowSinceMs?: number;
  readonly armed: boolean;
}

/**
 * Crowd gathering: at least `minPeople` people in the zone for `minDurationMs` raises one alert; the rule
 * re-arms after the count stays below the threshold for `rearmMs`. Holds no per-track state.
 */
export const crowdRule = defineRule({
  kind: 'crowd',
  schema: crowdParams,
  init: (params, ctx): State => ({ params, ctx, zone: ctx.scene.zones.get(params.zone) ?? [], armed: true }),
  size: () => 0,
  step(state, tracks, meta) {
    const { params } = state;
    const now = meta.capturedAtMs;
    const people: TrackId[] = [];
    for (const t of tracks) if (t.track.cls === 'person' && inZone(t, state.zone)) people.push(t.track.id);
    const above = people.length >= params.minPeople;
    const aboveSinceMs = above ? (state.aboveSinceMs ?? now) : undefined;
    const belowSinceMs = above ? undefined : (state.belowSinceMs ?? now);
    let armed = state.armed || (belowSinceMs !== undefined && now - belowSinceMs >= params.rearmMs);
    const events: EventDraft[] = [];
    if (armed && aboveSinceMs !== undefined && now - aboveSinceMs >= params.minDurationMs) {
      armed = false;
      events.push({
        ...header(state.ctx, params, meta),
        kind: 'alert',
        alert: 'crowd',
        zoneId: params.zone,
        trackIds: people,
        measurements: { count: people.length, dwellMs: now - aboveSinceMs },
        params,
      });
    }
    const next: State = { params, ctx: state.ctx, zone: state.zone, armed, ...(aboveSinceMs !== undefined ? { aboveSinceMs } : {}), ...(belowSinceMs !== undefined ? { belowSinceMs } : {}) };
    return { state: next, events };
  },
});
