/**
 * One batch of the ingest path (server/ingest.ts): everything a burst of camera or partner events writes, committed
 * in ONE transaction, so a batch is either wholly stored or not at all, and idempotent, so a retried batch (a client
 * that got no answer before a crash) stores nothing twice and counts nothing twice.
 */
import type { FaceRecord } from './faces.js';
import type { CountIncrement, EventRecord, EvidenceRecord, NewAlert, NewViolation, SightingRecord, TrackAttributesRecord } from './types.js';

/** A count increment that belongs to one event of the same batch: it is added only when that event is new. */
export interface EventCount extends CountIncrement {
  readonly eventId: string;
}

export interface IngestBatch {
  /** Idempotent on id. */
  readonly events?: readonly EventRecord[];
  /** Idempotent on id. */
  readonly sightings?: readonly SightingRecord[];
  /** Applied once per event: skipped when `eventId` already existed before this batch (a retry). */
  readonly counts?: readonly EventCount[];
  /** Idempotent on id; status starts `pending`. */
  readonly violations?: readonly NewViolation[];
  /** Idempotent on id (a repeated id is ignored, never overwritten: evidence is immutable). */
  readonly evidence?: readonly EvidenceRecord[];
  /** Idempotent on id (a face is immutable: a repeated id is ignored). */
  readonly faces?: readonly FaceRecord[];
  /** Idempotent on id: give derived ids (e.g. from the sighting and the watch-list entry) so that retries dedupe. */
  readonly alerts?: readonly NewAlert[];
  /**
   * Ids of events of this batch that federation shares (a district's shared cameras): queued in the federation outbox
   * in the same transaction, only when the event is new (a retried batch queues nothing twice).
   */
  readonly outbox?: readonly string[];
  /** Track summaries of attribute search (their own table, not events). Idempotent on id. */
  readonly tracks?: readonly TrackAttributesRecord[];
}

export interface IngestBatchResult {
  /** Rows new in this batch (repeats of stored ids are not counted). */
  readonly events: number;
  readonly sightings: number;
  readonly violations: number;
  /** Ids of the alerts new in this batch (to push live once, not again on a retry). */
  readonly newAlertIds: readonly string[];
}
