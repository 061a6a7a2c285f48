/** Embedded adapter: SQLite through better-sqlite3 (WAL, synchronous=NORMAL, foreign keys on). */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { ArgusError } from '../../core/errors.js';
import { KyselyStore, type SearchTuning } from '../kysely/store.js';
import type { Database } from '../kysely/schema.js';

export interface SqliteStoreOptions {
  /** Plate-search planner thresholds (tests). */
  readonly searchTuning?: Partial<SearchTuning>;
  /** Database file, or `:memory:`. */
  readonly path: string;
  /** Busy timeout when another process holds the write lock (default 5000 ms). */
  readonly busyTimeoutMs?: number;
}

export interface SqliteStore extends KyselyStore {
  /** The underlying connection (tests, maintenance). */
  readonly connection: BetterSqlite3.Database;
}

export async function openSqliteStore(options: SqliteStoreOptions): Promise<SqliteStore> {
  let conn: BetterSqlite3.Database;
  try {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    conn = new BetterSqlite3(options.path);
  } catch (e) {
    throw new ArgusError('io_failed', `cannot open SQLite database ${options.path}`, { cause: e });
  }
  // WAL + synchronous=NORMAL: a committed transaction survives a process crash (kill -9); only an OS
  // crash or power loss can lose the last transactions. Set ARGUS-level FULL if that matters more than speed.
  conn.pragma('journal_mode = WAL');
  conn.pragma('synchronous = NORMAL');
  conn.pragma('foreign_keys = ON');
  conn.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
  conn.pragma('temp_store = MEMORY');
  conn.pragma('cache_size = -65536');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: conn }) });
  const store = await KyselyStore.open(db, 'sqlite', async () => {
    await db.destroy();
  }, options.searchTuning);
  return Object.assign(store, { connection: conn }) as SqliteStore;
}
