export type { Tracker, TrackerUpdate } from './tracker.js';
export { BYTETRACK_DEFAULTS, ByteTracker, createByteTracker, type ByteTrackOptions } from './bytetrack/bytetrack.js';
export { IOU_TRACKER_DEFAULTS, IouTracker, createIouTracker, type IouTrackerOptions } from './iou-tracker.js';
export { solveAssignment, type Assignment } from './assignment.js';

export { createTracker, TRACKERS, type TrackerDefinition } from './registry.js';
