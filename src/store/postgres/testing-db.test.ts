/** The PostgreSQL probe of the test files: patient with a server that answers late, and a hard error where required. */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_URL, postgresRequired, probePostgres, testDialects } from './testing-db.js';

const DEAD = 'postgres://postgres@127.0.0.1:1/postgres';

/** A TCP front of the real PostgreSQL that drops its first `drop` connections and holds the next one `delayMs`. */
async function slowFront(drop: number, delayMs: number): Promise<{ url: string; server: Server; seen: () => number }> {
  const target = new URL(ADMIN_URL);
  let seen = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    if (seen++ < drop) {
      client.destroy();
      return;
    }
    setTimeout(() => {
      const up = connect(Number(target.port || 5432), target.hostname);
      sockets.add(up);
      up.on('close', () => sockets.delete(up));
      client.pipe(up).pipe(client);
      up.on('error', () => client.destroy());
      client.on('error', () => up.destroy());
    }, delayMs);
  });
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const u = new URL(ADMIN_URL);
  u.port = String((server.address() as { port: number }).port);
  return { url: u.toString(), server, seen: () => seen };
}

describe('the PostgreSQL probe of the tests', () => {
  let front: Server | undefined;
  afterEach(async () => {
    await new Promise((r) => (front ? front.close(r) : r(undefined)));
    front = undefined;
  });

  it.each<[Record<string, string>, boolean]>([
    [{}, false], [{ CI: 'true' }, true], [{ CI: '1' }, true], [{ CI: 'false' }, false], [{ CI: '' }, false],
    [{ ARGUS_TEST_REQUIRE_PG: '1' }, true], [{ ARGUS_TEST_REQUIRE_PG: '0' }, false],
  ])('requires PostgreSQL with %j: %s', (env, required) => {
    expect(postgresRequired(env)).toBe(required);
  });

  // The old probe tried once with a 2 s timeout: this server (two refusals, then an answer after 2.5 s) was "absent".
  it('waits for a PostgreSQL that refuses twice and then answers late', async () => {
    const f = await slowFront(2, 2500);
    front = f.server;
    expect(await probePostgres({ url: f.url, waitMs: 10_000 })).toBeNull();
    expect(f.seen()).toBe(3);
  });

  it('makes an unreachable PostgreSQL an error where it is required, and a warning elsewhere', async () => {
    const probe = { url: DEAD, waitMs: 500 };
    await expect(testDialects('t', { CI: 'true' }, probe)).rejects.toThrow(/PostgreSQL is required here/);
    await expect(testDialects('t', { ARGUS_TEST_REQUIRE_PG: '1' }, probe)).rejects.toThrow(/127\.0\.0\.1:1/);
    expect(await testDialects('t', {}, probe)).toEqual(['sqlite']);
  });

  it('runs both adapters where PostgreSQL answers', async () => {
    expect(await testDialects('t', { CI: 'true' })).toEqual(['sqlite', 'postgres']);
  });
});
