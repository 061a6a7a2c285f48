/** Throw-away PostgreSQL databases for tests and benchmarks (ARGUS_TEST_PG_URL, default local trust auth). */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const ADMIN_URL = process.env['ARGUS_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function databaseUrl(name: string): string {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Creates an empty database `<prefix>_<random>`; returns its name and URL. */
export async function createDatabase(prefix = 'argus_test'): Promise<{ name: string; url: string }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`create database ${name}`));
  return { name, url: databaseUrl(name) };
}

export async function databaseExists(name: string): Promise<boolean> {
  return admin(async (c) => (await c.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1);
}

export async function createNamedDatabase(name: string): Promise<void> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`bad database name ${name}`);
  await admin((c) => c.query(`create database ${name}`));
}

export async function dropDatabase(name: string): Promise<void> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`bad database name ${name}`);
  await admin((c) => c.query(`drop database if exists ${name} with (force)`));
}

/**
 * Whether a test run must cover PostgreSQL: on CI (`CI` set, as CI services and `.ci/run` do) or when
 * `ARGUS_TEST_REQUIRE_PG=1`. Then a PostgreSQL that cannot be reached fails the run instead of dropping its half.
 */
export function postgresRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env['CI'];
  return env['ARGUS_TEST_REQUIRE_PG'] === '1' || (ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0');
}

const redacted = (url: string): string => url.replace(/:[^:@/]*@/, ':***@');

/**
 * Probes the test PostgreSQL patiently: tries again for up to `waitMs` (default 10 s), as a server that is starting or
 * busy answers late. Resolves with null once it answers, else with why not.
 */
export async function probePostgres(opts: { url?: string; waitMs?: number } = {}): Promise<string | null> {
  const url = opts.url ?? ADMIN_URL;
  const deadline = Date.now() + (opts.waitMs ?? 10_000);
  for (let delayMs = 200; ; delayMs = Math.min(delayMs * 2, 2000)) {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    let connected = false;
    try {
      await c.connect();
      connected = true;
      await c.query('select 1');
      return null;
    } catch (e) {
      if (Date.now() + delayMs >= deadline) return `PostgreSQL unreachable at ${redacted(url)}: ${(e as Error).message}`;
    } finally {
      if (connected) await c.end();
    }
    await new Promise((r) => setTimeout(r, delayMs));
  }
}

/**
 * The store dialects a test file runs over: SQLite, and PostgreSQL when it answers. Where PostgreSQL is required
 * (`postgresRequired`) and does not answer, this THROWS, so the file fails; elsewhere it warns once and the file runs
 * over SQLite alone. One helper for every test file that runs both adapters.
 */
export async function testDialects(
  file: string, env: NodeJS.ProcessEnv = process.env, probe: { url?: string; waitMs?: number } = {},
): Promise<Array<'sqlite' | 'postgres'>> {
  const why = await probePostgres(probe);
  if (why === null) return ['sqlite', 'postgres'];
  if (postgresRequired(env)) throw new Error(`${file}: ${why}; PostgreSQL is required here (CI or ARGUS_TEST_REQUIRE_PG=1), its run must not be dropped`);
  console.warn(`${file}: ${why}; running over SQLite only`);
  return ['sqlite'];
}
