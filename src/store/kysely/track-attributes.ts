/** Track summaries of attribute search: written with the ingest batch, searched newest first, pruned by age. */
import { sql, type Kysely } from 'kysely';
import { ArgusError } from '../../core/errors.js';
import type { AttributeSearchQuery, Page, TrackAttributesRecord } from '../store.js';
import { affected, chunks, cursorScope, decodeAtId, fromJson, num, pageLimit, toJson, toPage, type StoreContext } from './context.js';
import type { Database, TrackAttributesTable } from './schema.js';

const COLOUR = /^[a-z]{1,16}$/;

export function checkTrackAttributes(r: TrackAttributesRecord): void {
  if (typeof r.id !== 'string' || r.id.length === 0) throw new ArgusError('invalid_argument', 'track attributes need an id');
  if (!Number.isSafeInteger(r.firstMs) || !Number.isSafeInteger(r.lastMs) || r.lastMs < r.firstMs) {
    throw new ArgusError('invalid_argument', `track attributes ${r.id}: firstMs ≤ lastMs, both integers`);
  }
  for (const c of [...r.upper, ...r.lower, ...r.body]) if (!COLOUR.test(c)) throw new ArgusError('invalid_argument', `track attributes ${r.id}: bad colour ${JSON.stringify(c)}`);
}

const row = (r: TrackAttributesRecord): TrackAttributesTable => ({
  id: r.id, camera_id: r.cameraId, track_id: r.trackId, cls: r.cls, first_ms: r.firstMs, last_ms: r.lastMs,
  upper1: r.upper[0] ?? null, upper2: r.upper[1] ?? null, lower1: r.lower[0] ?? null, lower2: r.lower[1] ?? null,
  body1: r.body[0] ?? null, body2: r.body[1] ?? null, details: toJson(r.details), crop_ref: r.cropRef,
});

const two = (a: string | null, b: string | null): string[] => [a, b].filter((c): c is string => c !== null);

export const trackAttributesFrom = (r: TrackAttributesTable): TrackAttributesRecord => ({
  id: r.id, cameraId: r.camera_id, trackId: num(r.track_id), cls: r.cls, firstMs: num(r.first_ms), lastMs: num(r.last_ms),
  upper: two(r.upper1, r.upper2), lower: two(r.lower1, r.lower2), body: two(r.body1, r.body2), details: fromJson(r.details), cropRef: r.crop_ref,
});

/** Inside the batch's transaction; returns how many were new. */
export async function insertTrackAttributeRows(trx: Kysely<Database>, rows: readonly TrackAttributesRecord[]): Promise<number> {
  let n = 0;
  for (const part of chunks(rows, 14)) {
    n += (await trx.insertInto('track_attributes').values(part.map(row)).onConflict((oc) => oc.column('id').doNothing()).returning('id').execute()).length;
  }
  return n;
}

/** Newest (last seen) first; every given field must match, a colour in the top or second place of its region. */
export async function searchTrackAttributes(ctx: StoreContext, q: AttributeSearchQuery): Promise<Page<TrackAttributesRecord>> {
  const limit = pageLimit(q);
  const scope = cursorScope('track_attributes', q);
  const c = decodeAtId(ctx, scope, q.cursor);
  if ((q.cameraIds !== undefined && q.cameraIds.length === 0) || (q.cls !== undefined && q.cls.length === 0)) return { items: [], nextCursor: null };
  let s = ctx.db.selectFrom('track_attributes').selectAll();
  if (q.cameraIds !== undefined) s = s.where('camera_id', 'in', [...q.cameraIds]);
  if (q.cls !== undefined) s = s.where('cls', 'in', [...q.cls]);
  if (q.fromMs !== undefined) s = s.where('last_ms', '>=', q.fromMs);
  if (q.toMs !== undefined) s = s.where('first_ms', '<', q.toMs);
  if (q.upper !== undefined) s = s.where((eb) => eb.or([eb('upper1', '=', q.upper!), eb('upper2', '=', q.upper!)]));
  if (q.lower !== undefined) s = s.where((eb) => eb.or([eb('lower1', '=', q.lower!), eb('lower2', '=', q.lower!)]));
  if (q.body !== undefined) s = s.where((eb) => eb.or([eb('body1', '=', q.body!), eb('body2', '=', q.body!)]));
  if (q.colour !== undefined) {
    const k = q.colour;
    s = s.where((eb) => eb.or(['upper1', 'upper2', 'lower1', 'lower2', 'body1', 'body2'].map((col) => eb(col as 'upper1', '=', k))));
  }
  if (c) s = s.where(sql<boolean>`(last_ms < ${c.atMs} or (last_ms = ${c.atMs} and id < ${c.id}))`);
  const rows = await s.orderBy('last_ms', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
  return toPage(ctx, scope, rows, limit, trackAttributesFrom, (r) => num(r.last_ms));
}

export async function getTrackAttributes(ctx: StoreContext, id: string): Promise<TrackAttributesRecord | null> {
  const r = await ctx.db.selectFrom('track_attributes').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? trackAttributesFrom(r) : null;
}

/** Deletes the summaries last seen before `beforeMs`; returns their crop references (the caller removes the files). */
export async function pruneTrackAttributes(ctx: StoreContext, beforeMs: number): Promise<{ deleted: number; cropRefs: string[] }> {
  const refs = await ctx.db.selectFrom('track_attributes').select('crop_ref').where('last_ms', '<', beforeMs).where('crop_ref', 'is not', null).execute();
  const r = await ctx.db.deleteFrom('track_attributes').where('last_ms', '<', beforeMs).executeTakeFirst();
  return { deleted: affected(r), cropRefs: refs.map((x) => x.crop_ref!).filter((x) => x.length > 0) };
}
