import type { Box } from './box.js';
import type { ObjectClass } from './classes.js';
import type { CrossDirection } from './direction.js';
import type { FaceSeenEvent } from './face.js';
import type { PlateReadEvent } from './plate.js';
import type { TrackId } from './track.js';
import type { AlertEvent, SectionSpeedEvent, ViolationEvent, ZoneEvent } from './violation.js';

export type { CrossDirection } from './direction.js';

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

/** Every event a camera (or a section of two cameras) produces. Switch on `kind`. */
export type ArgusEvent = LineCrossEvent | PlateReadEvent | ViolationEvent | AlertEvent | ZoneEvent | SectionSpeedEvent | FaceSeenEvent;
export type EventKind = ArgusEvent['kind'];

/** Every event kind, as a list (the type check below fails when a kind is added to ArgusEvent and not here, or back). */
export const EVENT_KINDS = ['line.cross', 'plate.read', 'violation', 'alert', 'zone.enter', 'zone.exit', 'section_speed', 'face.seen'] as const;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const eventKindsComplete: Same<(typeof EVENT_KINDS)[number], EventKind> = true;
void eventKindsComplete;
