import { bottomCenter } from '../core/box.js';
import type { ObjectClass } from '../core/classes.js';
import { ArgusError } from '../core/errors.js';
import type { CrossDirection, LineCrossEvent } from '../core/events.js';
import type { FrameMeta } from '../core/frame.js';
import { cross, norm, normToPixel, projectOnSegment, px, type FrameSize, type PixelPoint } from '../core/geometry.js';
import { ulid } from '../core/ids.js';
import type { Track, TrackId } from '../core/track.js';
import type { LineConfig } from '../config/schema.js';

/**
 * Line counting as a pure state machine: `lineCounterStep(state, tracks, meta, ended) → { state, events }`.
 *
 * The anchor is the bottom-centre of the track's box. Its signed distance to line A→B is
 * s = cross(B−A, P−A) / |B−A| (pixels; > 0 is the `pos` side, image coordinates, y down). Per track and line:
 * - the first observation beyond the dead band |s| ≤ marginPx fixes the track's side; it never counts (a track
 *   first seen already past the line did not cross it in front of us);
 * - a crossing is CONFIRMED when the anchor is beyond the margin on the other side for ≥ `minUpdates` (2)
 *   consecutive updates of that track spanning ≥ `minDwellMs` (100 ms). Why both: the margin rejects box-edge
 *   noise of a few pixels; two consecutive updates reject a single-frame excursion (jitter, a one-frame box
 *   glitch) at any frame rate, and the 100 ms span stops a fast analysis rate (30 fps: 2 updates = 33 ms) from
 *   confirming on a short wobble while adding no delay at the default 5 fps (2 updates = 200 ms);
 * - a confirmed crossing counts only if the anchor's path (last point on the old side → first point beyond the
 *   margin on the new side) meets the line within the segment (projection t ∈ [−tol, 1 + tol]); a crossing
 *   outside the extent just moves the track to the new side;
 * - a track counts at most once per line: jitter, a U-turn back over the line, or a track lost mid-crossing
 *   and re-found with the same id never count again. Updates come only for reported tracks, so a lost track
 *   simply resumes where it left off.
 * The class counted is the track's class on the confirming update. State for `ended` ids is evicted.
 */

/** A counting line in SOURCE pixels. */
export interface CountLine {
  readonly id: string;
  readonly a: PixelPoint;
  readonly b: PixelPoint;
}

type XY = { readonly x: number; readonly y: number };
/** What `lineCounterInit` accepts: end points as objects or as x1,y1,x2,y2 (source pixels). */
export type CountLineInput =
  | { readonly id: string; readonly a: XY; readonly b: XY }
  | { readonly id: string; readonly x1: number; readonly y1: number; readonly x2: number; readonly y2: number };

const toCountLine = (l: CountLineInput): CountLine =>
  'a' in l ? { id: l.id, a: px(l.a.x, l.a.y), b: px(l.b.x, l.b.y) } : { id: l.id, a: px(l.x1, l.y1), b: px(l.x2, l.y2) };

export interface LineCounterOptions {
  /** Camera the events belong to. */
  readonly cameraId: string;
  /** Dead band around the line, pixels: the anchor must be farther than this to be on a side. */
  readonly marginPx: number;
  /** Consecutive updates beyond the margin on the new side needed to confirm a crossing. */
  readonly minUpdates: number;
  /** …spanning at least this much capture time. */
  readonly minDwellMs: number;
  /** Tolerance on the crossing point's projection on the segment (fraction of its length). */
  readonly extentTolerance: number;
  /** Safety net: per-track state not updated for this long is dropped even if `ended` never names it. */
  readonly staleTrackMs: number;
}

export const LINE_COUNTER_DEFAULTS: LineCounterOptions = {
  cameraId: 'camera',
  marginPx: 4,
  minUpdates: 2,
  minDwellMs: 100,
  extentTolerance: 0.02,
  staleTrackMs: 300_000,
};

type Side = 1 | -1;

/** Where one track stands relative to one line. */
interface TrackLineState {
  /** Confirmed side, 0 until the track has been seen beyond the dead band. */
  readonly side: Side | 0;
  /** Last anchor seen on the confirmed side (any distance) and its signed distance. */
  readonly lastOnSide?: { readonly p: PixelPoint; readonly s: number };
  /** Candidate crossing: updates beyond the margin on the other side so far. */
  readonly pending?: { readonly count: number; readonly sinceMs: number; readonly withinExtent: boolean };
  readonly counted: boolean;
}

export type ClassCounts = { readonly pos: number; readonly neg: number };

interface TrackEntry {
  /** Capture time of the track's last update. */
  readonly lastMs: number;
  /** lineId → state. */
  readonly lines: ReadonlyMap<string, TrackLineState>;
}

export interface LineCounterState {
  readonly lines: readonly CountLine[];
  readonly options: LineCounterOptions;
  /** trackId → its per-line state. */
  readonly tracks: ReadonlyMap<TrackId, TrackEntry>;
  /** lineId → class → counts. */
  readonly totals: ReadonlyMap<string, ReadonlyMap<ObjectClass, ClassCounts>>;
}

export function lineCounterInit(input: readonly CountLineInput[], options: Partial<LineCounterOptions> = {}): LineCounterState {
  const opts = { ...LINE_COUNTER_DEFAULTS, ...options };
  const lines = input.map(toCountLine);
  const ids = new Set<string>();
  for (const l of lines) {
    if (![l.a.x, l.a.y, l.b.x, l.b.y].every(Number.isFinite)) {
      throw new ArgusError('invalid_argument', `line "${l.id}" has a non-finite point`);
    }
    if (ids.has(l.id)) throw new ArgusError('invalid_argument', `duplicate line id "${l.id}"`);
    ids.add(l.id);
    if (l.a.x === l.b.x && l.a.y === l.b.y) throw new ArgusError('invalid_argument', `line "${l.id}" has zero length`);
  }
  const o = opts;
  if (!(o.marginPx >= 0 && o.minUpdates >= 1 && o.minDwellMs >= 0 && o.extentTolerance >= 0 && o.staleTrackMs > 0)) {
    throw new ArgusError('invalid_argument', `invalid line counter options ${JSON.stringify(opts)}`);
  }
  return { lines, options: opts, tracks: new Map(), totals: new Map() };
}

/** A configured line (normalised points) in source pixels. */
export const countLineFromConfig = (line: LineConfig, sourceSize: FrameSize): CountLine => ({
  id: line.id,
  a: normToPixel(norm(line.points[0][0], line.points[0][1]), sourceSize),
  b: normToPixel(norm(line.points[1][0], line.points[1][1]), sourceSize),
});

/** Signed distance (pixels) of p to the line through a→b; > 0 on the `pos` side. */
const signedDistance = (l: CountLine, p: PixelPoint): number => cross(l.a, l.b, p) / Math.hypot(l.b.x - l.a.x, l.b.y - l.a.y);

/** Projection on the segment of the point where the path from→to meets the line through it. */
function crossingT(l: CountLine, from: { p: PixelPoint; s: number }, to: PixelPoint, sTo: number): number {
  const alpha = from.s === sTo ? 0 : from.s / (from.s - sTo);
  return projectOnSegment(l.a, l.b, px(from.p.x + alpha * (to.x - from.p.x), from.p.y + alpha * (to.y - from.p.y)));
}

interface StepResult {
  readonly next: TrackLineState;
  readonly direction?: CrossDirection;
}

/** Advance one track on one line with its new anchor `p` observed at `atMs`. */
function stepTrackLine(st: TrackLineState, l: CountLine, p: PixelPoint, atMs: number, o: LineCounterOptions): StepResult {
  const s = signedDistance(l, p);
  const zone: Side | 0 = s > o.marginPx ? 1 : s < -o.marginPx ? -1 : 0;
  if (st.side === 0) {
    return { next: zone === 0 ? st : { side: zone, lastOnSide: { p, s }, counted: st.counted } };
  }
  if (s * st.side > 0) {
    // Back on (or still on) the confirmed side: any candidate crossing is abandoned.
    return { next: { side: st.side, lastOnSide: { p, s }, counted: st.counted } };
  }
  if (zone !== -st.side) return { next: { side: st.side, lastOnSide: st.lastOnSide, counted: st.counted } };
  const pending = st.pending ?? {
    count: 0,
    sinceMs: atMs,
    withinExtent: withinExtent(l, st, p, s, o.extentTolerance),
  };
  const count = pending.count + 1;
  if (count < o.minUpdates || atMs - pending.sinceMs < o.minDwellMs) {
    return { next: { ...st, pending: { ...pending, count } } };
  }
  const counts = pending.withinExtent && !st.counted;
  const next: TrackLineState = { side: zone, lastOnSide: { p, s }, counted: st.counted || counts };
  return counts ? { next, direction: zone === 1 ? 'pos' : 'neg' } : { next };
}

function withinExtent(l: CountLine, st: TrackLineState, p: PixelPoint, s: number, tol: number): boolean {
  const t = st.lastOnSide === undefined ? projectOnSegment(l.a, l.b, p) : crossingT(l, st.lastOnSide, p, s);
  return t >= -tol && t <= 1 + tol;
}

function addCount(
  totals: Map<string, ReadonlyMap<ObjectClass, ClassCounts>>,
  lineId: string,
  cls: ObjectClass,
  dir: CrossDirection,
): void {
  const byClass = new Map(totals.get(lineId) ?? []);
  const c = byClass.get(cls) ?? { pos: 0, neg: 0 };
  byClass.set(cls, dir === 'pos' ? { pos: c.pos + 1, neg: c.neg } : { pos: c.pos, neg: c.neg + 1 });
  totals.set(lineId, byClass);
}

/**
 * One frame: `tracks` are the tracker's reported tracks on the frame `meta`, `ended` the ids it ended (their
 * state is evicted). Returns the new state (the old one is not modified) and the crossings confirmed now.
 */
export function lineCounterStep(
  state: LineCounterState,
  tracks: readonly Track[],
  meta: FrameMeta,
  ended: readonly TrackId[],
): { state: LineCounterState; events: LineCrossEvent[] } {
  const o = state.options;
  const perTrack = new Map(state.tracks);
  for (const id of ended) perTrack.delete(id);
  for (const [id, entry] of perTrack) if (meta.capturedAtMs - entry.lastMs > o.staleTrackMs) perTrack.delete(id);
  const totals = new Map(state.totals);
  const events: LineCrossEvent[] = [];
  for (const t of tracks) {
    const p = bottomCenter(t.box);
    const before = perTrack.get(t.id)?.lines;
    const after = new Map<string, TrackLineState>();
    for (const l of state.lines) {
      const st = before?.get(l.id) ?? { side: 0, counted: false };
      const { next, direction } = stepTrackLine(st, l, p, meta.capturedAtMs, o);
      after.set(l.id, next);
      if (direction === undefined) continue;
      addCount(totals, l.id, t.cls, direction);
      events.push({
        kind: 'line.cross',
        id: ulid(meta.capturedAtMs),
        cameraId: o.cameraId,
        atMs: meta.capturedAtMs,
        ptsSec: meta.ptsSec,
        lineId: l.id,
        trackId: t.id,
        cls: t.cls,
        direction,
        box: t.box,
      });
    }
    perTrack.set(t.id, { lastMs: meta.capturedAtMs, lines: after });
  }
  return { state: { ...state, tracks: perTrack, totals }, events };
}

/** Totals so far: `{ [lineId]: { [cls]: { pos, neg } } }` (every line present, classes once counted). */
export function counts(state: LineCounterState): Record<string, Partial<Record<ObjectClass, ClassCounts>>> {
  const out: Record<string, Partial<Record<ObjectClass, ClassCounts>>> = {};
  for (const l of state.lines) {
    const byClass: Partial<Record<ObjectClass, ClassCounts>> = {};
    for (const [cls, c] of state.totals.get(l.id) ?? []) byClass[cls] = { ...c };
    out[l.id] = byClass;
  }
  return out;
}

/** Number of tracks with per-line state held (for leak checks). */
export const lineCounterTrackCount = (state: LineCounterState): number => state.tracks.size;
