import type { TrackId } from '../core/track.js';
import { wrongWayParams, type WrongWayParams } from '../config/rules/wrong-way.js';
import { laneDirectionPx, type SceneLane } from './calibration/scene.js';
import { classIn, inZone } from './geometry.js';
import { defineRule, header, type EventDraft, type RuleContext, type RuleMeta, type SceneTrack } from './rule.js';

/** Per track and lane: the furthest progress along the lane direction, and whether it was reported. */
interface LaneProgress {
  readonly bestAlong: number;
  readonly done: boolean;
  /** Where and when the track was first seen in the lane (source pixels, ms). */
  readonly firstX: number;
  readonly firstY: number;
  readonly firstMs: number;
}

/** Last sighting of a track that was reported, kept briefly to recognise the same vehicle on a new track id. */
interface Reported {
  readonly laneId: string;
  readonly x: number;
  readonly y: number;
  readonly lastMs: number;
}

/**
 * A track that breaks (occlusion, a weak detector) comes back under a new id. A new track that starts in the
 * same lane within REFIRE_WINDOW_MS of a reported track's last sighting, and within REFIRE_RADIUS (share of the
 * frame width) of it, is the same vehicle: it is not reported again.
 */
const REFIRE_WINDOW_MS = 3000;
const REFIRE_RADIUS = 0.15;

interface State {
  readonly params: WrongWayParams;
  readonly ctx: RuleContext;
  readonly lanes: readonly SceneLane[];
  /** Key `${trackId}:${laneId}`; evicted when the track ends or leaves the lane. */
  readonly progress: ReadonlyMap<string, LaneProgress>;
  /** Key `${trackId}:${laneId}` of reported tracks; pruned REFIRE_WINDOW_MS after their last sighting. */
  readonly reported: ReadonlyMap<string, Reported>;
}

function sameVehicleReported(reported: ReadonlyMap<string, Reported>, key: string, laneId: string, p: LaneProgress, radiusPx: number): boolean {
  for (const [k, r] of reported) {
    if (k === key || r.laneId !== laneId) continue;
    const gap = p.firstMs - r.lastMs;
    if (gap >= -REFIRE_WINDOW_MS && gap <= REFIRE_WINDOW_MS && Math.hypot(p.firstX - r.x, p.firstY - r.y) <= radiusPx) return true;
  }
  return false;
}

/** Position along the lane direction: metres on the ground when calibrated, else source pixels. */
function along(lane: SceneLane, t: SceneTrack, meta: RuleMeta): { value: number; metres: boolean } | undefined {
  if (lane.directionGround) {
    if (!t.ground) return undefined;
    return { value: t.ground.x * lane.directionGround.x + t.ground.y * lane.directionGround.y, metres: true };
  }
  const d = laneDirectionPx(lane, meta.sourceSize);
  return { value: t.anchorPx.x * d.x + t.anchorPx.y * d.y, metres: false };
}

/**
 * Wrong way: inside a watched lane, the track has come back against the lane direction at least the minimum
 * distance from the furthest point it reached along the lane. Jitter never accumulates (the distance is from
 * a maximum, not a sum), a U-turn counts once the vehicle has come back far enough, and each track is
 * reported once per lane.
 */
export const wrongWayRule = defineRule({
  kind: 'wrong_way',
  schema: wrongWayParams,
  init: (params, ctx): State => ({
    params,
    ctx,
    lanes: params.lanes.map((id) => ctx.scene.lanes.get(id)).filter((l): l is SceneLane => l !== undefined),
    progress: new Map(),
    reported: new Map(),
  }),
  size: (s) => s.progress.size + s.reported.size,
  step(state, tracks, meta, ended) {
    const { params } = state;
    const next = new Map<string, LaneProgress>();
    const events: EventDraft[] = [];
    const endedSet = new Set(ended);
    const present = new Set<TrackId>();
    const reported = new Map<string, Reported>();
    for (const [k, r] of state.reported) if (meta.capturedAtMs - r.lastMs <= REFIRE_WINDOW_MS) reported.set(k, r);
    const radiusPx = REFIRE_RADIUS * meta.sourceSize.width;
    for (const t of tracks) {
      present.add(t.track.id);
      if (endedSet.has(t.track.id)) continue;
      // Progress is kept for every track, the class checked when it would fire: a small rider's track may be
      // voted a person for its first second (the detector boxes the rider before the bike), and the way it came
      // before its class settled counts too.
      const classOk = classIn(params.classes, t.track.cls);
      for (const lane of state.lanes) {
        if (!inZone(t, lane.polygon)) continue;
        const a = along(lane, t, meta);
        if (!a) continue;
        const key = `${t.track.id}:${lane.id}`;
        const prev = state.progress.get(key) ?? {
          bestAlong: a.value,
          done: false,
          firstX: t.anchorPx.x,
          firstY: t.anchorPx.y,
          firstMs: meta.capturedAtMs,
        };
        const bestAlong = Math.max(prev.bestAlong, a.value);
        const against = bestAlong - a.value;
        const min = a.metres ? params.minDistanceM : params.minDistancePx;
        const reached = !prev.done && classOk && against >= min;
        const fire = reached && !sameVehicleReported(reported, key, lane.id, prev, radiusPx);
        const done = prev.done || reached;
        next.set(key, { ...prev, bestAlong, done });
        if (done) reported.set(key, { laneId: lane.id, x: t.anchorPx.x, y: t.anchorPx.y, lastMs: meta.capturedAtMs });
        if (!fire) continue;
        const d = Math.round(against * 100) / 100;
        events.push({
          ...header(state.ctx, params, meta),
          kind: 'violation',
          violation: 'wrong_way',
          trackId: t.track.id,
          cls: t.track.cls,
          box: t.track.box,
          laneId: lane.id,
          measurements: a.metres ? { distanceM: d } : { distancePx: d },
          params,
        });
      }
    }
    // Tracks not reported this frame (briefly lost) keep their progress until they end.
    for (const [key, p] of state.progress) {
      const id = Number(key.slice(0, key.indexOf(':')));
      if (!present.has(id) && !endedSet.has(id)) next.set(key, p);
    }
    return { state: { ...state, progress: next, reported }, events };
  },
});

