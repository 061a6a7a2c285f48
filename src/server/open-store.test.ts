import { describe, expect, it } from 'vitest';
import { freePort } from '../bus/testing/nats-server.js';
import { ADMIN_URL, probePostgres } from '../store/postgres/testing-db.js';
import { isUnreachable, openServiceStoreRetrying } from './open-store.js';

const pgProblem = await probePostgres();

/** Real connections: a port nobody listens on, and (when PostgreSQL runs here) a database that does not exist. */
describe('opening the store while PostgreSQL is unreachable', () => {
  it('says so in one line, then retries with growing waits until stopped', async () => {
    const url = `postgres://postgres@127.0.0.1:${await freePort()}/argus`;
    const lines: Array<[string, string]> = [];
    const log = { info: (_o: object, m: string) => lines.push(['info', m]), warn: (_o: object, m: string) => lines.push(['warn', m]), debug: (_o: object, m: string) => lines.push(['debug', m]) };
    const stop = new AbortController();
    const waits: number[] = [];
    const opening = openServiceStoreRetrying({ databaseUrl: url }, log, {
      signal: stop.signal,
      sleep: async (ms) => {
        waits.push(ms);
        if (waits.length === 4) stop.abort();
      },
    });
    await expect(opening).rejects.toThrow(/cannot connect to PostgreSQL/);
    expect(lines.filter(([l]) => l === 'warn')).toEqual([['warn', 'PostgreSQL unreachable; retrying with backoff']]);
    expect(lines.filter(([l]) => l === 'debug')).toHaveLength(3);
    expect(waits[3]!).toBeGreaterThan(waits[0]!);
  });

  it.skipIf(pgProblem !== null)('fails at once on what a retry cannot mend (a database that does not exist)', async () => {
    const url = ADMIN_URL.replace(/\/[^/]*$/, '/argus_no_such_database_here');
    const lines: string[] = [];
    const log = { info: () => undefined, warn: (_o: object, m: string) => lines.push(m), debug: () => undefined };
    const err = await openServiceStoreRetrying({ databaseUrl: url }, log, { sleep: async () => undefined }).catch((e: unknown) => e);
    expect(isUnreachable(err)).toBe(false);
    expect(lines).toEqual([]);
  });
});
