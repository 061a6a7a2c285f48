/** Shared plumbing of the kysely adapters: paging, JSON columns, constraint errors. */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { ArgusError } from '../../core/errors.js';
import { canonicalJson } from '../audit-hash.js';
import type { CursorCodec } from '../cursor.js';
import type { JsonValue, Page, PageRequest } from '../store.js';
import type { SqlDialect } from './migrations.js';
import type { Database } from './schema.js';

/** Thresholds of the plate-search planner (see kysely/plate-search.ts); tests shrink them to reach every plan. */
export interface SearchTuning {
  /** A literal prefix with fewer sightings than this is range-scanned and sorted (default 20 000). */
  readonly rangeProbeRows: number;
  /** Matching keys above which a pattern counts as frequent (default 500). */
  readonly maxCandidateKeys: number;
}

export const DEFAULT_SEARCH_TUNING: SearchTuning = { rangeProbeRows: 20_000, maxCandidateKeys: 500 };

export interface StoreContext {
  readonly db: Kysely<Database>;
  readonly dialect: SqlDialect;
  readonly cursors: CursorCodec;
  readonly search: SearchTuning;
}

export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1000;

export function pageLimit(req: PageRequest | undefined): number {
  const limit = req?.limit ?? DEFAULT_PAGE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw new ArgusError('invalid_argument', `limit must be an integer in 1…${MAX_PAGE}, got ${String(limit)}`);
  }
  return limit;
}

/** A scope string binding a cursor to one listing and its filters. */
export function cursorScope(name: string, filter: object): string {
  const rest: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(filter)) if (k !== 'cursor' && k !== 'limit' && v !== undefined) rest[k] = v as JsonValue;
  return `${name}:${canonicalJson(rest)}`;
}

export interface AtIdCursor { readonly atMs: number; readonly id: string }

export function decodeAtId(ctx: StoreContext, scope: string, cursor: string | null | undefined): AtIdCursor | null {
  if (cursor === undefined || cursor === null) return null;
  const [atMs, id] = ctx.cursors.decode(scope, cursor, ['number', 'string']);
  return { atMs: atMs as number, id: id as string };
}

/** `(at_ms, id) < (cursor)` for newest-first listings. */
export function beforeCursor(c: AtIdCursor): RawBuilder<boolean> {
  return sql<boolean>`(at_ms < ${c.atMs} or (at_ms = ${c.atMs} and id < ${c.id}))`;
}

/** Rows fetched with `limit + 1` → a page and the cursor of its last row. */
export function toPage<R extends { id: string }, T>(
  ctx: StoreContext, scope: string, rows: R[], limit: number, map: (r: R) => T, at: (r: R) => number,
): Page<T> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const last = kept[kept.length - 1];
  return { items: kept.map(map), nextCursor: more && last !== undefined ? ctx.cursors.encode(scope, [at(last), last.id]) : null };
}

export const toJson = (v: JsonValue | object): string => JSON.stringify(v ?? null);

export function fromJson<T = JsonValue>(text: string): T {
  return JSON.parse(text) as T;
}

export const num = (v: number | string | bigint): number => Number(v);
export const numOrNull = (v: number | string | bigint | null): number | null => (v === null ? null : Number(v));

export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

export function isForeignKeyViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/** Split rows so that one statement stays under the bound-parameter limits of both dialects. */
export function chunks<T>(rows: readonly T[], columns: number): T[][] {
  const per = Math.max(1, Math.floor(30_000 / columns));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += per) out.push(rows.slice(i, i + per));
  return out;
}

/**
 * A write transaction that takes the write lock first: SQLite `BEGIN IMMEDIATE` (a deferred transaction
 * that reads before it writes fails with SQLITE_BUSY when another connection wrote meanwhile);
 * PostgreSQL: an ordinary transaction.
 */
export async function writeTransaction<T>(ctx: StoreContext, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  if (ctx.dialect === 'postgres') return ctx.db.transaction().execute(fn);
  return ctx.db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    let result: T;
    try {
      result = await fn(conn);
    } catch (e) {
      await sql`rollback`.execute(conn);
      throw e;
    }
    await sql`commit`.execute(conn);
    return result;
  });
}

export const affected = (r: { numDeletedRows?: bigint; numUpdatedRows?: bigint }): number =>
  Number(r.numDeletedRows ?? r.numUpdatedRows ?? 0n);
