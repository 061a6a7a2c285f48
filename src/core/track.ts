import type { Box } from './box.js';
import type { ObjectClass } from './classes.js';

export type TrackId = number;
export type TrackState = 'tentative' | 'tracked' | 'lost' | 'removed';

/** A followed object as the tracker reports it on one frame. */
export interface Track {
  readonly id: TrackId;
  readonly box: Box;
  readonly cls: ObjectClass;
  readonly score: number;
  readonly state: TrackState;
  /** Capture time (ms since epoch) of the first frame the track was seen on. */
  readonly firstSeenMs: number;
  /** Capture time of the last frame a detection was matched to it. */
  readonly lastSeenMs: number;
  /** Number of frames with a matched detection. */
  readonly hits: number;
  /** Two-wheelers: riders seen (max over recent frames). */
  readonly riders?: number;
}
