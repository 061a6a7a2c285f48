/** Scaled adapter: PostgreSQL through a pg Pool. */
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import { ArgusError } from '../../core/errors.js';
import { KyselyStore, type SearchTuning } from '../kysely/store.js';
import type { Database } from '../kysely/schema.js';

export interface PostgresStoreOptions {
  /** Plate-search planner thresholds (tests). */
  readonly searchTuning?: Partial<SearchTuning>;
  /** e.g. `postgres://argus@127.0.0.1:5432/argus`. */
  readonly connectionString: string;
  /** Pool size (default 10). */
  readonly maxConnections?: number;
}

export interface PostgresStore extends KyselyStore {
  readonly pool: pg.Pool;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    // A database that does not answer (down, unreachable) fails a query in 10 s rather than never; writers that
    // wait for it to come back (the bus consumer) try again.
    connectionTimeoutMillis: 10_000,
    // Millisecond timestamps and counters fit a double exactly; return them as numbers.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID || oid === NUMERIC_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
    },
  });
  pool.on('error', () => undefined); // idle-client errors surface on the next query; do not crash the process
  // A client checked out of the pool (inside a transaction) whose server goes away emits 'error' with no listener of
  // the pool's: without one of its own that crashes the process (seen when PostgreSQL restarts under ingest). The
  // query in flight still fails, and the writer retries (server/bus-consumer.ts).
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  try {
    const c = await pool.connect();
    c.release();
  } catch (e) {
    await pool.end();
    throw new ArgusError('io_failed', `cannot connect to PostgreSQL (${redact(options.connectionString)})`, { cause: e });
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const store = await KyselyStore.open(db, 'postgres', async () => {
    await db.destroy();
  }, options.searchTuning);
  return Object.assign(store, { pool }) as PostgresStore;
}

const redact = (url: string): string => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
