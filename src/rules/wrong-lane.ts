import type { TrackId } from '../core/track.js';
import { wrongLaneParams, type WrongLaneParams } from '../config/rules/wrong-lane.js';
import type { SceneLane } from './calibration/scene.js';
import { inZone } from './geometry.js';
import { debounce, OFF, type Debounced } from './hysteresis.js';
import { defineRule, header, type EventDraft, type RuleContext } from './rule.js';

interface Entry {
  readonly d: Debounced;
  readonly done: boolean;
}

interface State {
  readonly params: WrongLaneParams;
  readonly ctx: RuleContext;
  readonly lanes: readonly SceneLane[];
  /** Key `${trackId}:${laneId}`. */
  readonly tracks: ReadonlyMap<string, Entry>;
}

/** Wrong lane: a vehicle whose class the lane does not allow stays in it at least `minInsideMs`; once per track and lane. */
export const wrongLaneRule = defineRule({
  kind: 'wrong_lane',
  schema: wrongLaneParams,
  init: (params, ctx): State => ({
    params,
    ctx,
    lanes: params.lanes.map((id) => ctx.scene.lanes.get(id)).filter((l): l is SceneLane => l !== undefined),
    tracks: new Map(),
  }),
  size: (s) => s.tracks.size,
  step(state, tracks, meta, ended) {
    const now = meta.capturedAtMs;
    const next = new Map<string, Entry>();
    const events: EventDraft[] = [];
    const endedSet = new Set(ended);
    const present = new Set<TrackId>();
    for (const t of tracks) {
      present.add(t.track.id);
      if (endedSet.has(t.track.id)) continue;
      for (const lane of state.lanes) {
        const key = `${t.track.id}:${lane.id}`;
        const prev = state.tracks.get(key) ?? { d: OFF, done: false };
        const raw = !(lane.classes as ReadonlySet<string>).has(t.track.cls) && inZone(t, lane.polygon);
        const { next: d, changed } = debounce(prev.d, raw, now, state.params.minInsideMs, 0);
        const fire = changed && d.on && !prev.done;
        const entry = { d, done: prev.done || fire };
        if (entry.done || d.on || d.pendingSinceMs !== undefined) next.set(key, entry);
        if (!fire) continue;
        events.push({
          ...header(state.ctx, state.params, meta),
          kind: 'violation',
          violation: 'wrong_lane',
          trackId: t.track.id,
          cls: t.track.cls,
          box: t.track.box,
          laneId: lane.id,
          measurements: { dwellMs: now - (d.sinceMs ?? now) },
          params: state.params,
        });
      }
    }
    for (const [key, e] of state.tracks) {
      const id = Number(key.slice(0, key.indexOf(':')));
      if (!present.has(id) && !endedSet.has(id)) next.set(key, e);
    }
    return { state: { ...state, tracks: next }, events };
  },
});
