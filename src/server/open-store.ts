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

/** Errors of a database that is not there (yet): down, restarting, unreachable, too many connections. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND', '57P03', '53300']);

export function isUnreachable(e: unknown): boolean {
  for (let x = e, depth = 0; x && depth < 5; x = (x as { cause?: unknown }).cause, depth++) {
    const code = (x as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE.has(code)) return true;
    // AggregateError of a host with several addresses (localhost: ::1 and 127.0.0.1).
    if (x instanceof AggregateError && x.errors.some(isUnreachable)) return true;
    if (x instanceof Error && /Connection terminated|timeout expired|the database system is (starting up|shutting down)/i.test(x.message)) return true;
  }
  return false;
}

export interface RetryLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

/**
 * openServiceStore that waits for PostgreSQL: one warn line when it is unreachable (where, and why), then retries
 * with capped backoff and jitter (0.5 s doubling to 10 s), one info line when it answers. Any other error (a wrong
 * password, a database that does not exist) fails at once. `signal` stops the retries (shutdown).
 */
export async function openServiceStoreRetrying(loc: StoreLocation, log: RetryLog, o: { signal?: AbortSignal; env?: NodeJS.ProcessEnv; sleep?: (ms: number) => Promise<void> } = {}): Promise<{ store: Store; where: string }> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      const opened = await openServiceStore(loc, o.env);
      if (attempt > 0) log.info({ store: opened.where, attempts: attempt + 1 }, 'database reachable again: store opened');
      return opened;
    } catch (e) {
      if (!isUnreachable(e) || o.signal?.aborted) throw e;
      const wait = Math.round(Math.min(10_000, 500 * 2 ** Math.min(attempt, 20)) * (0.75 + Math.random() * 0.5));
      const where = (loc.databaseUrl ?? o.env?.['ARGUS_DATABASE_URL'] ?? process.env['ARGUS_DATABASE_URL'] ?? '').replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
      if (attempt === 0) log.warn({ store: where, err: e instanceof Error ? e.message : String(e), retryInMs: wait }, 'PostgreSQL unreachable; retrying with backoff');
      else log.debug({ attempt, retryInMs: wait }, 'PostgreSQL connect retry');
      await sleep(wait);
    }
  }
}
