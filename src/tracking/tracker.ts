import type { Detection } from '../core/detection.js';
import type { FrameMeta } from '../core/frame.js';
import type { Track, TrackId } from '../core/track.js';

export interface TrackerUpdate {
  /** Confirmed tracks matched or predicted on this frame (state `tracked`; `lost` ones are not reported). */
  readonly tracks: readonly Track[];
  /** Tracks removed on this frame: downstream per-track state must be evicted. */
  readonly ended: readonly TrackId[];
}

/** The Tracker port. Time comes from `meta.capturedAtMs`, never from frame counts. */
export interface Tracker {
  update(detections: readonly Detection[], meta: FrameMeta): TrackerUpdate;
  /**
   * A frame the detector skipped because nothing moved (motion gate): the scene is unchanged, so tracks that are
   * tracked count as seen at `meta` and do not age towards their end (a keep-alive detection after a still spell
   * longer than the lost buffer must not end every waiting vehicle's track). Optional.
   */
  hold?(meta: FrameMeta): void;
  /** Number of tracks held in memory (tracked + lost), for leak checks. */
  size(): number;
}
