import type { MotionConfig } from '../config/schema.js';
import type { Detection } from '../core/detection.js';
import type { ArgusEvent } from '../core/events.js';
import type { Frame } from '../core/frame.js';
import type { FrameSize } from '../core/geometry.js';
import type { Track, TrackId } from '../core/track.js';
import { counts, lineCounterInit, lineCounterStep, type CountLine, type LineCounterState } from '../rules/line-counter.js';
import type { Tracker } from '../tracking/tracker.js';
import { motionStep, type MotionMasks, type MotionState } from '../video/motion.js';
import type { FrameSource } from '../video/source.js';
import type { Detector } from '../vision/detector.js';
import { moversInit, moversStep, type MoverState } from './movers.js';
import { mapOrdered } from './ordered.js';
import { StageTimer } from './stats.js';

/** What one analysed frame produced, for annotation, recording and later stages. */
export interface FrameResult {
  readonly frame: Frame;
  /** Undefined when the motion gate skipped the detector on this frame. */
  readonly detections: readonly Detection[] | undefined;
  readonly tracks: readonly Track[];
  readonly ended: readonly TrackId[];
  readonly events: readonly ArgusEvent[];
  readonly motion: boolean;
  /** The counting lines' totals after this frame, by line and class (computed only when asked: the overlay). */
  readonly lineTotals?: () => ReturnType<typeof counts>;
}

/** A stage after tracking (plates, rules, evidence…): sees every analysed frame in order. */
export interface FrameStage {
  readonly name: string;
  step(result: FrameResult): Promise<readonly ArgusEvent[]> | readonly ArgusEvent[];
  /** End of the stream (or abort): last events of work still in progress (e.g. evidence being written). */
  finish?(): Promise<readonly ArgusEvent[]>;
}

export interface AnalysisOptions {
  readonly cameraId: string;
  readonly source: FrameSource;
  readonly detector: Detector;
  readonly tracker: Tracker;
  /** Counting lines in source pixels, or built from the source size once the first frame arrives. */
  readonly lines: readonly CountLine[] | ((sourceSize: FrameSize) => readonly CountLine[]);
  readonly motion: MotionConfig;
  readonly masks?: MotionMasks;
  /** Frames whose detection may run concurrently (≈ detector workers). Default 2. */
  readonly inFlight?: number;
  readonly stages?: readonly FrameStage[];
  /** Called after each analysed frame, in order (annotation, live view, progress). */
  readonly onFrame?: (result: FrameResult) => Promise<void> | void;
  readonly onEvent?: (event: ArgusEvent) => Promise<void> | void;
  readonly signal?: AbortSignal;
}

export interface AnalysisSummary {
  readonly frames: number;
  /** Seconds of video analysed (pts of the last frame − first + one frame). */
  readonly seconds: number;
  /** Wall-clock seconds. */
  readonly wallSec: number;
  /** Analysed frames per second of wall time. */
  readonly fps: number;
  readonly detectorCalls: number;
  readonly events: number;
  readonly lines: ReturnType<typeof counts>;
  readonly stages: ReturnType<StageTimer['summary']>;
}

interface Gated {
  readonly frame: Frame;
  readonly detect: boolean;
}

/**
 * The spine of one camera: frames → motion gate → detector (in flight, in worker threads) → tracker →
 * line counters → later stages → events. Runs until the source ends or the signal aborts.
 */
export async function runAnalysis(opts: AnalysisOptions): Promise<AnalysisSummary> {
  const timer = new StageTimer();
  const started = performance.now();
  let motionState: MotionState | undefined;
  let lastDetectPts = -Infinity;
  let counter: LineCounterState | undefined =
    typeof opts.lines === 'function' ? undefined : lineCounterInit(opts.lines, { cameraId: opts.cameraId });
  let frames = 0;
  let detectorCalls = 0;
  let eventCount = 0;
  let firstPts: number | undefined;
  let lastPts = 0;
  let frameInterval = 0;
  let lastTracks: readonly Track[] = [];
  let movers: MoverState = moversInit();
  /** pts until which the detector runs whatever the gate says: a tracked object was moving. */
  let moversUntilPts = -Infinity;

  // Motion is decided in order, before the frame enters the detection window.
  async function* gated(): AsyncGenerator<Gated> {
    for await (const frame of opts.source) {
      if (opts.signal?.aborted) return;
      const t0 = performance.now();
      const m = motionStep(motionState, frame, opts.motion, opts.masks);
      motionState = m.state;
      timer.add('motion', performance.now() - t0);
      const keepAlive = frame.ptsSec - lastDetectPts >= opts.motion.keepAliveSec;
      const detect = !opts.motion.enabled || m.motion || keepAlive || frame.ptsSec <= moversUntilPts;
      if (detect) lastDetectPts = frame.ptsSec;
      yield { frame, detect };
    }
  }

  const detectTimed = async (g: Gated): Promise<Detection[] | undefined> => {
    if (!g.detect) return undefined;
    const t0 = performance.now();
    const dets = await opts.detector.detect(g.frame);
    timer.add('detect', performance.now() - t0);
    return dets;
  };

  // An abort while a live source waits for its camera (outage, backoff) must not wait for the next frame:
  // closing the source ends its iteration (a failure to close is thrown once the stages have finished).
  const onAbort = (): void => {
    opts.source.close().catch((e: unknown) => {
      closeError = e;
    });
  };
  let closeError: unknown;
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    for await (const { item, result: detections } of mapOrdered(gated(), opts.inFlight ?? 2, detectTimed)) {
      const frame = item.frame;
      if (detections !== undefined) detectorCalls++;
      const t0 = performance.now();
      // Without motion the scene is unchanged: tracks keep their last state (no update, no ageing by a blind
      // frame), so a parked vehicle stays present for the rules that measure dwell.
      const update = detections !== undefined ? opts.tracker.update(detections, frame) : held(opts.tracker, lastTracks, frame);
      lastTracks = update.tracks;
      if (detections !== undefined) {
        const mv = moversStep(movers, update.tracks, update.ended, frame.ptsSec);
        movers = mv.state;
        if (mv.moving) moversUntilPts = frame.ptsSec + opts.motion.holdSec;
      }
      const t1 = performance.now();
      timer.add('track', t1 - t0);
      counter ??= lineCounterInit(typeof opts.lines === 'function' ? opts.lines(frame.sourceSize) : opts.lines, { cameraId: opts.cameraId });
      const lc = detections !== undefined ? lineCounterStep(counter, update.tracks, frame, update.ended) : { state: counter, events: [] };
      counter = lc.state;
      timer.add('lines', performance.now() - t1);
      const events: ArgusEvent[] = [...lc.events];
      const totalsNow = counter;
      const base: FrameResult = { frame, detections, tracks: update.tracks, ended: update.ended, events, motion: item.detect, lineTotals: () => counts(totalsNow) };
      for (const stage of opts.stages ?? []) {
        const ts = performance.now();
        events.push(...(await stage.step({ ...base, events: [...events] })));
        timer.add(stage.name, performance.now() - ts);
      }
      for (const e of events) await opts.onEvent?.(e);
      eventCount += events.length;
      await opts.onFrame?.({ ...base, events });
      frames++;
      firstPts ??= frame.ptsSec;
      if (frames > 1) frameInterval = (frame.ptsSec - lastPts) || frameInterval;
      lastPts = frame.ptsSec;
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }

  for (const stage of opts.stages ?? []) {
    const events = (await stage.finish?.()) ?? [];
    for (const e of events) await opts.onEvent?.(e);
    eventCount += events.length;
  }
  if (closeError !== undefined) throw closeError;

  const wallSec = (performance.now() - started) / 1000;
  return {
    frames,
    seconds: frames === 0 ? 0 : round3(lastPts - (firstPts ?? 0) + frameInterval),
    wallSec: round3(wallSec),
    fps: round3(frames / Math.max(wallSec, 1e-9)),
    detectorCalls,
    events: eventCount,
    lines: counter ? counts(counter) : {},
    stages: timer.summary(),
  };
}

/** A gated frame: the scene did not change, so the tracker holds its tracks (they do not age towards their end). */
function held(tracker: Tracker, tracks: readonly Track[], frame: Frame): { tracks: readonly Track[]; ended: readonly TrackId[] } {
  tracker.hold?.(frame);
  return { tracks, ended: [] };
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
