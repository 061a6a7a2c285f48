/** The store of a service: PostgreSQL when a URL is given (or ARGUS_DATABASE_URL), else SQLite in the data dir. */
import { join, resolve } from 'node:path';
import { openPostgresStore } from '../store/postgres/index.js';
import { openSqliteStore } from '../store/sqlite/index.js';
import type { Store } from '../store/store.js';

export interface StoreLocation {
  /** Data directory (default ./data); the SQLite file is `argus.db` in it. */
  readonly dataDir?: string;
  /** postgres://… — use PostgreSQL instead of SQLite. */
  readonly databaseUrl?: string;
}

export async function openServiceStore(loc: StoreLocation, env: NodeJS.ProcessEnv = process.env): Promise<{ store: Store; where: string }> {
  const url = loc.databaseUrl ?? (env['ARGUS_DATABASE_URL'] || undefined);
  if (url) return { store: await openPostgresStore({ connectionString: url }), where: url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@') };
  const file = join(resolve(loc.dataDir ?? 'data'), 'argus.db');
  return { store: await openSqliteStore({ path: file }), where: file };
}
