import type { AnalysisConfig, CameraConfig } from '../config/schema.js';
import { analysisSchema } from '../config/schema.js';
import type { TrackerConfig } from '../config/trackers.js';
import type { FrameSize } from '../core/geometry.js';
import { chooseOutputSize } from '../video/frame-source.js';
import { describeDetector, type ResolvedDetector } from '../vision/registry.js';
import type { AnalysisSettings } from '../bus/messages.js';

/** Analysis fps when neither the user nor the config says: the source's own rate, at most this. */
export const DEFAULT_MAX_FPS = 15;

/** The same for an ANPR camera (`plates: anpr`): the reader runs on whole frames, 5 a second are plenty. */
export const ANPR_MAX_FPS = 5;

/**
 * ByteTrack thresholds for the default detector. YOLOX-nano scores real vehicles low (0.15–0.45 for side-on
 * cars on the 640×360 traffic clip), so ByteTrack's paper defaults (0.5 / 0.6) start too few tracks.
 */
export const DEFAULT_TRACKER = { highScore: 0.35, newTrackScore: 0.35 } as const;

export interface ResolvedAnalysis {
  readonly fps: number;
  readonly size: FrameSize;
  /** The configured detector, its tiles decided for the analysed width. */
  readonly detector: ResolvedDetector;
  /** The configured tracker with the defaults for the default detector filled in. */
  readonly tracker: TrackerConfig;
}

/** Tiles for a frame width: one per ~two model inputs of width, so small far objects stay detectable. */
export const autoTiles = (analysisWidth: number, modelInputWidth = 416): number =>
  Math.max(1, Math.min(4, Math.round(analysisWidth / (2 * modelInputWidth))));

/** What the settings depend on in the source: its PROBED picture size and rate (never an assumed aspect). */
export interface ProbedSource {
  readonly width: number;
  readonly height: number;
  readonly fps: number | undefined;
}

/**
 * THE analysis settings of a camera, for every runner (serve, worker, analyze): its config against its probed
 * source. The command line's flags are written into the camera config before, so one camera config always
 * resolves to one set of settings wherever it runs.
 */
export function resolveCameraAnalysis(camera: CameraConfig, source: ProbedSource): ResolvedAnalysis {
  return resolveAnalysis(camera.analysis, source, camera.plates === 'anpr' ? ANPR_MAX_FPS : DEFAULT_MAX_FPS);
}

/** The analysis config against the probed source: frame rate and size, detector tiles, tracker defaults. */
export function resolveAnalysis(config: AnalysisConfig | undefined, source: ProbedSource, maxFps = DEFAULT_MAX_FPS): ResolvedAnalysis {
  const a = config ?? analysisSchema.parse({});
  const fps = a.fps ?? Math.min(maxFps, source.fps ?? maxFps);
  const size = chooseOutputSize(source, a.width, a.height);
  const d = a.detector;
  const detector: ResolvedDetector =
    d.kind === 'onnx' ? { ...d, tiles: d.tiles === 'auto' ? autoTiles(size.width, describeDetector({ ...d, tiles: 1 }).input?.width) : d.tiles } : d;
  const tracker: TrackerConfig = a.tracker.kind === 'bytetrack' ? { ...DEFAULT_TRACKER, ...stripUndefined(a.tracker), kind: 'bytetrack' } : a.tracker;
  return { fps, size, detector, tracker };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** What a camera is analysed at (the camera status carries it): defined with the runtime's messages. */
export type { AnalysisSettings } from '../bus/messages.js';

export const analysisSettings = (s: ResolvedAnalysis): AnalysisSettings => ({
  width: s.size.width, height: s.size.height, fps: s.fps,
  tiles: s.detector.kind === 'onnx' ? s.detector.tiles : 0, model: s.detector.kind === 'onnx' ? s.detector.model : 'none',
});
