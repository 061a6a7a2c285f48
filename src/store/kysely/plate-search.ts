/**
 * Plate search: plans a query onto the indexes (docs/adr/0002-plate-search.md), then fetches one page
 * newest first. Semantics are those of plates/match.ts; SQL only narrows, match.ts scores.
 *
 * Plans:
 * - exact: `plate_folded = fold(q)` on (plate_folded, at_ms, id).
 * - prefix/wildcard with a literal prefix whose range holds < `rangeProbeRows` sightings: range scan
 *   + pattern filter, index-only, sorted after.
 * - otherwise, when the literal runs give trigrams: candidate keys from plate_grams, verified, then
 *   the sightings of those keys — unless there are too many keys (the pattern is frequent), in which
 *   case a newest-first walk of (at_ms, plate_folded, id) with the pattern as an index-only filter
 *   finds a page quickly.
 * - fuzzy: deletion-neighbourhood lookup in plate_variants → candidate keys → verified → their sightings
 *   by folded key, index-only (raw-key filter only under a folded key that also holds a rejected key).
 */
import { sql, type Expression, type SqlBool } from 'kysely';
import { ArgusError } from '../../core/errors.js';
import { foldPlate, matchPlate, parsePlateQuery, type PlateMatchMode, type PlateQuery } from '../../plates/match.js';
import { fuzzyProbeVariants, trigrams } from '../plate-index.js';
import type { PlateHit, PlateSearchQuery, PlateSearchResult } from '../store.js';
import { chunks, cursorScope, decodeAtId, num, pageLimit, toPage, type StoreContext } from './context.js';
import type { SightingTable } from './schema.js';
import { fetchNewest, sightingFrom } from './sightings.js';

type RankedPlate = PlateSearchResult['plates'][number];
/** `alsoWhere`: a second, disjoint set of rows, fetched on its own and merged (so that `where` stays index-only). */
interface Plan { where: Expression<SqlBool>[]; alsoWhere?: Expression<SqlBool>[]; sortInMemory: boolean; plates?: RankedPlate[] }

const NOTHING: Plan = { where: [sql<SqlBool>`1 = 0`], sortInMemory: true };

/** A folded glob pattern as the dialect's pattern predicate; `opaque` hides the column from the plate index. */
function patternPredicate(ctx: StoreContext, foldedPattern: string, opaque: boolean): Expression<SqlBool> {
  const col = opaque ? sql`(plate_folded || '')` : sql`plate_folded`;
  if (ctx.dialect === 'sqlite') return sql<SqlBool>`${col} glob ${foldedPattern}`;
  return sql<SqlBool>`${col} like ${foldedPattern.replace(/\*/g, '%').replace(/\?/g, '_')}`;
}

/** [prefix, prefix + '['): every `[0-9A-Z]` string that starts with the prefix ('[' follows 'Z'). */
const rangeOf = (prefix: string): Expression<SqlBool>[] => [sql<SqlBool>`plate_folded >= ${prefix}`, sql<SqlBool>`plate_folded < ${`${prefix}[`}`];

async function countUpTo(ctx: StoreContext, where: Expression<SqlBool>[], cap: number): Promise<number> {
  let inner = ctx.db.selectFrom('sightings').select('plate_folded');
  for (const w of where) inner = inner.where(w);
  const r = await ctx.db.selectFrom(inner.limit(cap).as('t')).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return num(r.n);
}

const toRanked = (key: string, m: ReturnType<typeof matchPlate>): RankedPlate => ({ key, score: m.score, distance: m.distance, matchKind: m.kind });
const byRank = (a: RankedPlate, b: RankedPlate) => b.score - a.score || a.distance - b.distance || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * Sightings of these keys through the folded index, index-only. Wildcard verification is exact in
 * folded space (every raw key under a matching folded key matches). Fuzzy distances differ per raw key:
 * a folded key under which a candidate was `rejected` is read apart, filtered on the raw key (which
 * needs the table rows: one heap visit per sighting, so only for those folded keys).
 */
function keysPlan(matched: string[], rejected: readonly string[]): Plan {
  if (matched.length === 0) return NOTHING;
  const mixed = new Set(rejected.map(foldPlate));
  const clean = [...new Set(matched.map(foldPlate))].filter((f) => !mixed.has(f));
  const raw = matched.filter((k) => mixed.has(foldPlate(k)));
  const byRaw = [sql<SqlBool>`plate_folded in (${sql.join([...new Set(raw.map(foldPlate))])})`, sql<SqlBool>`plate_key in (${sql.join(raw)})`];
  if (clean.length === 0) return { where: byRaw, sortInMemory: true };
  const where = [sql<SqlBool>`plate_folded in (${sql.join(clean)})`];
  return raw.length === 0 ? { where, sortInMemory: true } : { where, alsoWhere: byRaw, sortInMemory: true };
}

/** The first `n` of two disjoint newest-first pages, ordered by the database (ids compare in its collation, as cursors do). */
async function mergeNewest(ctx: StoreContext, a: SightingTable[], b: SightingTable[], n: number): Promise<SightingTable[]> {
  if (a.length === 0 || b.length === 0) return a.length === 0 ? b : a;
  return ctx.db.selectFrom('sightings').selectAll().where('id', 'in', [...a, ...b].map((r) => r.id))
    .orderBy('at_ms', 'desc').orderBy('id', 'desc').limit(n).execute();
}

async function fuzzyCandidates(ctx: StoreContext, folded: string, maxDistance: number): Promise<string[]> {
  const probes = fuzzyProbeVariants(folded, maxDistance);
  if (ctx.dialect === 'postgres') {
    const r = await sql<{ key: string }>`select distinct key from plate_variants where variant = any(${probes}::text[])`.execute(ctx.db);
    return r.rows.map((x) => x.key);
  }
  const out = new Set<string>();
  for (const part of chunks(probes, 1)) {
    for (const r of await ctx.db.selectFrom('plate_variants').select('key').distinct().where('variant', 'in', part).execute()) out.add(r.key);
  }
  return [...out];
}

/** Keys holding the two most selective-looking trigrams of the literal runs (digits over letters, serial over prefix). */
async function gramCandidates(ctx: StoreContext, q: PlateQuery): Promise<string[] | null> {
  const scored: Array<{ gram: string; score: number }> = [];
  q.literalRuns.forEach((run, i) => {
    const atStart = i === 0 && q.literalPrefix.length > 0;
    for (const gram of trigrams(foldPlate(run))) scored.push({ gram, score: (gram.match(/[0-9]/g)?.length ?? 0) - (atStart ? 3 : 0) });
  });
  if (scored.length === 0) return null;
  const grams = [...new Set(scored.sort((a, b) => b.score - a.score).map((g) => g.gram))].slice(0, 2);
  let query = ctx.db.selectFrom('plate_grams').select('key').where('gram', '=', grams[0]!);
  if (grams[1] !== undefined) query = query.intersect(ctx.db.selectFrom('plate_grams').select('key').where('gram', '=', grams[1]));
  const cap = ctx.search.maxCandidateKeys * 40;
  const rows = await query.limit(cap).execute();
  return rows.length >= cap ? null : rows.map((r) => r.key);
}

async function patternPlan(ctx: StoreContext, q: PlateQuery, mode: PlateMatchMode): Promise<Plan> {
  const pattern = mode === 'prefix' ? `${q.folded}*`.replace(/\*+$/, '*') : q.folded;
  const wild = pattern.search(/[*?]/);
  const prefix = wild < 0 ? pattern : pattern.slice(0, wild);
  if (prefix.length >= 2) {
    const range = rangeOf(prefix);
    const probe = ctx.search.rangeProbeRows;
    if ((await countUpTo(ctx, range, probe)) < probe) return { where: [...range, patternPredicate(ctx, pattern, false)], sortInMemory: true };
  }
  const pure = mode === 'prefix' ? !q.hasWildcards : /^[^*?]*\*$/.test(pattern);
  if (!pure) {
    const keys = await gramCandidates(ctx, q);
    if (keys !== null) {
      const matched = keys.filter((key) => matchPlate(q, key, { mode }).match);
      if (matched.length <= ctx.search.maxCandidateKeys) return keysPlan(matched, []);
    }
  }
  return { where: [patternPredicate(ctx, pattern, true)], sortInMemory: false };
}

async function exactPlates(ctx: StoreContext, q: PlateQuery): Promise<RankedPlate[]> {
  const keys = await ctx.db.selectFrom('plate_keys').select('key').where('folded', '=', q.folded).limit(100).execute();
  return keys.map((k) => toRanked(k.key, matchPlate(q, k.key, { mode: 'exact' }))).sort(byRank);
}

async function planSearch(ctx: StoreContext, q: PlateQuery, mode: PlateMatchMode, maxDistance: number): Promise<Plan> {
  if (mode === 'exact') {
    // The ranked plates are read beside the page (see searchPlates).
    return { where: [sql<SqlBool>`plate_folded = ${q.folded}`], sortInMemory: true };
  }
  if (mode === 'fuzzy') {
    const ranked: RankedPlate[] = [];
    const rejected: string[] = [];
    for (const key of await fuzzyCandidates(ctx, q.folded, maxDistance)) {
      const m = matchPlate(q, key, { mode, maxDistance });
      if (m.match) ranked.push(toRanked(key, m));
      else rejected.push(key);
    }
    ranked.sort(byRank);
    if (ranked.length > ctx.search.maxCandidateKeys * 4) {
      throw new ArgusError('invalid_argument', `fuzzy query ${JSON.stringify(q.text)} matches ${ranked.length} plates; give more characters`);
    }
    // Every raw key of a candidate's folded key is a candidate too (variants are of the folded key).
    return { ...keysPlan(ranked.map((r) => r.key), rejected), plates: ranked.slice(0, 100) };
  }
  return patternPlan(ctx, q, mode);
}

export async function searchPlates(ctx: StoreContext, s: PlateSearchQuery): Promise<PlateSearchResult> {
  const limit = pageLimit(s);
  if (!['exact', 'prefix', 'wildcard', 'fuzzy'].includes(s.mode)) throw new ArgusError('invalid_argument', `unknown search mode ${JSON.stringify(s.mode)}`);
  const maxDistance = s.maxDistance ?? 1;
  if (s.mode === 'fuzzy' && maxDistance !== 1 && maxDistance !== 2) throw new ArgusError('invalid_argument', 'maxDistance must be 1 or 2');
  const q = parsePlateQuery(s.query);
  if (q.hasWildcards && (s.mode === 'exact' || s.mode === 'fuzzy')) {
    throw new ArgusError('invalid_argument', `wildcards are allowed only in wildcard or prefix mode: ${JSON.stringify(s.query)}`);
  }
  const scope = cursorScope('plates', s);
  const c = decodeAtId(ctx, scope, s.cursor);
  const plan = await planSearch(ctx, q, s.mode, maxDistance);
  const pageWhere = (where: Expression<SqlBool>[]) => fetchNewest(ctx, s, c, limit, where, plan.sortInMemory);
  const [rows, ranked] = await Promise.all([
    plan.alsoWhere ? Promise.all([pageWhere(plan.where), pageWhere(plan.alsoWhere)]).then(([a, b]) => mergeNewest(ctx, a, b, limit + 1)) : pageWhere(plan.where),
    s.mode === 'exact' ? exactPlates(ctx, q) : Promise.resolve(undefined),
  ]);
  const page = toPage(ctx, scope, rows, limit, sightingFrom, (r) => num(r.at_ms));
  const items: PlateHit[] = page.items.map((r) => {
    const m = matchPlate(q, r.plateKey, { mode: s.mode, maxDistance });
    return { ...r, score: m.score, distance: m.distance, matchKind: m.kind };
  });
  return { items, nextCursor: page.nextCursor, plates: ranked ?? plan.plates ?? [] };
}
