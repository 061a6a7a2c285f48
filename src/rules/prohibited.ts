import type { NormPoint } from '../core/geometry.js';
import type { TrackId } from '../core/track.js';
import { prohibitedParams, type ProhibitedParams } from '../config/rules/prohibited.js';
import { classIn, inZone } from './geometry.js';
import { debounce, OFF, type Debounced } from './hysteresis.js';
import { defineRule, evict, header, type EventDraft, type RuleContext, type SceneTrack } from './rule.js';
import { inTimeWindows } from './time-window.js';

interface Entry {
  /** Debounced presence in the target zone (`zone`, or `toZone` for turns). */
  readonly d: Debounced;
  /** Last time the track was inside `fromZone` (turns). */
  readonly lastFromMs?: number;
  readonly done: boolean;
}

interface State {
  readonly params: ProhibitedParams;
  readonly ctx: RuleContext;
  readonly target: readonly NormPoint[];
  readonly from?: readonly NormPoint[];
  readonly tracks: ReadonlyMap<TrackId, Entry>;
}

function stepTrack(state: State, t: SceneTrack, prev: Entry, now: number): { entry: Entry; fire: boolean } {
  const { params } = state;
  const lastFromMs = state.from && inZone(t, state.from) ? now : prev.lastFromMs;
  const { next: d, changed } = debounce(prev.d, inZone(t, state.target), now, params.minInsideMs, 0);
  const turned = state.from === undefined || (lastFromMs !== undefined && (d.sinceMs ?? now) - lastFromMs <= params.turnWithinMs);
  const fire = changed && d.on && !prev.done && turned && inTimeWindows(params.when, now, state.ctx.timeZone);
  return { entry: { d, done: prev.done || fire, ...(lastFromMs !== undefined ? { lastFromMs } : {}) }, fire };
}

/**
 * Prohibited entry (a zone) or turn (`fromZone` then `toZone` within `turnWithinMs`) for the listed classes
 * during the time windows (site local time). Once per track.
 */
export const prohibitedRule = defineRule({
  kind: 'prohibited',
  schema: prohibitedParams,
  init: (params, ctx): State => {
    const targetId = params.zone ?? params.toZone ?? '';
    const from = params.fromZone === undefined ? undefined : ctx.scene.zones.get(params.fromZone);
    return { params, ctx, target: ctx.scene.zones.get(targetId) ?? [], ...(from ? { from } : {}), tracks: new Map() };
  },
  size: (s) => s.tracks.size,
  step(state, tracks, meta, ended) {
    const { params } = state;
    const next = new Map(state.tracks);
    const events: EventDraft[] = [];
    for (const t of tracks) {
      if (!classIn(params.classes, t.track.cls)) continue;
      const { entry, fire } = stepTrack(state, t, next.get(t.track.id) ?? { d: OFF, done: false }, meta.capturedAtMs);
      next.set(t.track.id, entry);
      if (!fire) continue;
      const turn = params.zone === undefined;
      events.push({
        ...header(state.ctx, params, meta),
        kind: 'violation',
        violation: turn ? 'prohibited_turn' : 'prohibited_entry',
        trackId: t.track.id,
        cls: t.track.cls,
        box: t.track.box,
        zoneId: params.zone ?? params.toZone ?? '',
        measurements: {},
        params,
      });
    }
    return { state: { ...state, tracks: evict(next, ended) }, events };
  },
});
