import type { Track, TrackId } from '../core/track.js';

/**
 * Whether any confirmed track is moving, from its own boxes over the last second and a half. The motion gate
 * compares small luma pictures and misses slow or low-contrast movers (a dark rider creeping over a hazy grey
 * road changes a few dozen of its pixels); while a tracked object moves the detector must keep running, or its
 * track freezes where the gate closed and the crossing it makes next is never seen. Pure; per-track memory is
 * evicted when the track ends or leaves the window.
 */
export interface MoverSample {
  readonly tSec: number;
  readonly cx: number;
  readonly cy: number;
  readonly h: number;
}

export interface MoverState {
  readonly samples: ReadonlyMap<TrackId, readonly MoverSample[]>;
}

export interface MoverOptions {
  /** Samples older than this are dropped, s. */
  readonly windowSec: number;
  /** A displacement counts only over at least this long (frame-to-frame jitter does not), s. */
  readonly minSpanSec: number;
  /** Displacement (box centre) that counts as moving, as a fraction of the box height… */
  readonly minMoveOfHeight: number;
  /** …and at least this many source pixels. */
  readonly minMovePx: number;
}

export const MOVER_DEFAULTS: MoverOptions = { windowSec: 1.5, minSpanSec: 0.4, minMoveOfHeight: 0.12, minMovePx: 4 };

export const moversInit = (): MoverState => ({ samples: new Map() });

/** One detector frame's tracks: the next state and whether one of them moved within the window. */
export function moversStep(
  state: MoverState,
  tracks: readonly Track[],
  ended: readonly TrackId[],
  ptsSec: number,
  options: MoverOptions = MOVER_DEFAULTS,
): { state: MoverState; moving: boolean } {
  const next = new Map<TrackId, readonly MoverSample[]>();
  let moving = false;
  const gone = new Set(ended);
  for (const t of tracks) {
    if (gone.has(t.id)) continue;
    const s: MoverSample = { tSec: ptsSec, cx: (t.box.x1 + t.box.x2) / 2, cy: (t.box.y1 + t.box.y2) / 2, h: t.box.y2 - t.box.y1 };
    const kept = (state.samples.get(t.id) ?? []).filter((p) => ptsSec - p.tSec <= options.windowSec && p.tSec < ptsSec);
    const limit = Math.max(options.minMovePx, options.minMoveOfHeight * s.h);
    if (kept.some((p) => ptsSec - p.tSec >= options.minSpanSec && Math.hypot(s.cx - p.cx, s.cy - p.cy) > limit)) moving = true;
    next.set(t.id, [...kept, s]);
  }
  return { state: { samples: next }, moving };
}
