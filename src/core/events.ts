import type { BlobRef } from './blob.js';
import type { Box } from './box.js';
import type { ObjectClass } from './classes.js';
import type { TrackColours } from './colours.js';
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

/**
 * One summary per track that lived long enough, emitted when it ends: what attribute search finds (class, colours,
 * time, where it went). Stored in its own table, never in the events list (one per passer-by would flood it).
 */
export interface TrackAttributesEvent extends EventBase {
  readonly kind: 'track.attributes';
  readonly trackId: TrackId;
  /** The class most of its detections had. */
  readonly cls: ObjectClass;
  /** Capture times of its first and last detection, ms since epoch. */
  readonly firstMs: number;
  readonly lastMs: number;
  /** People: upper and lower body; vehicles: body. Top colour first. */
  readonly colours: TrackColours;
  /** Boxes (source pixels) where it was first and last seen. */
  readonly startBox: Box;
  readonly endBox: Box;
  /** Boxes whose colours were measured. */
  readonly samples: number;
  /** Best crop (JPEG), inside one process only; the bus carries `crop` (by reference) instead. */
  readonly cropJpeg?: Uint8Array;
  readonly crop?: BlobRef;
}

/** Every event a camera (or a section of two cameras) produces. Switch on `kind`. */
export type ArgusEvent = LineCrossEvent | PlateReadEvent | ViolationEvent | AlertEvent | ZoneEvent | SectionSpeedEvent | FaceSeenEvent | TrackAttributesEvent;
export type EventKind = ArgusEvent['kind'];

/** Every event kind, as a list (the type check below fails when a kind is added to ArgusEvent and not here, or back). */
export const EVENT_KINDS = ['line.cross', 'plate.read', 'violation', 'alert', 'zone.enter', 'zone.exit', 'section_speed', 'face.seen', 'track.attributes'] as const;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const eventKindsComplete: Same<(typeof EVENT_KINDS)[number], EventKind> = true;
void eventKindsComplete;
