/**
 * Store benchmarks: sighting ingest rows/s and plate search latency per mode over a large table.
 *
 *   npx tsx bench/store.ts                      # both adapters, default sizes (SQLite 1 M, PostgreSQL 10 M)
 *   ARGUS_BENCH_SIGHTINGS_SQLITE=200000 ARGUS_BENCH_SIGHTINGS_PG=0 npx tsx bench/store.ts   # 0 skips
 *
 * Built databases are cached between runs (SQLite files in ARGUS_BENCH_DIR or the temp dir; PostgreSQL
 * databases named `argus_bench_<n>_v<schema>`); build time is reported separately from the figures.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { openPostgresStore } from '../src/store/postgres/index.js';
import { createDatabase, createNamedDatabase, databaseExists, databaseUrl, dropDatabase } from '../src/store/postgres/testing-db.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import type { PlateSearchMode, SightingRecord, Store } from '../src/store/store.js';
import { prng, vehiclePlate } from '../src/store/synthetic.js';

const MONTH_MS = 30 * 86_400_000;
const T0 = 1_764_547_200_000; // 2025-12-01T00:00Z
const CAMERAS = 300;
const BUILD_VERSION = 'v3';
const PG_WRITERS = 8;
const PG_BATCH = 10_000;
const SQLITE_BATCH = 5000;

export interface LatencyFigures { p50Ms: number; p95Ms: number; p99Ms: number; maxMs: number; queries: number; meanHits: number }
export interface AdapterFigures {
  sightings: number;
  distinctPlates: number;
  buildSeconds: number | null;
  buildCached: boolean;
  /** Steady state (most plates known). */
  ingestRowsPerSec: number;
  /** Whole run from an empty database (every plate new at first). */
  ingestRowsPerSecCold: number;
  ingestRows: number;
  ingestWriters: number;
  ingestBatch: number;
  search: Record<string, LatencyFigures>;
}

const envInt = (name: string, dflt: number): number => {
  const v = process.env[name];
  return v === undefined || v === '' ? dflt : Math.max(0, Math.floor(Number(v)));
};

/** A month of reads: a fleet of n/10 vehicles, skewed (commuters pass daily), over 300 cameras. */
function makeRows(start: number, count: number, fleet: number, seed: number, idPrefix: string): SightingRecord[] {
  const rnd = prng(seed);
  const rows: SightingRecord[] = [];
  for (let i = start; i < start + count; i++) {
    const plate = vehiclePlate(Math.floor(rnd() ** 2 * fleet));
    rows.push({
      id: `${idPrefix}${String(i).padStart(10, '0')}`, cameraId: `cam-${i % CAMERAS}`, atMs: T0 + Math.floor(rnd() * MONTH_MS), plateKey: plate,
      display: plate, confidence: 0.8 + rnd() * 0.2, category: 'white', cls: rnd() < 0.7 ? 'motorcycle' : 'car', trackId: i % 10_000,
      direction: rnd() < 0.5 ? 'pos' : 'neg', cropRef: null,
    });
  }
  return rows;
}

/**
 * Live ingest: reads arrive in time order, in batches, from `writers` concurrent callers (PostgreSQL:
 * pool connections or server replicas; SQLite: one writer). `cold`: every batch, the first ones full of
 * plates never seen (each new plate writes ~16 side rows); `warm`: the batches after the first fifth,
 * when most plates of the fleet are known — the steady state of a running province.
 */
export async function measureIngest(store: Store, rows: number, writers: number, batch: number): Promise<{ cold: number; warm: number }> {
  const batches: SightingRecord[][] = [];
  for (let i = 0; i < rows; i += batch) {
    batches.push(makeRows(i, Math.min(batch, rows - i), Math.max(1000, rows / 10), 7 + i, 'i').map((r, j) => ({ ...r, atMs: T0 + (i + j) * 50 })));
  }
  const run = async (part: SightingRecord[][]): Promise<number> => {
    const t = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: writers }, async () => {
      while (next < part.length) await store.insertSightings(part[next++]!);
    }));
    return performance.now() - t;
  };
  const split = batches.length > 1 ? Math.max(1, Math.floor(batches.length / 5)) : 0;
  const coldMs = await run(batches.slice(0, split));
  const warmMs = await run(batches.slice(split));
  const rowsOf = (b: SightingRecord[][]) => b.reduce((n, x) => n + x.length, 0);
  return {
    cold: Math.round(rows / (Math.max(1e-3, coldMs + warmMs) / 1000)),
    warm: Math.round(rowsOf(batches.slice(split)) / (warmMs / 1000)),
  };
}

/** Realistic queries drawn from plates that exist (and a few that do not). */
function makeQueries(samples: string[], seed: number): Record<string, Array<{ query: string; mode: PlateSearchMode; maxDistance?: number }>> {
  const rnd = prng(seed);
  const pick = (): string => samples[Math.floor(rnd() * samples.length)]!;
  const edit = (k: string): string => {
    const i = 3 + Math.floor(rnd() * (k.length - 3));
    const r = rnd();
    if (r < 0.5) return k.slice(0, i) + String((Number(k[i]) + 1) % 10 || 7) + k.slice(i + 1);
    if (r < 0.75) return k.slice(0, i) + k.slice(i + 1);
    return i + 1 < k.length ? k.slice(0, i) + k[i + 1] + k[i] + k.slice(i + 2) : k.slice(0, -1);
  };
  const n = 150;
  const list = <T>(f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));
  return {
    exact: list((i) => ({ query: i % 10 === 0 ? `${pick().slice(0, -1)}${i % 10}` : pick(), mode: 'exact' as const })),
    prefix: list((i) => ({ query: pick().slice(0, 3 + (i % 4)), mode: 'prefix' as const })),
    wildcard: list((i) => {
      const k = pick();
      const forms = [`${k.slice(0, 5)}*`, `??${k.slice(2)}`, `${k.slice(0, 4)}?${k.slice(5)}`, `*${k.slice(-5)}`, `${k.slice(0, 3)}*${k.slice(-3)}`];
      return { query: forms[i % forms.length]!, mode: 'wildcard' as const };
    }),
    fuzzy: list(() => ({ query: edit(pick()), mode: 'fuzzy' as const, maxDistance: 1 })),
    fuzzy2: list(() => ({ query: edit(edit(pick())), mode: 'fuzzy' as const, maxDistance: 2 })),
  };
}

async function measureSearch(store: Store, samples: string[]): Promise<Record<string, LatencyFigures>> {
  const out: Record<string, LatencyFigures> = {};
  if (samples.length === 0) return out;
  for (const [name, queries] of Object.entries(makeQueries(samples, 99))) {
    for (const q of queries.slice(0, 10)) await store.searchPlates({ ...q, limit: 50 }); // warm-up
    const times: number[] = [];
    let hits = 0;
    for (const q of queries) {
      const t = performance.now();
      const r = await store.searchPlates({ ...q, limit: 50 });
      times.push(performance.now() - t);
      hits += r.items.length;
    }
    times.sort((a, b) => a - b);
    const at = (p: number): number => Math.round(times[Math.min(times.length - 1, Math.floor(p * times.length))]! * 100) / 100;
    out[name] = { p50Ms: at(0.5), p95Ms: at(0.95), p99Ms: at(0.99), maxMs: at(1), queries: times.length, meanHits: Math.round(hits / times.length) };
  }
  return out;
}

export async function benchSqlite(n: number, ingestRows: number): Promise<AdapterFigures> {
  const dir = process.env['ARGUS_BENCH_DIR'] ?? join(tmpdir(), 'argus-bench');
  mkdirSync(dir, { recursive: true });
  const scratch = join(dir, `ingest-${process.pid}.db`);
  const ingestStore = await openSqliteStore({ path: scratch });
  const ingest = await measureIngest(ingestStore, ingestRows, 1, SQLITE_BATCH);
  await ingestStore.close();
  for (const ext of ['', '-wal', '-shm']) rmSync(scratch + ext, { force: true });

  const path = join(dir, `sqlite-${n}-${BUILD_VERSION}.db`);
  let store = existsSync(path) ? await openSqliteStore({ path }) : null;
  const built = store?.connection.prepare(`select value from argus_meta where key = 'bench_built'`).get() as { value: string } | undefined;
  let buildSeconds: number | null = null;
  if (!store || built?.value !== String(n)) {
    await store?.close();
    for (const ext of ['', '-wal', '-shm']) rmSync(path + ext, { force: true });
    store = await openSqliteStore({ path });
    process.stderr.write(`bench store: building SQLite with ${n} sightings (cached in ${path})\n`);
    const t = performance.now();
    for (let i = 0; i < n; i += 20_000) await store.insertSightings(makeRows(i, Math.min(20_000, n - i), n / 10, 1000 + i, 'b'));
    store.connection.exec(`analyze; insert into argus_meta (key, value) values ('bench_built', '${n}')`);
    store.connection.pragma('wal_checkpoint(TRUNCATE)');
    buildSeconds = Math.round((performance.now() - t) / 100) / 10;
  }
  const c = store.connection;
  const distinct = (c.prepare('select count(*) n from plate_keys').get() as { n: number }).n;
  const maxRow = (c.prepare('select max(rowid) m from sightings').get() as { m: number }).m;
  const rnd = prng(5);
  const sample = c.prepare('select plate_key from sightings where rowid = ?').pluck();
  const samples = Array.from({ length: 2000 }, () => sample.get(1 + Math.floor(rnd() * maxRow)) as string | undefined).filter((s): s is string => !!s);
  const search = await measureSearch(store, samples);
  await store.close();
  return { sightings: n, distinctPlates: distinct, buildSeconds, buildCached: buildSeconds === null, ingestRowsPerSec: ingest.warm, ingestRowsPerSecCold: ingest.cold, ingestRows, ingestWriters: 1, ingestBatch: SQLITE_BATCH, search };
}

export async function benchPostgres(n: number, ingestRows: number): Promise<AdapterFigures> {
  const scratch = await createDatabase('argus_bench_ingest');
  let ingest: { cold: number; warm: number };
  try {
    const s = await openPostgresStore({ connectionString: scratch.url, maxConnections: PG_WRITERS + 2 });
    ingest = await measureIngest(s, ingestRows, PG_WRITERS, PG_BATCH);
    await s.close();
  } finally {
    await dropDatabase(scratch.name);
  }

  const name = `argus_bench_${n}_${BUILD_VERSION}`;
  let buildSeconds: number | null = null;
  if (!(await databaseExists(name)) || !(await isBuilt(name, n))) {
    await dropDatabase(name);
    await createNamedDatabase(name);
    process.stderr.write(`bench store: building PostgreSQL database ${name} (kept for later runs)\n`);
    const t = performance.now();
    await buildPostgres(name, n);
    buildSeconds = Math.round((performance.now() - t) / 100) / 10;
  }
  const store = await openPostgresStore({ connectionString: databaseUrl(name) });
  const distinct = Number((await store.pool.query('select count(*) n from plate_keys')).rows[0].n);
  const samples = (await store.pool.query<{ plate_key: string }>('select plate_key from sightings tablesample system (0.05) limit 2000')).rows.map((r) => r.plate_key);
  const search = await measureSearch(store, samples);
  await store.close();
  return { sightings: n, distinctPlates: distinct, buildSeconds, buildCached: buildSeconds === null, ingestRowsPerSec: ingest.warm, ingestRowsPerSecCold: ingest.cold, ingestRows, ingestWriters: PG_WRITERS, ingestBatch: PG_BATCH, search };
}

async function isBuilt(name: string, n: number): Promise<boolean> {
  const c = new pg.Client({ connectionString: databaseUrl(name) });
  await c.connect();
  try {
    const r = await c.query(`select value from argus_meta where key = 'bench_built'`);
    return r.rows[0]?.value === String(n);
  } catch {
    return false;
  } finally {
    await c.end();
  }
}

/** Generate the table in the server (INSERT … SELECT generate_series), then the side tables and indexes. */
async function buildPostgres(name: string, n: number): Promise<void> {
  const store = await openPostgresStore({ connectionString: databaseUrl(name) });
  await store.close();
  const c = new pg.Client({ connectionString: databaseUrl(name) });
  await c.connect();
  try {
    for (const stmt of pgBuildSql({ n, fleet: Math.floor(n / 10), t0: T0, monthMs: MONTH_MS, cameras: CAMERAS })) await c.query(stmt);
    await c.query(`insert into argus_meta (key, value) values ('bench_built', '${n}')`);
  } finally {
    await c.end();
  }
}

const PG_PROVINCES = ['29', '30', '31', '33', '40', '51', '59', '43', '15', '36', '88', '99', '14', '17', '34', '37', '47', '60', '72', '92'];
const PG_SERIES = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'K', 'L', 'LD', 'KT', 'B1', 'B2', 'C1', 'D1', 'E1', 'F1', 'G1', 'H1', 'K1', 'L1',
  'M1', 'N1', 'P1', 'S1', 'T1', 'U1', 'V1', 'X1', 'Y1', 'Z1', 'AA', 'AB', 'AC', 'AD', 'AE'];

/** The same fleet shape as `vehiclePlate` (province skewed to the first five codes, 5-digit serials), in SQL. */
function pgBuildSql(o: { n: number; fleet: number; t0: number; monthMs: number; cameras: number }): string[] {
  const arr = (xs: string[]) => `array[${xs.map((x) => `'${x}'`).join(',')}]::text[]`;
  return [
    `set maintenance_work_mem = '512MB'`,
    `set synchronous_commit = off`,
    `drop index sightings_folded_at`, `drop index sightings_at`,
    `alter table sightings drop constraint sightings_pkey`,
    `insert into sightings (id, camera_id, at_ms, plate_key, plate_folded, display, confidence, category, cls, track_id, direction, crop_ref)
     select 'b' || lpad(g::text, 10, '0'), 'cam-' || (g % ${o.cameras}), ${o.t0} + floor(random() * ${o.monthMs})::bigint, k,
            translate(k, 'ODQBSZIG', '00085216'), k, 0.8 + random() * 0.2, 'white',
            case when random() < 0.7 then 'motorcycle' else 'car' end, g % 10000, case when random() < 0.5 then 'pos' else 'neg' end, null
     from (
       select g, (${arr(PG_PROVINCES)})[1 + case when h1 % 4 = 0 then h2 % ${PG_PROVINCES.length} else h2 % 5 end]
                 || (${arr(PG_SERIES)})[1 + (h1 / 7) % ${PG_SERIES.length}] || lpad(((h2 / 16) % 100000)::text, 5, '0') as k
       from (select g, (hashint8(v) & 2147483647)::bigint h1, (hashint8(v + 7777777) & 2147483647)::bigint h2
             from (select g, floor(power(random(), 2) * ${o.fleet})::bigint v from generate_series(1, ${o.n}) g) a) b
     ) s`,
    `alter table sightings add primary key (id)`,
    `create index sightings_folded_at on sightings (plate_folded, at_ms, id)`,
    `create index sightings_at on sightings (at_ms, plate_folded, camera_id, id)`,
    `insert into plate_keys (key, folded) select distinct plate_key, plate_folded from sightings`,
    `alter table plate_variants drop constraint plate_variants_pkey`,
    `insert into plate_variants (variant, key) select distinct v, key from (
       select folded v, key from plate_keys
       union all select overlay(folded placing '' from i for 1), key from plate_keys, generate_series(1, 16) i where i <= length(folded)) x`,
    `alter table plate_variants add primary key (variant, key)`,
    `alter table plate_grams drop constraint plate_grams_pkey`,
    `insert into plate_grams (gram, key) select distinct substr(folded, i, 3), key from plate_keys, generate_series(1, 14) i where i + 2 <= length(folded)`,
    `alter table plate_grams add primary key (gram, key)`,
    `vacuum analyze`,
  ];
}

export async function benchStore(): Promise<Record<string, unknown>> {
  const nSqlite = envInt('ARGUS_BENCH_SIGHTINGS_SQLITE', 1_000_000);
  const nPg = envInt('ARGUS_BENCH_SIGHTINGS_PG', 10_000_000);
  const ingestRows = envInt('ARGUS_BENCH_INGEST_ROWS', 100_000);
  const out: Record<string, unknown> = { note: 'search: searchPlates limit 50, 150 queries per mode after 10 warm-ups; fuzzy2 = maxDistance 2' };
  if (nSqlite > 0) out['sqlite'] = await benchSqlite(nSqlite, ingestRows);
  if (nPg > 0) out['postgres'] = await benchPostgres(nPg, ingestRows * 2);
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  benchStore().then((r) => console.log(JSON.stringify(r, null, 2)), (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
