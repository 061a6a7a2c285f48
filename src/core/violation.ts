import type { Box } from './box.js';
import type { ObjectClass } from './classes.js';
import type { TrackId } from './track.js';

/**
 * Violation, alert and zone events produced by the traffic rules (src/rules). Pure data: rules emit them,
 * the pipeline fills `plate` and `evidence`, the bus and store carry them.
 */

/** Colour of a traffic signal as observed (classifier on the light region, or a controller feed). */
export type SignalColour = 'red' | 'amber' | 'green' | 'unknown';

/** One signal-state observation for one frame. */
export interface SignalObservation {
  /** Signal id from the camera config (`signals[].id`). */
  readonly signalId: string;
  readonly colour: SignalColour;
}

export const VIOLATION_KINDS = [
  'red_light',
  'amber_light',
  'stop_line',
  'wrong_way',
  'wrong_lane',
  'prohibited_entry',
  'prohibited_turn',
  'speeding',
  'section_speeding',
  'illegal_stopping',
  'too_many_riders',
] as const;
export type ViolationKind = (typeof VIOLATION_KINDS)[number];

export const ALERT_KINDS = ['congestion', 'crowd', 'accident', 'dwell'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Alerts the service raises itself: camera signal, storage, a watch-list hit of a plate read, a field incident reported. */
export const SERVICE_ALERT_KINDS = ['signal_loss', 'signal_restored', 'disk_full', 'watchlist_hit', 'face_match', 'incident'] as const;

/** What an officer or another system reports from the field (an IOC's incident intake). */
export const INCIDENT_TYPES = ['accident', 'fire', 'flood', 'fight', 'crowd', 'road_damage', 'breakdown', 'other'] as const;
export type IncidentType = (typeof INCIDENT_TYPES)[number];
/** Every kind a stored alert can have: a rule's alert or the service's own. */
export const ALERT_RECORD_KINDS = [...ALERT_KINDS, ...SERVICE_ALERT_KINDS] as const;
export type AlertRecordKind = (typeof ALERT_RECORD_KINDS)[number];

/** Severity of an alert and of a watch list. */
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Congestion level: 0 free flow, 1 heavy, 2 congested, 3 standstill. */
export type CongestionLevel = 0 | 1 | 2 | 3;

/** What a rule measured. Units are in the names; only the fields a rule measures are present. */
export interface Measurements {
  readonly speedKmh?: number;
  readonly limitKmh?: number;
  readonly signal?: SignalColour;
  /** How long the signal had shown `signal` when the vehicle crossed, ms. */
  readonly signalAgeMs?: number;
  readonly dwellMs?: number;
  readonly stoppedMs?: number;
  /** Distance travelled (wrong way: against the lane), metres when calibrated. */
  readonly distanceM?: number;
  /** Same in source pixels when the camera is not calibrated. */
  readonly distancePx?: number;
  readonly riders?: number;
  readonly maxRiders?: number;
  readonly count?: number;
  readonly occupancy?: number;
  readonly meanSpeedKmh?: number;
  readonly meanSpeedPxPerSec?: number;
  readonly travelMs?: number;
}

/** Reference to the evidence package of a violation (written by src/evidence). */
export interface EvidenceRef {
  /**
   * Where the package is: on the bus a blob URI (`blob:evidence/<package key>`, see core/blob.ts) that means the same
   * on every machine; on the disk of the process that wrote it (analyze's events file, the ingest) its directory.
   */
  readonly uri: string;
  /** SHA-256 (hex) of the signed manifest. */
  readonly manifestSha256?: string;
}

/** A JSON value (rule parameters as configured). */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [k: string]: JsonValue };
/** A JSON object (not an array, not null); Array.isArray does not narrow a readonly array out of a union. */
export const isJsonObject = (v: JsonValue | undefined): v is { readonly [k: string]: JsonValue } => v !== null && typeof v === 'object' && !Array.isArray(v);

interface RuleEventBase {
  /** Stable id (ULID, sortable by time). */
  readonly id: string;
  readonly cameraId: string;
  /** Capture time of the frame that produced the event, ms since epoch (UTC). */
  readonly atMs: number;
  /** Presentation time in the source, seconds. */
  readonly ptsSec: number;
  /** Id of the rule (unique within the camera) and its kind. */
  readonly ruleId: string;
  readonly ruleKind: string;
}

export interface ViolationEvent extends RuleEventBase {
  readonly kind: 'violation';
  readonly violation: ViolationKind;
  readonly trackId: TrackId;
  readonly cls: ObjectClass;
  /** Box of the offending track at `atMs`, source pixels. */
  readonly box: Box;
  /** Lane, zone or line involved, when the rule is about one. */
  readonly laneId?: string;
  readonly zoneId?: string;
  readonly lineId?: string;
  /** Licence plate text when read (filled by the pipeline). */
  readonly plate?: string;
  readonly measurements: Measurements;
  /** The rule's parameters as configured, for the evidence metadata. */
  readonly params: JsonValue;
  /** Evidence package (filled by the pipeline). */
  readonly evidence?: EvidenceRef;
  /** Why the violation has no evidence package (the write failed, e.g. a full disk, or was dropped). */
  readonly evidenceProblem?: string;
}

export interface AlertEvent extends RuleEventBase {
  readonly kind: 'alert';
  readonly alert: AlertKind;
  readonly zoneId?: string;
  /** Tracks involved (people in a crowd, vehicles in an accident). */
  readonly trackIds: readonly TrackId[];
  /** Congestion level after the change. */
  readonly level?: CongestionLevel;
  readonly measurements: Measurements;
  readonly params: JsonValue;
  readonly evidence?: EvidenceRef;
}

export interface ZoneEvent extends RuleEventBase {
  readonly kind: 'zone.enter' | 'zone.exit';
  readonly zoneId: string;
  readonly trackId: TrackId;
  readonly cls: ObjectClass;
  /** Tracks in the zone after this event. */
  readonly occupancy: number;
  /** Time spent in the zone (exit only), ms. */
  readonly dwellMs?: number;
}

/** A plate read at a point (ANPR camera/line): the input of section average-speed control. */
export interface PlateSighting {
  readonly plate: string;
  readonly cameraId: string;
  /** Line the vehicle crossed when read, when the section point is a line. */
  readonly lineId?: string;
  readonly atMs: number;
  readonly cls?: ObjectClass;
}

/**
 * Section average speed over the limit, from two plate sightings (cross-camera: no track or box, so it is
 * its own event kind rather than a `violation` of one camera).
 */
export interface SectionSpeedEvent {
  readonly id: string;
  readonly kind: 'section_speed';
  readonly violation: 'section_speeding';
  readonly sectionId: string;
  readonly plate: string;
  readonly cameraId: string;
  readonly atMs: number;
  readonly entry: PlateSighting;
  readonly exit: PlateSighting;
  readonly cls?: ObjectClass;
  readonly measurements: Measurements;
  readonly evidence?: EvidenceRef;
}

/** Everything the camera rule engine emits. */
export type RuleEvent = ViolationEvent | AlertEvent | ZoneEvent;
