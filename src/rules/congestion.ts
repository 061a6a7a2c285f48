import type { NormPoint } from '../core/geometry.js';
import type { TrackId } from '../core/track.js';
import type { CongestionLevel } from '../core/violation.js';
import { congestionParams, type CongestionParams } from '../config/rules/congestion.js';
import { classIn, inZone } from './geometry.js';
import { defineRule, evict, header, type EventDraft, type RuleContext, type SceneTrack } from './rule.js';

interface Sample {
  readonly tMs: number;
  readonly count: number;
  /** Sum and number of per-track speeds on this frame. */
  readonly speedSum: number;
  readonly speedN: number;
}

interface State {
  readonly params: CongestionParams;
  readonly ctx: RuleContext;
  readonly zone: readonly NormPoint[];
  readonly metres: boolean;
  /** Last position per track (for speeds). */
  readonly last: ReadonlyMap<TrackId, { readonly x: number; readonly y: number; readonly tMs: number }>;
  readonly window: readonly Sample[];
  readonly level: CongestionLevel;
  /** First frame seen: no level before half a window of data. */
  readonly startMs?: number;
  readonly candidate?: { readonly level: CongestionLevel; readonly sinceMs: number };
}

/** Level from a mean count and mean speed: the lower of the count level and the speed level. */
export function congestionLevel(params: CongestionParams, meanCount: number, meanSpeed: number | undefined, metres: boolean): CongestionLevel {
  const countLevel = params.countLevels.filter((c) => meanCount >= c).length;
  const speedLevels = metres ? params.speedLevelsKmh : params.speedLevelsPxPerSec;
  const speedLevel = meanSpeed === undefined ? 0 : speedLevels.filter((s) => meanSpeed <= s).length;
  return Math.min(countLevel, speedLevel) as CongestionLevel;
}

const pos = (t: SceneTrack, metres: boolean): { x: number; y: number } => (metres && t.ground ? t.ground : t.anchorPx);

/**
 * Congestion: vehicles in the zone and their mean speed (km/h when calibrated, px/s otherwise) averaged over
 * `windowMs` give a level 0–3; a new level that holds `holdMs` is reported as a `congestion` alert.
 */
export const congestionRule = defineRule({
  kind: 'congestion',
  schema: congestionParams,
  init: (params, ctx): State => ({
    params,
    ctx,
    zone: ctx.scene.zones.get(params.zone) ?? [],
    metres: ctx.scene.homography !== undefined,
    last: new Map(),
    window: [],
    level: 0,
  }),
  size: (s) => s.last.size + s.window.length,
  step(state, tracks, meta, ended) {
    const { params } = state;
    const now = meta.capturedAtMs;
    // Only tracks inside the zone on this frame keep a last position: eviction is implicit.
    const last = new Map<TrackId, { x: number; y: number; tMs: number }>();
    let count = 0;
    let speedSum = 0;
    let speedN = 0;
    for (const t of tracks) {
      if (!classIn(params.classes, t.track.cls) || !inZone(t, state.zone)) continue;
      count++;
      const p = pos(t, state.metres);
      const prev = state.last.get(t.track.id);
      if (prev && now > prev.tMs) {
        const v = Math.hypot(p.x - prev.x, p.y - prev.y) / ((now - prev.tMs) / 1000);
        speedSum += state.metres ? v * 3.6 : v;
        speedN++;
      }
      last.set(t.track.id, { x: p.x, y: p.y, tMs: now });
    }
    const window = [...state.window.filter((s) => now - s.tMs < params.windowMs), { tMs: now, count, speedSum, speedN }];
    const startMs = state.startMs ?? now;
    const base = { ...state, last: evict(last, ended), window, startMs };
    if (now - startMs < params.windowMs / 2) return { state: base, events: [] };
    const meanCount = window.reduce((s, w) => s + w.count, 0) / window.length;
    const n = window.reduce((s, w) => s + w.speedN, 0);
    const meanSpeed = n === 0 ? undefined : window.reduce((s, w) => s + w.speedSum, 0) / n;
    const level = congestionLevel(params, meanCount, meanSpeed, state.metres);
    if (level === state.level) return { state: { ...base, candidate: undefined }, events: [] };
    const candidate = state.candidate?.level === level ? state.candidate : { level, sinceMs: now };
    if (now - candidate.sinceMs < params.holdMs) return { state: { ...base, candidate }, events: [] };
    const speed = meanSpeed === undefined ? {} : state.metres ? { meanSpeedKmh: round1(meanSpeed) } : { meanSpeedPxPerSec: round1(meanSpeed) };
    const event: EventDraft = {
      ...header(state.ctx, params, meta),
      kind: 'alert',
      alert: 'congestion',
      zoneId: params.zone,
      trackIds: [],
      level,
      measurements: { count: round1(meanCount), ...speed },
      params,
    };
    return { state: { ...base, level, candidate: undefined }, events: [event] };
  },
});

const round1 = (v: number): number => Math.round(v * 10) / 10;
