import type { FrameSize } from './geometry.js';

/** Timing of one decoded frame. Rules use these timestamps, never frame counts. */
export interface FrameMeta {
  /** Sequence number of the frame from this source (0-based, counts delivered frames). */
  readonly index: number;
  /** Presentation time in the source, seconds from the start of the stream. */
  readonly ptsSec: number;
  /** Wall-clock capture time, ms since epoch (UTC). For files: start time + pts. */
  readonly capturedAtMs: number;
  /** Size of the analysed picture (may be smaller than the source). */
  readonly size: FrameSize;
  /** Size of the source picture: boxes are reported in these pixels. */
  readonly sourceSize: FrameSize;
}

/** A decoded RGB24 frame (row-major, 3 bytes per pixel, no padding). */
export interface Frame extends FrameMeta {
  readonly rgb: Uint8Array;
}
