import { ArgusError } from '../core/errors.js';
import { ByteTracker, type ByteTrackOptions } from './bytetrack/bytetrack.js';
import { IouTracker, type IouTrackerOptions } from './iou-tracker.js';
import type { Tracker } from './tracker.js';

export type { Tracker, TrackerUpdate } from './tracker.js';
export { BYTETRACK_DEFAULTS, ByteTracker, createByteTracker, type ByteTrackOptions } from './bytetrack/bytetrack.js';
export { IOU_TRACKER_DEFAULTS, IouTracker, createIouTracker, type IouTrackerOptions } from './iou-tracker.js';
export { solveAssignment, type Assignment } from './assignment.js';

/** The trackers Argus ships: `bytetrack` (default) and `iou` (greedy, cheapest, for low-end boxes). */
export type TrackerKind = 'bytetrack' | 'iou';

export type TrackerSpec =
  | { readonly kind: 'bytetrack'; readonly options?: Partial<ByteTrackOptions> }
  | { readonly kind: 'iou'; readonly options?: Partial<IouTrackerOptions> };

/** A tracker from its kind and options (options validated; bad ones throw `invalid_argument`). */
export function createTracker(spec: TrackerSpec = { kind: 'bytetrack' }): Tracker {
  switch (spec.kind) {
    case 'bytetrack':
      return new ByteTracker(spec.options);
    case 'iou':
      return new IouTracker(spec.options);
    default:
      throw new ArgusError('invalid_argument', `unknown tracker kind ${JSON.stringify((spec as { kind: unknown }).kind)}`);
  }
}
