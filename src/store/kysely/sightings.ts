/** Sightings: batched ingest, listing, and plate search (design: docs/adr/0002-plate-search.md). */
import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { ArgusError } from '../../core/errors.js';
import { foldPlate } from '../../plates/match.js';
import { deletionVariants, trigrams } from '../plate-index.js';
import type { Page, SightingFilter, SightingRecord } from '../store.js';
import { beforeCursor, chunks, cursorScope, decodeAtId, num, numOrNull, pageLimit, toPage, type AtIdCursor, type StoreContext } from './context.js';
import type { Database, SightingTable } from './schema.js';

export const sightingFrom = (r: SightingTable): SightingRecord => ({
  id: r.id, cameraId: r.camera_id, atMs: num(r.at_ms), plateKey: r.plate_key, display: r.display, confidence: Number(r.confidence),
  category: r.category, cls: r.cls, trackId: numOrNull(r.track_id), direction: r.direction, cropRef: r.crop_ref,
});

export function checkSighting(s: SightingRecord): void {
  if (typeof s.id !== 'string' || s.id.length === 0) throw new ArgusError('invalid_argument', 'sighting needs an id');
  if (!/^[0-9A-Z]{1,16}$/.test(s.plateKey)) throw new ArgusError('invalid_argument', `sighting ${s.id}: plate key must be [0-9A-Z]{1,16}, got ${JSON.stringify(s.plateKey)}`);
  if (!Number.isSafeInteger(s.atMs)) throw new ArgusError('invalid_argument', `sighting ${s.id}: atMs must be an integer`);
  if (!Number.isFinite(s.confidence)) throw new ArgusError('invalid_argument', `sighting ${s.id}: confidence must be finite`);
}

export async function insertSightings(ctx: StoreContext, rows: readonly SightingRecord[]): Promise<{ inserted: number }> {
  rows.forEach(checkSighting);
  if (rows.length === 0) return { inserted: 0 };
  return ctx.db.transaction().execute(async (trx) => ({ inserted: await insertSightingRows(trx, ctx.dialect, rows) }));
}

/** The rows (checked) and their plate index inside the caller's transaction; returns how many were new. */
export async function insertSightingRows(trx: Kysely<Database>, dialect: StoreContext['dialect'], rows: readonly SightingRecord[]): Promise<number> {
  if (rows.length === 0) return 0;
  const keys = [...new Set(rows.map((r) => r.plateKey))].sort();
  const fresh = dialect === 'postgres' ? await newKeysPg(trx, keys) : await newKeysSqlite(trx, keys);
  const variants = fresh.flatMap((key) => deletionVariants(foldPlate(key)).map((variant) => ({ variant, key })));
  const grams = fresh.flatMap((key) => trigrams(foldPlate(key)).map((gram) => ({ gram, key })));
  if (dialect === 'postgres') {
    await sql`insert into plate_variants (variant, key) select * from unnest(${variants.map((v) => v.variant)}::text[], ${variants.map((v) => v.key)}::text[]) on conflict do nothing`.execute(trx);
    await sql`insert into plate_grams (gram, key) select * from unnest(${grams.map((v) => v.gram)}::text[], ${grams.map((v) => v.key)}::text[]) on conflict do nothing`.execute(trx);
    return insertRowsPg(trx, rows);
  }
  for (const part of chunks(variants, 2)) await trx.insertInto('plate_variants').values(part).onConflict((oc) => oc.doNothing()).execute();
  for (const part of chunks(grams, 2)) await trx.insertInto('plate_grams').values(part).onConflict((oc) => oc.doNothing()).execute();
  let inserted = 0;
  for (const part of chunks(rows, 12)) {
    const r = await trx.insertInto('sightings').values(part.map(sightingRow)).onConflict((oc) => oc.column('id').doNothing()).executeTakeFirst();
    inserted += Number(r.numInsertedOrUpdatedRows ?? 0n);
  }
  return inserted;
}

const sightingRow = (s: SightingRecord): SightingTable => ({
  id: s.id, camera_id: s.cameraId, at_ms: s.atMs, plate_key: s.plateKey, plate_folded: foldPlate(s.plateKey), display: s.display,
  confidence: s.confidence, category: s.category, cls: s.cls, track_id: s.trackId, direction: s.direction, crop_ref: s.cropRef,
});

async function newKeysSqlite(trx: Kysely<Database>, keys: string[]): Promise<string[]> {
  const fresh: string[] = [];
  for (const part of chunks(keys, 2)) {
    const got = await trx.insertInto('plate_keys').values(part.map((key) => ({ key, folded: foldPlate(key) })))
      .onConflict((oc) => oc.column('key').doNothing()).returning('key').execute();
    for (const g of got) fresh.push(g.key);
  }
  return fresh;
}

/** PostgreSQL: one statement per table with array parameters (unnest), whatever the batch size. */
async function newKeysPg(trx: Kysely<Database>, keys: string[]): Promise<string[]> {
  const r = await sql<{ key: string }>`insert into plate_keys (key, folded) select * from unnest(${keys}::text[], ${keys.map(foldPlate)}::text[])
    on conflict do nothing returning key`.execute(trx);
  return r.rows.map((x) => x.key);
}

async function insertRowsPg(trx: Kysely<Database>, rows: readonly SightingRecord[]): Promise<number> {
  const t = rows.map(sightingRow);
  const col = <K extends keyof SightingTable>(k: K) => t.map((r) => r[k]);
  const r = await sql`insert into sightings (id, camera_id, at_ms, plate_key, plate_folded, display, confidence, category, cls, track_id, direction, crop_ref)
    select * from unnest(${col('id')}::text[], ${col('camera_id')}::text[], ${col('at_ms')}::bigint[], ${col('plate_key')}::text[],
      ${col('plate_folded')}::text[], ${col('display')}::text[], ${col('confidence')}::float8[], ${col('category')}::text[], ${col('cls')}::text[],
      ${col('track_id')}::bigint[], ${col('direction')}::text[], ${col('crop_ref')}::text[])
    on conflict (id) do nothing`.execute(trx);
  return Number(r.numAffectedRows ?? 0n);
}

export async function getSighting(ctx: StoreContext, id: string): Promise<SightingRecord | null> {
  const r = await ctx.db.selectFrom('sightings').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? sightingFrom(r) : null;
}

export interface Filters { fromMs?: number; toMs?: number; cameraIds?: readonly string[] }

/**
 * Newest-first page of sightings matching `where` and the common filters, in one statement of two
 * steps: the (at, id) of the page from a covering index (index-only), then the page's rows by id.
 */
export async function fetchNewest(
  ctx: StoreContext, f: Filters, c: AtIdCursor | null, limit: number, where: Expression<SqlBool>[], sortInMemory: boolean,
): Promise<SightingTable[]> {
  if (f.cameraIds !== undefined && f.cameraIds.length === 0) return [];
  let q = ctx.db.selectFrom('sightings').select(['id', 'at_ms']);
  for (const w of where) q = q.where(w);
  if (f.fromMs !== undefined) q = q.where('at_ms', '>=', f.fromMs);
  if (f.toMs !== undefined) q = q.where('at_ms', '<', f.toMs);
  if (f.cameraIds !== undefined) q = q.where('camera_id', 'in', [...f.cameraIds]);
  if (c) q = q.where(beforeCursor(c));
  // `at_ms + 0` keeps the planner on the plate index (few rows, sorted after) instead of walking time.
  const ordered = sortInMemory ? q.orderBy(sql`at_ms + 0`, 'desc') : q.orderBy('at_ms', 'desc');
  const page = ordered.orderBy('id', 'desc').limit(limit + 1).as('p');
  return ctx.db.selectFrom(page).innerJoin('sightings as s', 's.id', 'p.id').selectAll('s')
    .orderBy('p.at_ms', 'desc').orderBy('p.id', 'desc').execute();
}

export async function listSightings(ctx: StoreContext, f: SightingFilter = {}): Promise<Page<SightingRecord>> {
  const limit = pageLimit(f);
  const scope = cursorScope('sightings', f);
  const c = decodeAtId(ctx, scope, f.cursor);
  const where: Expression<SqlBool>[] = [];
  if (f.plateKey !== undefined) where.push(sql<SqlBool>`plate_folded = ${foldPlate(f.plateKey)}`, sql<SqlBool>`plate_key = ${f.plateKey}`);
  const rows = await fetchNewest(ctx, f, c, limit, where, f.plateKey !== undefined);
  return toPage(ctx, scope, rows, limit, sightingFrom, (r) => num(r.at_ms));
}

