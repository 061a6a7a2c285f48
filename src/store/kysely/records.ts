/** Counts, events, violations with review history, alerts, watch lists and evidence references. */
import { sql, type Kysely } from 'kysely';
import { ArgusError } from '../../core/errors.js';
import type {
  AlertFilter, AlertRecord, CountFilter, CountIncrement, EventFilter, EventRecord, EvidenceRecord, NewAlert, NewViolation, Page,
  ReviewDecision, ViolationDetail, ViolationFilter, ViolationRecord, ViolationStatus, WatchEntryRecord, WatchListRecord,
} from '../store.js';
import {
  affected, beforeCursor, chunks, cursorScope, decodeAtId, fromJson, isUniqueViolation, num, numOrNull, pageLimit, toJson, toPage, type StoreContext, writeTransaction,
} from './context.js';
import type { AlertTable, Database, EventTable, EvidenceTable, ViolationTable } from './schema.js';

export async function addCounts(ctx: StoreContext, rows: readonly CountIncrement[]): Promise<void> {
  checkCounts(rows);
  await ctx.db.transaction().execute((trx) => addCountRows(trx, rows));
}

export function checkCounts(rows: readonly CountIncrement[]): void {
  for (const r of rows) {
    if (!Number.isFinite(r.n) || !Number.isInteger(r.minuteMs) || r.minuteMs % 60_000 !== 0) {
      throw new ArgusError('invalid_argument', `count needs a finite n and a whole minute, got n=${r.n} minuteMs=${r.minuteMs}`);
    }
  }
}

/** The increments (checked) inside the caller's transaction. */
export async function addCountRows(trx: Kysely<Database>, rows: readonly CountIncrement[]): Promise<void> {
  for (const part of chunks(rows, 6)) {
    // Merge duplicates inside one statement (PostgreSQL refuses to touch a row twice in one upsert).
    const merged = new Map<string, CountIncrement>();
    for (const r of part) {
      const k = JSON.stringify([r.cameraId, r.lineId, r.cls, r.direction, r.minuteMs]);
      const prev = merged.get(k);
      merged.set(k, prev ? { ...r, n: prev.n + r.n } : r);
    }
    const values = [...merged.values()].map((r) => ({ camera_id: r.cameraId, line_id: r.lineId, cls: r.cls, direction: r.direction, minute_ms: r.minuteMs, n: r.n }));
    await trx.insertInto('counts').values(values)
      .onConflict((oc) => oc.columns(['camera_id', 'line_id', 'cls', 'direction', 'minute_ms']).doUpdateSet({ n: sql`counts.n + excluded.n` }))
      .execute();
  }
}

export async function listCounts(ctx: StoreContext, f: CountFilter = {}): Promise<CountIncrement[]> {
  let q = ctx.db.selectFrom('counts').selectAll();
  if (f.fromMs !== undefined) q = q.where('minute_ms', '>=', f.fromMs);
  if (f.toMs !== undefined) q = q.where('minute_ms', '<', f.toMs);
  if (f.cameraIds !== undefined) q = f.cameraIds.length === 0 ? q.where(sql<boolean>`1 = 0`) : q.where('camera_id', 'in', [...f.cameraIds]);
  if (f.lineId !== undefined) q = q.where('line_id', '=', f.lineId);
  if (f.cls !== undefined) q = q.where('cls', '=', f.cls);
  const rows = await q.orderBy('minute_ms').orderBy('camera_id').orderBy('line_id').orderBy('cls').orderBy('direction').execute();
  return rows.map((r) => ({ cameraId: r.camera_id, lineId: r.line_id, cls: r.cls, direction: r.direction, minuteMs: num(r.minute_ms), n: num(r.n) }));
}

const eventFrom = (r: EventTable): EventRecord => ({ id: r.id, cameraId: r.camera_id, atMs: num(r.at_ms), kind: r.kind, payload: fromJson(r.payload) });

export async function insertEvents(ctx: StoreContext, rows: readonly EventRecord[]): Promise<{ inserted: number }> {
  let inserted = 0;
  await ctx.db.transaction().execute(async (trx) => {
    for (const part of chunks(rows, 5)) {
      const r = await trx.insertInto('events').values(part.map(eventRow)).onConflict((oc) => oc.column('id').doNothing()).executeTakeFirst();
      inserted += Number(r.numInsertedOrUpdatedRows ?? 0n);
    }
  });
  return { inserted };
}

export const eventRow = (e: EventRecord): EventTable => ({ id: e.id, camera_id: e.cameraId, at_ms: e.atMs, kind: e.kind, payload: toJson(e.payload) });

export async function getEvent(ctx: StoreContext, id: string): Promise<EventRecord | null> {
  const r = await ctx.db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? eventFrom(r) : null;
}

export async function listEvents(ctx: StoreContext, f: EventFilter = {}): Promise<Page<EventRecord>> {
  const limit = pageLimit(f);
  const scope = cursorScope('events', f);
  const c = decodeAtId(ctx, scope, f.cursor);
  let q = ctx.db.selectFrom('events').selectAll();
  if (f.fromMs !== undefined) q = q.where('at_ms', '>=', f.fromMs);
  if (f.toMs !== undefined) q = q.where('at_ms', '<', f.toMs);
  if (f.cameraIds !== undefined) q = f.cameraIds.length === 0 ? q.where(sql<boolean>`1 = 0`) : q.where('camera_id', 'in', [...f.cameraIds]);
  if (f.kinds !== undefined) q = f.kinds.length === 0 ? q.where(sql<boolean>`1 = 0`) : q.where('kind', 'in', [...f.kinds]);
  if (c) q = q.where(beforeCursor(c));
  const rows = await q.orderBy('at_ms', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
  return toPage(ctx, scope, rows, limit, eventFrom, (r) => num(r.at_ms));
}

const violationFrom = (r: ViolationTable): ViolationRecord => ({
  id: r.id, cameraId: r.camera_id, atMs: num(r.at_ms), kind: r.kind, plateKey: r.plate_key, plateDisplay: r.plate_display,
  status: r.status as ViolationStatus, details: fromJson(r.details), updatedAtMs: num(r.updated_at_ms),
});

export async function insertViolation(ctx: StoreContext, v: NewViolation): Promise<void> {
  await ctx.db.insertInto('violations').values(violationRow(v)).onConflict((oc) => oc.column('id').doNothing()).execute();
}

export const violationRow = (v: NewViolation): ViolationTable => ({
  id: v.id, camera_id: v.cameraId, at_ms: v.atMs, kind: v.kind, plate_key: v.plateKey, plate_display: v.plateDisplay,
  status: 'pending', details: toJson(v.details), updated_at_ms: v.atMs,
});

export async function getViolation(ctx: StoreContext, id: string): Promise<ViolationDetail | null> {
  const r = await ctx.db.selectFrom('violations').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) return null;
  const history = await ctx.db.selectFrom('violation_reviews').selectAll().where('violation_id', '=', id).orderBy('seq').execute();
  return {
    ...violationFrom(r),
    history: history.map((h) => ({
      violationId: h.violation_id, atMs: num(h.at_ms), fromStatus: h.from_status as ViolationStatus, toStatus: h.to_status as ViolationStatus,
      reviewer: h.reviewer, reason: h.reason,
    })),
    evidence: await listEvidence(ctx, { violationId: id }),
  };
}

export async function listViolations(ctx: StoreContext, f: ViolationFilter = {}): Promise<Page<ViolationRecord>> {
  const limit = pageLimit(f);
  const scope = cursorScope('violations', f);
  const c = decodeAtId(ctx, scope, f.cursor);
  let q = ctx.db.selectFrom('violations').selectAll();
  if (f.status !== undefined) q = q.where('status', '=', f.status);
  if (f.fromMs !== undefined) q = q.where('at_ms', '>=', f.fromMs);
  if (f.toMs !== undefined) q = q.where('at_ms', '<', f.toMs);
  if (f.cameraIds !== undefined) q = f.cameraIds.length === 0 ? q.where(sql<boolean>`1 = 0`) : q.where('camera_id', 'in', [...f.cameraIds]);
  if (f.kinds !== undefined) q = f.kinds.length === 0 ? q.where(sql<boolean>`1 = 0`) : q.where('kind', 'in', [...f.kinds]);
  if (f.plateKey !== undefined) q = q.where('plate_key', '=', f.plateKey);
  if (c) q = q.where(beforeCursor(c));
  const rows = await q.orderBy('at_ms', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
  return toPage(ctx, scope, rows, limit, violationFrom, (r) => num(r.at_ms));
}

export async function reviewViolation(ctx: StoreContext, id: string, d: ReviewDecision): Promise<ViolationDetail> {
  if (!['pending', 'confirmed', 'rejected'].includes(d.status)) throw new ArgusError('invalid_argument', `unknown status ${String(d.status)}`);
  if (d.reviewer.length === 0) throw new ArgusError('invalid_argument', 'a review needs a reviewer');
  if (d.status === 'rejected' && d.reason.trim().length === 0) throw new ArgusError('invalid_argument', 'a rejection needs a reason');
  await writeTransaction(ctx, async (trx) => {
    let q = trx.selectFrom('violations').select(['status']).where('id', '=', id);
    if (ctx.dialect === 'postgres') q = q.forUpdate();
    const cur = await q.executeTakeFirst();
    if (!cur) throw new ArgusError('not_found', `violation ${id} does not exist`);
    if (d.expectedStatus !== undefined && cur.status !== d.expectedStatus) {
      throw new ArgusError('conflict', `violation ${id} is ${cur.status}, expected ${d.expectedStatus}`);
    }
    const last = await trx.selectFrom('violation_reviews').select((eb) => eb.fn.max('seq').as('m')).where('violation_id', '=', id).executeTakeFirst();
    await trx.insertInto('violation_reviews').values({
      violation_id: id, seq: num(last?.m ?? 0) + 1, at_ms: d.atMs, from_status: cur.status, to_status: d.status, reviewer: d.reviewer, reason: d.reason,
    }).execute();
    await trx.updateTable('violations').set({ status: d.status, updated_at_ms: d.atMs }).where('id', '=', id).execute();
  });
  const out = await getViolation(ctx, id);
  if (!out) throw new ArgusError('not_found', `violation ${id} does not exist`);
  return out;
}

const alertFrom = (r: AlertTable): AlertRecord => ({
  id: r.id, cameraId: r.camera_id, atMs: num(r.at_ms), kind: r.kind, severity: r.severity as AlertRecord['severity'], message: r.message,
  payload: fromJson(r.payload), acknowledgedBy: r.acknowledged_by, acknowledgedAtMs: numOrNull(r.acknowledged_at_ms),
});

export async function insertAlert(ctx: StoreContext, a: NewAlert): Promise<void> {
  await ctx.db.insertInto('alerts').values(alertRow(a)).onConflict((oc) => oc.column('id').doNothing()).execute();
}

export const alertRow = (a: NewAlert): AlertTable => ({
  id: a.id, camera_id: a.cameraId, at_ms: a.atMs, kind: a.kind, severity: a.severity, message: a.message, payload: toJson(a.payload),
  acknowledged_by: null, acknowledged_at_ms: null,
});

export async function getAlert(ctx: StoreContext, id: string): Promise<AlertRecord | null> {
  const r = await ctx.db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? alertFrom(r) : null;
}

export async function listAlerts(ctx: StoreContext, f: AlertFilter = {}): Promise<Page<AlertRecord>> {
  const limit = pageLimit(f);
  const scope = cursorScope('alerts', f);
  const c = decodeAtId(ctx, scope, f.cursor);
  let q = ctx.db.selectFrom('alerts').selectAll();
  if (f.acknowledged !== undefined) q = q.where('acknowledged_at_ms', f.acknowledged ? 'is not' : 'is', null);
  if (f.fromMs !== undefined) q = q.where('at_ms', '>=', f.fromMs);
  if (f.toMs !== undefined) q = q.where('at_ms', '<', f.toMs);
  if (f.cameraIds !== undefined) q = f.cameraIds.length === 0 ? q.where(sql<boolean>`1 = 0`) : q.where('camera_id', 'in', [...f.cameraIds]);
  if (f.kinds !== undefined) q = f.kinds.length === 0 ? q.where(sql<boolean>`1 = 0`) : q.where('kind', 'in', [...f.kinds]);
  if (c) q = q.where(beforeCursor(c));
  const rows = await q.orderBy('at_ms', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
  return toPage(ctx, scope, rows, limit, alertFrom, (r) => num(r.at_ms));
}

export async function acknowledgeAlert(ctx: StoreContext, id: string, by: string, atMs: number): Promise<AlertRecord> {
  await ctx.db.updateTable('alerts').set({ acknowledged_by: by, acknowledged_at_ms: atMs }).where('id', '=', id).where('acknowledged_at_ms', 'is', null).execute();
  const a = await getAlert(ctx, id);
  if (!a) throw new ArgusError('not_found', `alert ${id} does not exist`);
  return a;
}

export async function upsertWatchList(ctx: StoreContext, l: WatchListRecord): Promise<void> {
  const row = { id: l.id, name: l.name, description: l.description, severity: l.severity, created_at_ms: l.createdAtMs };
  await ctx.db.insertInto('watch_lists').values(row)
    .onConflict((oc) => oc.column('id').doUpdateSet({ name: row.name, description: row.description, severity: row.severity })).execute();
}

export async function listWatchLists(ctx: StoreContext, id?: string): Promise<WatchListRecord[]> {
  let q = ctx.db.selectFrom('watch_lists').selectAll();
  if (id !== undefined) q = q.where('id', '=', id);
  const rows = await q.orderBy('name').orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, description: r.description, severity: r.severity as WatchListRecord['severity'], createdAtMs: num(r.created_at_ms) }));
}

export async function deleteWatchList(ctx: StoreContext, id: string): Promise<boolean> {
  return ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('watch_entries').where('list_id', '=', id).execute();
    return affected(await trx.deleteFrom('watch_lists').where('id', '=', id).executeTakeFirst()) > 0;
  });
}

export async function addWatchEntries(ctx: StoreContext, listId: string, entries: ReadonlyArray<Omit<WatchEntryRecord, 'listId'>>): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const list = await trx.selectFrom('watch_lists').select('id').where('id', '=', listId).executeTakeFirst();
    if (!list) throw new ArgusError('not_found', `watch list ${listId} does not exist`);
    for (const part of chunks(entries, 6)) {
      const values = part.map((e) => ({ id: e.id, list_id: listId, pattern: e.pattern, note: e.note, created_at_ms: e.createdAtMs, expires_at_ms: e.expiresAtMs }));
      await trx.insertInto('watch_entries').values(values).onConflict((oc) => oc.column('id').doNothing()).execute();
    }
  });
}

export async function listWatchEntries(ctx: StoreContext, by: { listId: string } | { activeAtMs: number }): Promise<WatchEntryRecord[]> {
  let q = ctx.db.selectFrom('watch_entries').selectAll();
  if ('listId' in by) q = q.where('list_id', '=', by.listId);
  else q = q.where((eb) => eb.or([eb('expires_at_ms', 'is', null), eb('expires_at_ms', '>', by.activeAtMs)]));
  const rows = await q.orderBy('created_at_ms').orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, listId: r.list_id, pattern: r.pattern, note: r.note, createdAtMs: num(r.created_at_ms), expiresAtMs: numOrNull(r.expires_at_ms) }));
}

export async function removeWatchEntry(ctx: StoreContext, id: string): Promise<boolean> {
  return affected(await ctx.db.deleteFrom('watch_entries').where('id', '=', id).executeTakeFirst()) > 0;
}

const evidenceFrom = (r: EvidenceTable): EvidenceRecord => ({
  id: r.id, violationId: r.violation_id, eventId: r.event_id, kind: r.kind, path: r.path, sha256: r.sha256, bytes: num(r.bytes), createdAtMs: num(r.created_at_ms),
});

export function checkEvidencePath(e: EvidenceRecord): void {
  if (e.path.split(/[\\/]/).includes('..') || e.path.startsWith('/') || /^[a-zA-Z]:/.test(e.path)) {
    throw new ArgusError('invalid_argument', `evidence path must be relative to the evidence root: ${JSON.stringify(e.path)}`);
  }
}

export const evidenceRow = (e: EvidenceRecord): EvidenceTable => ({
  id: e.id, violation_id: e.violationId, event_id: e.eventId, kind: e.kind, path: e.path, sha256: e.sha256, bytes: e.bytes, created_at_ms: e.createdAtMs,
});

export async function putEvidence(ctx: StoreContext, e: EvidenceRecord): Promise<void> {
  checkEvidencePath(e);
  try {
    await ctx.db.insertInto('evidence').values(evidenceRow(e)).execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw new ArgusError('conflict', `evidence ${e.id} exists (evidence is immutable)`, { cause: err });
    throw err;
  }
}

export async function getEvidence(ctx: StoreContext, id: string): Promise<EvidenceRecord | null> {
  const r = await ctx.db.selectFrom('evidence').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? evidenceFrom(r) : null;
}

export async function listEvidence(ctx: StoreContext, f: { violationId?: string; eventId?: string }): Promise<EvidenceRecord[]> {
  if (f.violationId === undefined && f.eventId === undefined) throw new ArgusError('invalid_argument', 'listEvidence needs violationId or eventId');
  let q = ctx.db.selectFrom('evidence').selectAll();
  if (f.violationId !== undefined) q = q.where('violation_id', '=', f.violationId);
  if (f.eventId !== undefined) q = q.where('event_id', '=', f.eventId);
  return (await q.orderBy('created_at_ms').orderBy('id').execute()).map(evidenceFrom);
}
