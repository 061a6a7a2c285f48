import { ArgusError } from '../core/errors.js';
import type { RgbImage } from './types.js';

/** A frame kept for evidence: the picture and its capture time. */
export interface TimedFrame extends RgbImage {
  readonly capturedAtMs: number;
}

/**
 * The last `keepMs` of frames of one camera, to take the approach/moment/after stills from once a rule
 * fires. Bounded: frames older than the newest minus `keepMs` are dropped on every push. Frames must be
 * pushed in capture order and their buffers must not be reused by the source afterwards.
 */
export class FrameRing<F extends TimedFrame = TimedFrame> {
  private readonly frames: F[] = [];
  readonly keepMs: number;

  constructor(opts: { keepMs: number }) {
    if (!(opts.keepMs > 0)) throw new ArgusError('invalid_argument', `FrameRing keepMs must be > 0, got ${opts.keepMs}`);
    this.keepMs = opts.keepMs;
  }

  push(frame: F): void {
    const last = this.frames.at(-1);
    if (last && frame.capturedAtMs < last.capturedAtMs) {
      throw new ArgusError('invalid_argument', `frame at ${frame.capturedAtMs} pushed after ${last.capturedAtMs}`);
    }
    this.frames.push(frame);
    const oldest = frame.capturedAtMs - this.keepMs;
    let drop = 0;
    while (drop < this.frames.length - 1 && this.frames[drop]!.capturedAtMs < oldest) drop++;
    if (drop > 0) this.frames.splice(0, drop);
  }

  get size(): number {
    return this.frames.length;
  }

  /** Capture time of the newest frame (undefined when empty). */
  get newestMs(): number | undefined {
    return this.frames.at(-1)?.capturedAtMs;
  }

  /** The frame captured closest to `atMs` (the earlier one on a tie), or undefined when empty. */
  nearest(atMs: number): F | undefined {
    let best: F | undefined;
    for (const f of this.frames) {
      if (!best || Math.abs(f.capturedAtMs - atMs) < Math.abs(best.capturedAtMs - atMs)) best = f;
    }
    return best;
  }
}

export interface StillTimes {
  /** How long before the moment the approach still is taken (default 1000 ms). */
  readonly approachMs?: number;
  /** How long after the moment the after still is taken (default 1000 ms). */
  readonly afterMs?: number;
}

/**
 * The three stills for a violation at `momentMs`, or undefined while the ring does not yet hold a frame
 * at or past the after time (call again later). Requires a ring with keepMs ≥ approachMs + afterMs.
 */
export function pickStills<F extends TimedFrame>(ring: FrameRing<F>, momentMs: number, t: StillTimes = {}): { approach: F; moment: F; after: F } | undefined {
  const approachMs = t.approachMs ?? 1000;
  const afterMs = t.afterMs ?? 1000;
  const newest = ring.newestMs;
  if (newest === undefined || newest < momentMs + afterMs) return undefined;
  const approach = ring.nearest(momentMs - approachMs);
  const moment = ring.nearest(momentMs);
  const after = ring.nearest(momentMs + afterMs);
  return approach && moment && after ? { approach, moment, after } : undefined;
}
