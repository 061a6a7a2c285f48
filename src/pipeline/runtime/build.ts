/**
 * THE builder of a camera's chain, for every runner (`argus serve`, `argus worker`, `argus analyze`): from the
 * camera's config and its probed source, source → motion gate → detector → tracker (both from their registries, as
 * the config chooses) → lines and rules → plates →
 * evidence (or, for an ANPR camera, source → motion gate → plate reader on the whole picture). The runners differ
 * only in what they give it: where detectors come from (shared by the service's cameras, or the command's own),
 * the stage provider (site plate pools, evidence folder) and how the source is played (a file looped in real time
 * like a camera, or read once as fast as it decodes). Nothing is wired a second time anywhere else.
 */
import type { CameraConfig } from '../../config/schema.js';
import type { ArgusEvent } from '../../core/events.js';
import type { FrameSize } from '../../core/geometry.js';
import { countLineFromConfig, type CountLine } from '../../rules/line-counter.js';
import { createTracker } from '../../tracking/registry.js';
import { openFrameSource } from '../../video/frame-source.js';
import { parseSource, isLiveKind } from '../../video/ffmpeg-args.js';
import type { SourceInfo } from '../../video/probe.js';
import type { FrameSource, FrameSourceEvent, SourceLogger } from '../../video/source.js';
import type { Detector } from '../../vision/detector.js';
import { NULL_DETECTOR, type ResolvedDetector } from '../../vision/registry.js';
import { runAnalysis, type AnalysisSummary, type FrameResult } from '../analysis.js';
import { runAnpr, type AnprCounters } from '../anpr.js';
import { resolveCameraAnalysis, type ResolvedAnalysis } from '../settings.js';
import type { CameraStageSet, PlateStatus, StageProvider } from './stages.js';

/** Where a chain gets its detector: the service shares one per settings across cameras; analyze opens its own. */
export interface DetectorSource {
  /** The detector for these settings, or null when it cannot load (the chain then runs without detection). */
  acquire(options: ResolvedDetector): Promise<Detector | null>;
  /** Why the detector of these settings is missing (after acquire gave null). */
  problem(options: ResolvedDetector): string | null;
}

/** How the source is played. */
export interface ChainSourceOptions {
  /** Files: pace at real time, like a live camera. */
  readonly realtime: boolean;
  /** Files: loop forever (the demo's "live" cameras). */
  readonly loop: boolean;
  /** ffmpeg decoder threads (default: ffmpeg's own choice, one per core and more). */
  readonly decodeThreads?: number;
  readonly onEvent?: (event: FrameSourceEvent) => void;
}

export interface ChainOptions {
  readonly camera: CameraConfig;
  /** The probed source: the settings depend on its real size and rate. */
  readonly info: SourceInfo;
  readonly source: ChainSourceOptions;
  readonly detectors: DetectorSource;
  readonly stages: StageProvider;
  readonly logger?: SourceLogger | undefined;
  /** ANPR cameras: seconds that join sightings of one plate into one pass (analyze --dedup-sec; default 10). */
  readonly anpr?: { readonly dedupSec?: number | undefined };
}

/** What one run of the chain saw. ANPR cameras have no lines or detector calls; their reader counters instead. */
export interface ChainSummary extends AnalysisSummary {
  readonly anpr?: { readonly reads: number; readonly skipped: number; readonly plates: number; readonly partial: number; readonly readMs: number };
}

export interface ChainRun {
  /** Every event the chain produced, in order (the runner hands them to the bus). */
  readonly onEvent: (event: ArgusEvent) => Promise<void> | void;
  /** Every analysed frame (live snapshot, counters, progress, annotation). */
  readonly onFrame?: (result: FrameResult) => Promise<void> | void;
  readonly signal?: AbortSignal;
}

export interface CameraChain {
  readonly camera: CameraConfig;
  readonly settings: ResolvedAnalysis;
  readonly source: FrameSource;
  readonly mode: 'vehicles' | 'anpr';
  /** Why the chain runs without detection (the detector model is missing), or null. */
  readonly noDetector: string | null;
  /** The stages after tracking (their counters: plates, evidence). */
  readonly stageSet: CameraStageSet;
  /** The camera's counting lines for a source size (annotation). */
  lines(sourceSize: FrameSize): CountLine[];
  plateStatus(): PlateStatus | null;
  run(run: ChainRun): Promise<ChainSummary>;
  /** Stops the source and closes the stages (the detector belongs to the detector source). */
  close(): Promise<void>;
}

/** A plain file path of a file source (evidence cuts its clip from it), or undefined for a live source. */
function filePathOf(url: string): string | undefined {
  const ref = parseSource(url);
  return isLiveKind(ref.kind) ? undefined : ref.input;
}

export async function buildCameraChain(o: ChainOptions): Promise<CameraChain> {
  const { camera, info } = o;
  const settings = resolveCameraAnalysis(camera, info);
  const mode = camera.plates === 'anpr' ? 'anpr' : 'vehicles';
  const log = o.logger;
  const detector = mode === 'anpr' ? null : await o.detectors.acquire(settings.detector);
  const noDetector = mode === 'vehicles' && detector === null ? (o.detectors.problem(settings.detector) ?? 'no detector') : null;
  const file = filePathOf(camera.source);
  // A file played as a camera (looped) is live for the stages: reads dropped when busy, evidence from its own frames.
  const live = !file || o.source.loop;
  const stageSet = await o.stages.stages(camera, log ?? quiet, {
    live,
    ...(file && !o.source.loop ? { sourceFile: file, sourceDurationSec: info.durationSec } : {}),
    detectorModel: mode === 'vehicles' && settings.detector.kind === 'onnx' ? settings.detector.model : undefined,
  });
  const source = openFrameSource({
    url: camera.source, probed: info, fps: settings.fps, width: settings.size.width, height: settings.size.height,
    realtime: o.source.realtime, loop: o.source.loop, ...(o.source.decodeThreads !== undefined ? { decodeThreads: o.source.decodeThreads } : {}), ...(log ? { logger: log } : {}), ...(o.source.onEvent ? { onEvent: o.source.onEvent } : {}),
  });
  const lines = (size: FrameSize): CountLine[] => camera.lines.map((l) => countLineFromConfig(l, size));
  const anprCounters: AnprCounters = { frames: 0, reads: 0, skipped: 0, plates: 0 };
  let closed = false;

  const run = async (r: ChainRun): Promise<ChainSummary> => {
    // An ANPR camera whose reader could not start still delivers frames (health, live view) until its next start.
    if (mode === 'anpr' && stageSet.anpr) {
      const s = await runAnpr({
        cameraId: camera.id, source, host: stageSet.anpr, motion: camera.analysis.motion, masks: camera.analysis.masks, live, keepCrop: true,
        counters: anprCounters, onEvent: r.onEvent, ...(o.anpr?.dedupSec !== undefined ? { dedupSec: o.anpr.dedupSec } : {}),
        ...(r.onFrame ? { onFrame: (frame) => void r.onFrame?.({ frame, detections: undefined, tracks: [], ended: [], events: [], motion: true }) } : {}),
        ...(r.signal ? { signal: r.signal } : {}),
      });
      const fps = Math.round((s.frames / Math.max(s.wallSec, 1e-9)) * 1000) / 1000;
      return { frames: s.frames, seconds: s.seconds, wallSec: s.wallSec, fps, detectorCalls: 0, events: s.plates, lines: {}, stages: {}, anpr: { reads: s.reads, skipped: s.skipped, plates: s.plates, partial: s.partial, readMs: s.readMs } };
    }
    return runAnalysis({
      cameraId: camera.id, source, detector: detector ?? NULL_DETECTOR, tracker: createTracker(settings.tracker), lines,
      motion: camera.analysis.motion, masks: camera.analysis.masks, stages: stageSet.stages, onEvent: r.onEvent,
      ...(r.onFrame ? { onFrame: r.onFrame } : {}), ...(r.signal ? { signal: r.signal } : {}),
    });
  };

  return {
    camera, settings, source, mode, noDetector, stageSet, lines, run,
    plateStatus: () =>
      mode === 'anpr'
        ? stageSet.anpr ? { mode: 'anpr', read: anprCounters.reads, skipped: anprCounters.skipped, plates: anprCounters.plates } : null
        : (stageSet.plateStatus?.() ?? null),
    async close() {
      if (closed) return;
      closed = true;
      try {
        await source.close();
      } finally {
        await stageSet.close?.();
      }
    },
  };
}

const quiet: SourceLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
