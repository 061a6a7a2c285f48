import type { Box } from './box.js';
import type { ObjectClass } from './classes.js';
import type { TrackId } from './track.js';

/** Direction of a line crossing: `pos` ends where cross(B−A, P−A) > 0 (image coords, y down). */
export type CrossDirection = 'pos' | 'neg';

interface EventBase {
  /** Stable id (ULID-like, sortable by time). */
  readonly id: string;
  readonly cameraId: string;
  /** Capture time of the frame that produced the event, ms since epoch (UTC). */
  readonly atMs: number;
  /** Presentation time in the source, seconds. */
  readonly ptsSec: number;
}

export interface LineCrossEvent extends EventBase {
  readonly kind: 'line.cross';
  readonly lineId: string;
  readonly trackId: TrackId;
  readonly cls: ObjectClass;
  readonly direction: CrossDirection;
  readonly box: Box;
}

/** The Event union grows by one member per capability (plates, violations, alerts…). */
export type ArgusEvent = LineCrossEvent;
export type EventKind = ArgusEvent['kind'];
