import type { PixelPoint } from '../core/geometry.js';
import type { TrackId } from '../core/track.js';
import { stopLineParams, type StopLineParams } from '../config/rules/stop-line.js';
import type { SceneLine } from './calibration/scene.js';
import { classIn, signedDistancePx, withinSegmentPx } from './geometry.js';
import { defineRule, evict, header, sceneLine, type EventDraft, type RuleContext } from './rule.js';

interface Entry {
  /** Seen on the approach side (behind the line) before. */
  readonly approached: boolean;
  /** Where and since when it has been still (past the line, at red). */
  readonly still?: { readonly at: PixelPoint; readonly sinceMs: number };
  readonly done: boolean;
}

interface State {
  readonly params: StopLineParams;
  readonly ctx: RuleContext;
  readonly line: SceneLine;
  readonly tracks: ReadonlyMap<TrackId, Entry>;
}

/**
 * Stop-line encroachment: a vehicle that came from behind the stop line stands with its box bottom at least
 * `minOverPx` past the line, still, for `minStoppedMs` while the signal is red.
 */
export const stopLineRule = defineRule({
  kind: 'stop_line',
  schema: stopLineParams,
  init: (params, ctx): State => {
    return { params, ctx, line: sceneLine(ctx, params.id, params.stopLine), tracks: new Map() };
  },
  size: (s) => s.tracks.size,
  step(state, tracks, meta, ended) {
    const { params, line } = state;
    const now = meta.capturedAtMs;
    const red = meta.signals.get(params.signal)?.colour === 'red';
    const next = new Map(state.tracks);
    const events: EventDraft[] = [];
    for (const t of tracks) {
      if (!classIn(params.classes, t.track.cls)) continue;
      const prev = next.get(t.track.id) ?? { approached: false, done: false };
      const dist = signedDistancePx(line, t.anchorPx, meta.sourceSize) * (params.direction === 'pos' ? 1 : -1);
      const approached = prev.approached || dist < 0;
      const over = approached && red && dist >= params.minOverPx && withinSegmentPx(line, t.anchorPx, meta.sourceSize);
      let still = over ? prev.still : undefined;
      if (over && (!still || Math.hypot(t.anchorPx.x - still.at.x, t.anchorPx.y - still.at.y) > params.stationaryPx)) {
        still = { at: t.anchorPx, sinceMs: now };
      }
      const fire = !prev.done && still !== undefined && now - still.sinceMs >= params.minStoppedMs;
      next.set(t.track.id, { approached, done: prev.done || fire, ...(still ? { still } : {}) });
      if (fire) {
        events.push({
          ...header(state.ctx, params, meta),
          kind: 'violation',
          violation: 'stop_line',
          trackId: t.track.id,
          cls: t.track.cls,
          box: t.track.box,
          lineId: params.stopLine,
          measurements: { signal: 'red', stoppedMs: now - still!.sinceMs, distancePx: Math.round(dist * 10) / 10 },
          params,
        });
      }
    }
    return { state: { ...state, tracks: evict(next, ended) }, events };
  },
});
