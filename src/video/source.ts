import type { ArgusError } from '../core/errors.js';
import type { Frame } from '../core/frame.js';
import type { FrameSize } from '../core/geometry.js';
import type { SourceInfo } from './probe.js';
import type { BackoffPolicy } from './supervisor.js';

/**
 * Health of a supervised source, reported to the camera manager.
 * starting: opened, no frame yet · online: frames flowing · degraded: failed, reconnecting ·
 * offline: several reconnects failed in a row (still retrying) · ended: finished, closed or failed for good.
 */
export type SourceHealth = 'starting' | 'online' | 'degraded' | 'offline' | 'ended';

/** What a source reports while it runs (health changes, errors, restarts). */
export type FrameSourceEvent =
  | { readonly type: 'health'; readonly health: SourceHealth; readonly previous: SourceHealth; readonly atMs: number }
  | { readonly type: 'probed'; readonly info: SourceInfo; readonly atMs: number }
  /** An attempt failed. `retryInMs` is set when the source will retry (live sources), absent when it ends. */
  | { readonly type: 'error'; readonly error: ArgusError; readonly retryInMs?: number; readonly atMs: number }
  | { readonly type: 'restart'; readonly attempt: number; readonly atMs: number };

/** The subset of a pino logger the video layer uses (pass `logger.child({ cameraId })`). */
export interface SourceLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface FrameSourceOptions {
  /** rtsp://, rtsps://, http(s)://, file: URL or a plain path. */
  readonly url: string;
  /** Frames per second delivered (ffmpeg's fps filter). */
  readonly fps: number;
  /** The source as the caller already probed it: the first attempt uses it instead of probing again. */
  readonly probed?: SourceInfo;
  /** Output size; when omitted the source size (capped at 1280 wide), keeping the aspect. */
  readonly width?: number;
  readonly height?: number;
  /** Files: pace at real time (like a live camera) instead of as fast as possible. */
  readonly realtime?: boolean;
  /** Files: loop forever (a demo "live" camera). */
  readonly loop?: boolean;
  /** Live sources: reconnect forever with capped backoff (default true for rtsp/http, false for files). */
  readonly reconnect?: boolean;
  /** No frame for this long → stall: kill and restart ffmpeg (ms, default 10 000). */
  readonly stallTimeoutMs?: number;
  /** Network socket timeout given to ffmpeg/ffprobe (ms, default 5000). */
  readonly socketTimeoutMs?: number;
  /** Reconnect backoff (default 0.5 s doubling to 30 s, reset after 60 s healthy, ±20 % jitter). */
  readonly backoff?: Partial<BackoffPolicy>;
  /** Consecutive failures after which health reads `offline` instead of `degraded` (default 3). */
  readonly offlineAfterFailures?: number;
  /**
   * Frames kept while the consumer is busy (default 3). Beyond it live sources drop the oldest (the consumer
   * sees the freshest picture); files pause ffmpeg instead (no frame lost). See `dropWhenBehind`.
   */
  readonly maxQueuedFrames?: number;
  /** Drop the oldest queued frame instead of pausing ffmpeg when the consumer is behind (default: live sources). */
  readonly dropWhenBehind?: boolean;
  /**
   * Files: wall-clock time of pts 0 (ms since epoch). Default: when opened; a file played at real time, when its first
   * frame arrives (a camera's frames are stamped on arrival).
   */
  readonly startTimeMs?: number;
  /** Decoder threads for ffmpeg (default: ffmpeg's choice). */
  readonly decodeThreads?: number;
  /** Paths of the binaries (default "ffmpeg" / "ffprobe" on PATH). */
  readonly ffmpegPath?: string;
  readonly ffprobePath?: string;
  /** Health changes, errors and restarts, as they happen. Must not throw. */
  readonly onEvent?: (event: FrameSourceEvent) => void;
  /** Where to log (info: health changes; warn: errors; debug: ffmpeg stderr, rate-limited). */
  readonly logger?: SourceLogger;
}

/** Counters for metrics. */
export interface FrameSourceStats {
  /** Frames handed to the consumer. */
  readonly framesDelivered: number;
  /** Live sources: frames dropped because the consumer was behind. */
  readonly framesDropped: number;
  /** ffmpeg restarts after failures or stalls. */
  readonly restarts: number;
  /** ffmpeg stderr lines seen (decode warnings on a damaged stream). */
  readonly stderrLines: number;
  /** Wall clock of the last frame received (ms since epoch). */
  readonly lastFrameAtMs: number | undefined;
}

/**
 * A stream of decoded RGB frames. Iterate it (once); `close()` stops ffmpeg. Errors that cannot be recovered
 * end the iteration with a typed ArgusError (source_not_found, source_corrupt, source_not_video, …).
 */
export interface FrameSource extends AsyncIterable<Frame> {
  /** Known once the stream is probed/started. */
  readonly sourceSize: () => FrameSize | undefined;
  /** Size of the delivered frames, known once probed. */
  readonly outputSize: () => FrameSize | undefined;
  readonly health: () => SourceHealth;
  readonly stats: () => FrameSourceStats;
  /** The last error seen (also while retrying), if any. */
  readonly lastError: () => ArgusError | undefined;
  close(): Promise<void>;
}
