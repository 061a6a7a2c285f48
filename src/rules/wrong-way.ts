import type { TrackId } from '../core/track.js';
import { wrongWayParams, type WrongWayParams } from '../config/rules/wrong-way.js';
import { laneDirectionPx, type SceneLane } from './calibration/scene.js';
import { classIn, inZone } from './geometry.js';
import { defineRule, header, type EventDraft, type RuleContext, type RuleMeta, type SceneTrack } from './rule.js';

/** Per track and lane: the furthest progress along the lane direction, and whether it was reported. */
interface LaneProgress {
  readonly bestAlong: number;
  readonly done: boolean;
}

interface State {
  readonly params: WrongWayParams;
  readonly ctx: RuleContext;
  readonly lanes: readonly SceneLane[];
  /** Key `${trackId}:${laneId}`; evicted when the track ends or leaves the lane. */
  readonly progress: ReadonlyMap<string, LaneProgress>;
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
  }),
  size: (s) => s.progress.size,
  step(state, tracks, meta, ended) {
    const { params } = state;
    const next = new Map<string, LaneProgress>();
    const events: EventDraft[] = [];
    const endedSet = new Set(ended);
    const present = new Set<TrackId>();
    for (const t of tracks) {
      present.add(t.track.id);
      if (!classIn(params.classes, t.track.cls) || endedSet.has(t.track.id)) continue;
      for (const lane of state.lanes) {
        if (!inZone(t, lane.polygon)) continue;
        const a = along(lane, t, meta);
        if (!a) continue;
        const key = `${t.track.id}:${lane.id}`;
        const prev = state.progress.get(key) ?? { bestAlong: a.value, done: false };
        const bestAlong = Math.max(prev.bestAlong, a.value);
        const against = bestAlong - a.value;
        const min = a.metres ? params.minDistanceM : params.minDistancePx;
        const fire = !prev.done && against >= min;
        next.set(key, { bestAlong, done: prev.done || fire });
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
    return { state: { ...state, progress: next }, events };
  },
});

