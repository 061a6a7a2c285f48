import type { Box } from '../core/box.js';
import type { PixelPoint } from '../core/geometry.js';
import { pointInPolygon } from '../core/geometry.js';
import type { TrackId } from '../core/track.js';
import type { SignalColour, ViolationKind } from '../core/violation.js';
import { redLightParams, type RedLightParams } from '../config/rules/red-light.js';
import type { SceneLine } from './calibration/scene.js';
import { classIn, inZone, sideOf, signedDistancePx, withinSegmentPx } from './geometry.js';
import { defineRule, evict, header, sceneLine, type EventDraft, type RuleContext, type RuleMeta, type SceneTrack } from './rule.js';

/** A crossing on red (or late amber) waiting for confirmation that the vehicle really went through. */
interface Pending {
  readonly violation: ViolationKind;
  readonly atMs: number;
  readonly ptsSec: number;
  readonly box: Box;
  readonly signal: SignalColour;
  readonly signalAgeMs: number;
  /** Anchor and box height at the crossing (how far it has moved on since). */
  readonly at: PixelPoint;
  readonly heightPx: number;
  /** Where and since when it has been standing still past the line. */
  readonly still?: { readonly at: PixelPoint; readonly sinceMs: number };
  /** It stood still past the line for `stoppedMs` (waiting on the line, not running). */
  readonly stopped: boolean;
}

interface Entry {
  /** Last side outside the dead band: −1 approach side, +1 intersection side. */
  readonly side: -1 | 0 | 1;
  /** Seen in an exempt lane before crossing. */
  readonly exempt: boolean;
  readonly pending?: Pending;
  readonly done: boolean;
}

interface State {
  readonly params: RedLightParams;
  readonly ctx: RuleContext;
  readonly line: SceneLine;
  readonly tracks: ReadonlyMap<TrackId, Entry>;
}

/** Which violation (if any) a crossing at `meta` makes, from the signal state and the graces. */
export function crossingVerdict(params: RedLightParams, meta: RuleMeta): { violation: ViolationKind; signal: SignalColour; ageMs: number } | undefined {
  const s = meta.signals.get(params.signal);
  if (!s) return undefined;
  const ageMs = meta.capturedAtMs - s.sinceMs;
  if (s.colour === 'red' && ageMs >= params.redGraceMs) return { violation: 'red_light', signal: 'red', ageMs };
  if (s.colour === 'amber' && params.amberIsViolation && ageMs >= params.amberGraceMs) return { violation: 'amber_light', signal: 'amber', ageMs };
  return undefined;
}

/** The pending run one frame on: standing-still bookkeeping (a vehicle waiting past the line is not running). */
function stillStep(params: RedLightParams, p: Pending, at: PixelPoint, nowMs: number): Pending {
  const moved = p.still === undefined || Math.hypot(at.x - p.still.at.x, at.y - p.still.at.y) > params.stationaryPx;
  const still = moved ? { at, sinceMs: nowMs } : p.still!;
  return { ...p, still, stopped: p.stopped || nowMs - still.sinceMs >= params.stoppedMs };
}

function stepTrack(state: State, t: SceneTrack, prev: Entry, meta: RuleMeta): { entry: Entry; confirmed?: Pending } {
  const { params, ctx, line } = state;
  const dist = signedDistancePx(line, t.anchorPx, meta.sourceSize) * (params.direction === 'pos' ? 1 : -1);
  const raw = sideOf(dist, params.hysteresisPx);
  const exempt = prev.exempt || params.exemptLanes.some((l) => inZone(t, ctx.scene.lanes.get(l)?.polygon ?? []));
  let pending = prev.pending && stillStep(params, prev.pending, t.anchorPx, meta.capturedAtMs);
  if (raw === 1 && prev.side === -1 && !exempt && !prev.done && withinSegmentPx(line, t.anchorPx, meta.sourceSize, 20)) {
    const v = crossingVerdict(params, meta);
    const box = t.track.box;
    pending = v && {
      violation: v.violation,
      atMs: meta.capturedAtMs,
      ptsSec: meta.ptsSec,
      box,
      signal: v.signal,
      signalAgeMs: v.ageMs,
      at: t.anchorPx,
      heightPx: box.y2 - box.y1,
      stopped: false,
    };
  }
  if (raw === -1) pending = undefined; // backed off behind the line: no run
  const side = raw === 0 ? prev.side : raw;
  const zone = params.confirmZone === undefined ? undefined : ctx.scene.zones.get(params.confirmZone);
  const movedOn = pending !== undefined && Math.hypot(t.anchorPx.x - pending.at.x, t.anchorPx.y - pending.at.y) >= params.confirmMoveOfHeight * pending.heightPx;
  const through = pending !== undefined && (dist >= params.confirmPx || movedOn || (zone !== undefined && pointInPolygon(t.anchor, zone)));
  // Stood still past the line and went on once the signal changed: it waited (an encroachment), it did not run.
  if (through && pending!.stopped && meta.signals.get(params.signal)?.colour !== 'red') return { entry: { side, exempt, done: true } };
  if (through) return { entry: { side, exempt, done: true }, confirmed: pending };
  return { entry: pending ? { side, exempt, pending, done: prev.done } : { side, exempt, done: prev.done } };
}

/**
 * Red-light running: the anchor crosses the stop line into the intersection while the signal is red (or
 * amber past its grace when configured), and then goes on: at least `confirmPx` past the line, or
 * `confirmMoveOfHeight` box heights away from where it crossed (a turn along the line), or into `confirmZone`.
 * A vehicle that stops on the line, backs off or whose track is lost before confirmation is not reported; one
 * that stood still past the line for `stoppedMs` and moved on only after the red ended waited there (stop-line
 * encroachment, a different violation: the stop_line rule), it is not reported as running the red.
 * The event's time and box are those of the crossing.
 */
export const redLightRule = defineRule({
  kind: 'red_light',
  schema: redLightParams,
  init: (params, ctx): State => {
    return { params, ctx, line: sceneLine(ctx, params.id, params.stopLine), tracks: new Map() };
  },
  size: (s) => s.tracks.size,
  step(state, tracks, meta, ended) {
    const next = new Map(state.tracks);
    const events: EventDraft[] = [];
    for (const t of tracks) {
      if (!classIn(state.params.classes, t.track.cls)) continue;
      const prev = next.get(t.track.id) ?? { side: 0, exempt: false, done: false };
      const { entry, confirmed } = stepTrack(state, t, prev, meta);
      next.set(t.track.id, entry);
      if (confirmed) {
        const h = header(state.ctx, state.params, meta);
        events.push({
          ...h,
          atMs: confirmed.atMs,
          ptsSec: confirmed.ptsSec,
          kind: 'violation',
          violation: confirmed.violation,
          trackId: t.track.id,
          cls: t.track.cls,
          box: confirmed.box,
          lineId: state.params.stopLine,
          measurements: { signal: confirmed.signal, signalAgeMs: confirmed.signalAgeMs },
          params: state.params,
        });
      }
    }
    return { state: { ...state, tracks: evict(next, ended) }, events };
  },
});
