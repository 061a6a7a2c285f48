import type { Frame } from '../core/frame.js';
import type { FrameSize } from '../core/geometry.js';

/** Health of a supervised source, reported to the camera manager. */
export type SourceHealth = 'starting' | 'online' | 'degraded' | 'offline' | 'ended';

export interface FrameSourceOptions {
  /** rtsp://, rtsps://, http(s)://, file: URL or a plain path. */
  readonly url: string;
  /** Frames per second delivered (ffmpeg's fps filter). */
  readonly fps: number;
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
}

/**
 * A stream of decoded RGB frames. Iterate it; `close()` stops ffmpeg. Errors that cannot be recovered end the
 * iteration with a typed ArgusError (source_not_found, source_corrupt, source_not_video, …).
 */
export interface FrameSource extends AsyncIterable<Frame> {
  /** Known once the stream is probed/started. */
  readonly sourceSize: () => FrameSize | undefined;
  readonly health: () => SourceHealth;
  close(): Promise<void>;
}
