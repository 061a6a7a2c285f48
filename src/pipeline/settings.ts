import type { AnalysisConfig } from '../config/schema.js';
import { analysisSchema } from '../config/schema.js';
import type { FrameSize } from '../core/geometry.js';
import type { ByteTrackOptions } from '../tracking/bytetrack/bytetrack.js';
import { chooseOutputSize } from '../video/frame-source.js';
import type { OnnxDetectorOptions } from '../vision/onnx-detector.js';

/** Analysis fps when neither the user nor the config says: the source's own rate, at most this. */
export const DEFAULT_MAX_FPS = 15;

/**
 * Tracker thresholds for the default detector. YOLOX-nano scores real vehicles low (0.15–0.45 for side-on
 * cars on the 640×360 traffic clip), so ByteTrack's paper defaults (0.5 / 0.6) start too few tracks.
 */
export const DEFAULT_TRACKER: Partial<ByteTrackOptions> = { highScore: 0.35, newTrackScore: 0.35 };

export interface AnalysisOverrides {
  readonly fps?: number;
  readonly width?: number;
  readonly tiles?: number;
  readonly minScore?: number;
  readonly model?: string;
}

export interface ResolvedAnalysis {
  readonly fps: number;
  readonly size: FrameSize;
  readonly detector: OnnxDetectorOptions;
  readonly tracker: Partial<ByteTrackOptions>;
}

/** Tiles for a frame width: one per ~two model inputs of width, so small far objects stay detectable. */
export const autoTiles = (analysisWidth: number, modelInputWidth = 416): number =>
  Math.max(1, Math.min(4, Math.round(analysisWidth / (2 * modelInputWidth))));

/** One place that turns config + command-line overrides + the probed source into concrete settings. */
export function resolveAnalysis(
  config: AnalysisConfig | undefined,
  source: { width: number; height: number; fps: number | undefined },
  overrides: AnalysisOverrides = {},
): ResolvedAnalysis {
  const a = config ?? analysisSchema.parse({});
  const fps = overrides.fps ?? a.fps ?? Math.min(DEFAULT_MAX_FPS, source.fps ?? DEFAULT_MAX_FPS);
  const size = chooseOutputSize(source, overrides.width ?? a.width, overrides.width === undefined ? a.height : undefined);
  const tiles = overrides.tiles ?? (a.tiles === 'auto' ? autoTiles(size.width) : a.tiles);
  return {
    fps,
    size,
    detector: {
      model: overrides.model ?? a.model,
      minScore: overrides.minScore ?? a.minScore,
      tiles,
      riders: { promoteLoneRiders: a.promoteLoneRiders },
    },
    tracker: { ...DEFAULT_TRACKER, ...stripUndefined(a.tracker) },
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
