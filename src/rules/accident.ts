import type { Box } from '../core/box.js';
import type { NormPoint } from '../core/geometry.js';
import type { TrackId } from '../core/track.js';
import { accidentParams, type AccidentParams } from '../config/rules/accident.js';
import { classIn, inZone } from './geometry.js';
import { defineRule, evict, header, type EventDraft, type RuleContext, type SceneTrack } from './rule.js';

interface Entry {
  readonly history: readonly { readonly tMs: number; readonly x: number; readonly y: number }[];
  readonly box: Box;
  /** Last time it moved faster than `movingPxPerSec`. */
  readonly movingAtMs?: number;
  /** Since when it has been stopped, and whether that stop was abrupt. */
  readonly stoppedSinceMs?: number;
  readonly abrupt: boolean;
  readonly reported: boolean;
}

interface State {
  readonly params: AccidentParams;
  readonly ctx: RuleContext;
  readonly zone?: readonly NormPoint[];
  readonly tracks: ReadonlyMap<TrackId, Entry>;
}

const SPEED_WINDOW_MS = 600;

/** Gap between two boxes, source pixels (0 when they overlap). */
export function boxGapPx(a: Box, b: Box): number {
  const dx = Math.max(0, a.x1 - b.x2, b.x1 - a.x2);
  const dy = Math.max(0, a.y1 - b.y2, b.y1 - a.y2);
  return Math.hypot(dx, dy);
}

function stepTrack(p: AccidentParams, t: SceneTrack, prev: Entry | undefined, now: number): Entry {
  const history = [...(prev?.history ?? []).filter((h) => now - h.tMs <= SPEED_WINDOW_MS), { tMs: now, x: t.anchorPx.x, y: t.anchorPx.y }];
  const first = history[0]!;
  const dt = (now - first.tMs) / 1000;
  const speed = dt > 0 ? Math.hypot(t.anchorPx.x - first.x, t.anchorPx.y - first.y) / dt : undefined;
  const movingAtMs = speed !== undefined && speed >= p.movingPxPerSec ? now : prev?.movingAtMs;
  const stopped = speed !== undefined && speed <= p.stoppedPxPerSec;
  const stoppedSinceMs = stopped ? (prev?.stoppedSinceMs ?? now) : undefined;
  const abrupt = stopped && (prev?.stoppedSinceMs !== undefined ? prev.abrupt : movingAtMs !== undefined && now - movingAtMs <= p.maxDecelMs);
  return { history, box: t.track.box, abrupt, reported: prev?.reported ?? false, ...(movingAtMs !== undefined ? { movingAtMs } : {}), ...(stoppedSinceMs !== undefined ? { stoppedSinceMs } : {}) };
}

/** Groups (connected by box gap ≤ maxGapPx) of ≥ 2 tracks that stopped abruptly and stayed ≥ minStayMs. */
function crashGroups(p: AccidentParams, tracks: ReadonlyMap<TrackId, Entry>, now: number): TrackId[][] {
  const cands = [...tracks].filter(([, e]) => e.abrupt && e.stoppedSinceMs !== undefined && now - e.stoppedSinceMs >= p.minStayMs);
  const groups: TrackId[][] = [];
  const used = new Set<TrackId>();
  for (const [id] of cands) {
    if (used.has(id)) continue;
    const group = [id];
    used.add(id);
    for (let i = 0; i < group.length; i++) {
      const a = tracks.get(group[i]!)!;
      for (const [other, e] of cands) {
        if (used.has(other) || boxGapPx(a.box, e.box) > p.maxGapPx) continue;
        used.add(other);
        group.push(other);
      }
    }
    if (group.length >= 2) groups.push(group.sort((x, y) => x - y));
  }
  return groups;
}

/**
 * Suspected accident: two or more vehicles, each stopping within `maxDecelMs` of moving fast, close together
 * (box gap ≤ `maxGapPx`) and staying stopped ≥ `minStayMs`. One alert per group (its tracks are then marked).
 */
export const accidentRule = defineRule({
  kind: 'accident',
  schema: accidentParams,
  init: (params, ctx): State => {
    const zone = params.zone === undefined ? undefined : ctx.scene.zones.get(params.zone);
    return { params, ctx, ...(zone ? { zone } : {}), tracks: new Map() };
  },
  size: (s) => s.tracks.size,
  step(state, tracks, meta, ended) {
    const { params } = state;
    const now = meta.capturedAtMs;
    const next = new Map(state.tracks);
    for (const t of tracks) {
      if (!classIn(params.classes, t.track.cls) || !inZone(t, state.zone)) continue;
      next.set(t.track.id, stepTrack(params, t, next.get(t.track.id), now));
    }
    const events: EventDraft[] = [];
    for (const group of crashGroups(params, next, now)) {
      if (group.some((id) => next.get(id)!.reported)) continue;
      for (const id of group) next.set(id, { ...next.get(id)!, reported: true });
      events.push({
        ...header(state.ctx, params, meta),
        kind: 'alert',
        alert: 'accident',
        ...(params.zone ? { zoneId: params.zone } : {}),
        trackIds: group,
        measurements: { count: group.length, stoppedMs: Math.min(...group.map((id) => now - next.get(id)!.stoppedSinceMs!)) },
        params,
      });
    }
    return { state: { ...state, tracks: evict(next, ended) }, events };
  },
});
