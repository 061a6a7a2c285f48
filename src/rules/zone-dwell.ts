import type { NormPoint } from '../core/geometry.js';
import type { TrackId } from '../core/track.js';
import { zoneDwellParams, type ZoneDwellParams } from '../config/rules/zone-dwell.js';
import { inZone } from './geometry.js';
import { debounce, OFF, type Debounced } from './hysteresis.js';
import { defineRule, evict, header, type EventDraft, type RuleContext, type SceneTrack } from './rule.js';

interface Entry {
  readonly d: Debounced;
  readonly cls: SceneTrack['track']['cls'];
  readonly box: SceneTrack['track']['box'];
  readonly lastSeenMs: number;
  readonly alerted: boolean;
}

interface State {
  readonly params: ZoneDwellParams;
  readonly ctx: RuleContext;
  readonly polygon: readonly NormPoint[];
  readonly tracks: ReadonlyMap<TrackId, Entry>;
}

const countInside = (m: ReadonlyMap<TrackId, Entry>): number => {
  let n = 0;
  for (const e of m.values()) if (e.d.on) n++;
  return n;
};

/** Zone occupancy and dwell: `zone.enter` / `zone.exit` (with dwell) and an optional `dwell` alert. */
export const zoneDwellRule = defineRule({
  kind: 'zone_dwell',
  schema: zoneDwellParams,
  init: (params, ctx): State => ({ params, ctx, polygon: ctx.scene.zones.get(params.zone) ?? [], tracks: new Map() }),
  size: (s) => s.tracks.size,
  step(state, tracks, meta, ended) {
    const { params, ctx } = state;
    const now = meta.capturedAtMs;
    const h = header(ctx, params, meta);
    const next = new Map(state.tracks);
    const events: EventDraft[] = [];
    let occupancy = countInside(next);
    const seen = new Set<TrackId>();
    const update = (id: TrackId, raw: boolean, t: Pick<Entry, 'cls' | 'box' | 'lastSeenMs'>): void => {
      const prev = next.get(id) ?? { d: OFF, alerted: false, ...t };
      const { next: d, changed } = debounce(prev.d, raw, now, params.enterMs, params.exitMs);
      const entry: Entry = { ...prev, ...t, d, alerted: d.on ? prev.alerted : false };
      if (changed && d.on) occupancy++;
      if (changed && !d.on) occupancy--;
      if (changed) {
        const base = { ...h, zoneId: params.zone, trackId: id, cls: t.cls, occupancy };
        events.push(d.on ? { ...base, kind: 'zone.enter' } : { ...base, kind: 'zone.exit', dwellMs: (d.sinceMs ?? now) - (prev.d.sinceMs ?? now) });
      }
      if (d.on && !entry.alerted && params.maxDwellMs !== undefined && now - (d.sinceMs ?? now) > params.maxDwellMs) {
        events.push(dwellAlert(state, h, id, now - (d.sinceMs ?? now)));
        next.set(id, { ...entry, alerted: true });
      } else if (d.on || d.pendingSinceMs !== undefined) next.set(id, entry);
      else next.delete(id);
    };
    for (const t of tracks) {
      if (params.classes && !params.classes.includes(t.track.cls)) continue;
      seen.add(t.track.id);
      const raw = inZone(t, state.polygon);
      if (!raw && !next.has(t.track.id)) continue; // outside and unknown: nothing to do (the common case)
      update(t.track.id, raw, { cls: t.track.cls, box: t.track.box, lastSeenMs: now });
    }
    const endedSet = new Set(ended);
    for (const [id, e] of state.tracks) if (!seen.has(id) && !endedSet.has(id)) update(id, false, e);
    for (const id of ended) {
      const e = next.get(id);
      if (e?.d.on) {
        occupancy--;
        events.push({ ...h, kind: 'zone.exit', zoneId: params.zone, trackId: id, cls: e.cls, occupancy, dwellMs: e.lastSeenMs - (e.d.sinceMs ?? e.lastSeenMs) });
      }
    }
    return { state: { ...state, tracks: evict(next, ended) }, events };
  },
});

function dwellAlert(state: State, h: ReturnType<typeof header>, id: TrackId, dwellMs: number): EventDraft {
  return { ...h, kind: 'alert', alert: 'dwell', zoneId: state.params.zone, trackIds: [id], measurements: { dwellMs }, params: state.params };
}
