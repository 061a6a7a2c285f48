import type { CameraConfig } from '../config/schema.js';
import type { ArgusEvent } from '../core/events.js';
import type { FrameSize } from '../core/geometry.js';
import type { Track } from '../core/track.js';
import { createRuleEngine, type RuleEngineOptions } from '../rules/engine.js';
import { counts, lineCounterInit, lineCounterStep, type CountLine, type LineCounterState } from '../rules/line-counter.js';
import { readTrackLog, type ReplayLine } from '../rules/replay.js';

export interface ReplayRunOptions extends RuleEngineOptions {
  /** Track log written by `argus analyze --record-tracks`. */
  readonly file: string;
  readonly cameraId: string;
  /** Camera whose rules are run (none: only the counting lines). */
  readonly camera?: CameraConfig | undefined;
  readonly siteTz?: string;
  /** Counting lines in source pixels, or built from the source size of the first line. */
  readonly lines: readonly CountLine[] | ((sourceSize: FrameSize) => readonly CountLine[]);
  readonly onEvent?: (event: ArgusEvent) => Promise<void> | void;
  readonly signal?: AbortSignal;
}

export interface ReplaySummary {
  readonly frames: number;
  readonly seconds: number;
  readonly wallSec: number;
  readonly fps: number;
  readonly events: number;
  readonly lines: ReturnType<typeof counts>;
}

/**
 * A motion-gated frame of the live run: the tracker was not updated, so its tracks are the previous frame's
 * (the same objects, serialised identically) and nothing ended. The live run does not step the line counter
 * there; the replay must not either (a tracker update always moves a box or a `lastSeenMs`).
 */
export function isGatedFrame(line: ReplayLine, previous: readonly Track[] | undefined): boolean {
  return previous !== undefined && line.ended.length === 0 && JSON.stringify(line.tracks) === JSON.stringify(previous);
}

/**
 * The rules and counting lines of a camera over a recorded track log, without video or model: the same
 * events and exactly the same line counts as the live run that recorded it.
 */
export async function runReplay(opts: ReplayRunOptions): Promise<ReplaySummary> {
  const started = performance.now();
  const engine = opts.camera ? createRuleEngine(opts.camera, opts.siteTz ?? 'Asia/Ho_Chi_Minh', opts) : undefined;
  let counter: LineCounterState | undefined;
  let previous: readonly Track[] | undefined;
  let frames = 0;
  let events = 0;
  let firstPts: number | undefined;
  let lastPts = 0;
  let frameInterval = 0;
  for await (const line of readTrackLog(opts.file)) {
    if (opts.signal?.aborted) break;
    counter ??= lineCounterInit(typeof opts.lines === 'function' ? opts.lines(line.meta.sourceSize) : opts.lines, { cameraId: opts.cameraId });
    const out: ArgusEvent[] = [];
    if (!isGatedFrame(line, previous)) {
      const lc = lineCounterStep(counter, line.tracks, line.meta, line.ended);
      counter = lc.state;
      out.push(...lc.events);
    }
    previous = line.tracks;
    if (engine) out.push(...engine.step(line.tracks, line.meta, line.ended, line.signals ?? []));
    for (const e of out) await opts.onEvent?.(e);
    events += out.length;
    frames++;
    firstPts ??= line.meta.ptsSec;
    if (frames > 1) frameInterval = line.meta.ptsSec - lastPts || frameInterval;
    lastPts = line.meta.ptsSec;
  }
  const wallSec = (performance.now() - started) / 1000;
  return {
    frames,
    seconds: frames === 0 ? 0 : round3(lastPts - (firstPts ?? 0) + frameInterval),
    wallSec: round3(wallSec),
    fps: round3(frames / Math.max(wallSec, 1e-9)),
    events,
    lines: counter ? counts(counter) : {},
  };
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
