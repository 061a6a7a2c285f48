/**
 * An event as the screens list it, whether it came from the REST listing (`EventRow`: a stored row with its payload)
 * or from the live push (`LiveEvent`: the payload itself). Both are in the API contract, full or redacted; this is
 * only the screens' common view of them (`fields`: the event's own fields, as an object).
 */
import type { EventRow, LiveEvent } from './api';

export interface EventItem {
  readonly id: string;
  readonly cameraId: string;
  readonly atMs: number;
  readonly kind: string;
  /** Served without its data class's details (no plate, no evidence): the caller's role may not read them. */
  readonly redacted: boolean;
  readonly fields: Readonly<Record<string, unknown>>;
}

const asFields = (v: unknown): Readonly<Record<string, unknown>> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

export const fromRow = (e: EventRow): EventItem => ({
  id: e.id, cameraId: e.cameraId, atMs: e.atMs, kind: e.kind, redacted: 'redacted' in e, fields: asFields(e.payload),
});

/** A live event; null when it lacks what a row needs (id, camera, time, kind). */
export function fromLive(p: LiveEvent): EventItem | null {
  if (typeof p.id !== 'string' || typeof p.cameraId !== 'string' || typeof p.atMs !== 'number' || typeof p.kind !== 'string') return null;
  return { id: p.id, cameraId: p.cameraId, atMs: p.atMs, kind: p.kind, redacted: p.redacted === true, fields: p };
}
