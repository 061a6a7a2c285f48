/**
 * Data classes of the records that the event, alert and live channels serve mixed together (rbac.ts names the
 * classes and the permission that reads each). A record the caller may not read in full is served REDACTED: same
 * shape, only its traffic part (an allow-list per kind, so a field added later is withheld until it is listed
 * here), and `redacted: true`. A kind this module does not know is withheld like the most private data.
 *
 * Each channel applies it in one place: routes/events.ts (REST events, violations), routes/watch.ts (REST alerts)
 * and live.ts (the SSE push). Plate text served in full is audited as `plate.view` by the channel.
 */
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { redactedAlert } from '../contract/alerts.js';
import type { EventKind } from '../core/events.js';
import { ALERT_KINDS } from '../core/violation.js';
import type { AlertRecord, EventRecord, JsonValue } from '../store/store.js';
import type { DataClass, Principal } from './rbac.js';

/** The audit action of plate text served outside a search (events, alerts, live push, violation listings). */
export const PLATE_VIEW = 'plate.view';

type JsonObject = { readonly [k: string]: JsonValue };
type RedactedAlert = z.infer<typeof redactedAlert>;

/** What a caller gets of one record. */
export interface View<T> {
  readonly value: T;
  /** Served with plate text (a row of the `plate.view` audit). */
  readonly plates: boolean;
  readonly redacted: boolean;
}

const RESTRICTED: readonly DataClass[] = ['plate', 'violation', 'watchlist', 'face'];

/** Classes of each event kind (a new kind fails to compile until it is classified here). */
const EVENT_CLASSES = {
  'line.cross': ['traffic'],
  'zone.enter': ['traffic'],
  'zone.exit': ['traffic'],
  alert: ['traffic'],
  'plate.read': ['plate'],
  violation: ['violation'],
  section_speed: ['violation'],
  'face.seen': ['face'],
  // Class and colours of a track (attribute search reads them under its own permission, people.search).
  'track.attributes': ['traffic'],
} as const satisfies Record<EventKind, readonly DataClass[]>;

const EVENT_BASE = ['id', 'cameraId', 'atMs', 'ptsSec', 'kind'] as const;
/** The traffic part of the kinds that carry more (fields kept when redacted). */
const EVENT_TRAFFIC_PART: Partial<Record<EventKind, readonly string[]>> = {
  'plate.read': [...EVENT_BASE, 'trackId', 'cls', 'direction', 'reads'],
  violation: [...EVENT_BASE, 'ruleId', 'ruleKind', 'violation', 'trackId', 'cls', 'box', 'laneId', 'zoneId', 'lineId', 'measurements'],
  section_speed: ['id', 'kind', 'violation', 'sectionId', 'cameraId', 'atMs', 'cls', 'measurements'],
};

/** Alert kinds with no plate and no watch-list detail: rule alerts, camera signal, storage. */
const TRAFFIC_ALERTS: ReadonlySet<string> = new Set([...ALERT_KINDS, 'signal_loss', 'signal_restored', 'disk_full', 'incident']);
const ALERT_TRAFFIC_PART = ['id', 'cameraId', 'atMs', 'kind', 'severity', 'acknowledgedBy', 'acknowledgedAtMs'] as const;

export function eventClasses(kind: string): readonly DataClass[] {
  return (EVENT_CLASSES as Record<string, readonly DataClass[]>)[kind] ?? RESTRICTED;
}

export function alertClasses(kind: string): readonly DataClass[] {
  if (TRAFFIC_ALERTS.has(kind)) return ['traffic'];
  if (kind === 'face_match') return ['face'];
  return kind === 'watchlist_hit' ? ['watchlist', 'plate'] : RESTRICTED;
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const mayRead = (classes: readonly DataClass[], readable: ReadonlySet<DataClass>): boolean => classes.every((c) => readable.has(c));

function pick(v: unknown, keys: readonly string[]): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  if (!isObject(v)) return out;
  for (const k of keys) if (v[k] !== undefined) out[k] = v[k];
  return out;
}

/** Whether a record served in full carries plate text (a violation may have none: no plate was read). */
function carriesPlate(classes: readonly DataClass[], payload: unknown): boolean {
  if (classes.includes('plate') || classes.includes('watchlist')) return true;
  if (!classes.includes('violation')) return false;
  return !isObject(payload) || (typeof payload['plate'] === 'string' && payload['plate'] !== '');
}

/** An event as stored in `payload` and as pushed live: in full, or its traffic part. */
export function eventView(payload: JsonValue, readable: ReadonlySet<DataClass>): View<JsonValue> {
  const kind = isObject(payload) && typeof payload['kind'] === 'string' ? payload['kind'] : '';
  const classes = eventClasses(kind);
  if (mayRead(classes, readable)) return { value: payload, plates: carriesPlate(classes, payload), redacted: false };
  const keep = (EVENT_TRAFFIC_PART as Record<string, readonly string[]>)[kind] ?? EVENT_BASE;
  return { value: { ...pick(payload, keep), redacted: true }, plates: false, redacted: true };
}

/** A stored event row (REST): its payload through `eventView`; the row's kind decides, not the payload's. */
export function eventRecordView(rec: EventRecord, readable: ReadonlySet<DataClass>): View<EventRecord | (EventRecord & { redacted: true })> {
  const classes = eventClasses(rec.kind);
  if (mayRead(classes, readable)) return { value: rec, plates: carriesPlate(classes, rec.payload), redacted: false };
  const keep = (EVENT_TRAFFIC_PART as Record<string, readonly string[]>)[rec.kind] ?? EVENT_BASE;
  const payload = { ...pick(rec.payload, keep), redacted: true };
  return { value: { id: rec.id, cameraId: rec.cameraId, atMs: rec.atMs, kind: rec.kind, payload, redacted: true }, plates: false, redacted: true };
}

/**
 * An alert (REST and live): in full, or its traffic part — a watch-list hit then says that it happened, where,
 * when and how severe, but not the plate, the list, the pattern, the note, nor the message that names them.
 */
export function alertView<A extends Pick<AlertRecord, 'kind'>>(a: A, readable: ReadonlySet<DataClass>): View<A | RedactedAlert> {
  const classes = alertClasses(a.kind);
  if (mayRead(classes, readable)) return { value: a, plates: carriesPlate(classes, null), redacted: false };
  // The shape src/contract/alerts.ts names `redactedAlert` (the tests check every answer against it).
  return { value: { ...pick(a, ALERT_TRAFFIC_PART), message: '', payload: {}, redacted: true } as RedactedAlert, plates: false, redacted: true };
}

/** A message of the live push as this caller may read it (health is traffic; events and alerts as above). */
export function liveView(topic: 'alert' | 'event' | 'health', data: unknown, readable: ReadonlySet<DataClass>): unknown {
  if (topic === 'health') return data;
  if (!isObject(data)) return { redacted: true };
  return topic === 'event' ? eventView(data, readable).value : alertView(data as JsonObject & { kind: string }, readable).value;
}

/** Whether a caller reading these classes may be served plate text somewhere (a live stream of theirs is audited). */
export const readsPlates = (readable: ReadonlySet<DataClass>): boolean => RESTRICTED.some((c) => readable.has(c));

/**
 * The audit row of plate text served outside a search: where, how many rows, and the filter that chose them. Written
 * when rows carried plate text, or always when the request looked for a plate (`target`: a plate, like a search).
 */
export async function auditPlateView(
  ctx: { audit: AuditWriter }, req: FastifyRequest, principal: Principal, via: string, target: string | null, rows: number, details: Record<string, JsonValue | undefined> = {}, lookedForPlate = false,
): Promise<void> {
  if (rows > 0 || lookedForPlate) await ctx.audit(req, principal, PLATE_VIEW, target, { via, rows, ...details });
}

/** ServerContext['audit'], named here without importing the context (which imports the live hub, which imports this). */
type AuditWriter = (req: FastifyRequest, principal: Principal, action: string, target: string | null, details: Record<string, JsonValue | undefined>) => Promise<void>;
