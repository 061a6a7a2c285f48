/**
 * Text a store cannot keep as sent, found by the API fuzzer: a lone surrogate in a login name broke the audit chain
 * for anyone (the row is stored with U+FFFD, so its hash no longer matches: `argus audit verify` fails after one
 * anonymous request), and a NUL in any free text answered 500 on PostgreSQL. Both are refused at the edge now (400).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TestClient, type TestServer } from '../src/server/testing/harness.js';
import { ADMIN_URL } from '../src/store/postgres/testing-db.js';

async function postgresDown(): Promise<string | null> {
  const c = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 });
  try {
    await c.connect();
    await c.end();
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}
const pgDown = await postgresDown();
if (pgDown && process.env.CI) throw new Error(`api-text: PostgreSQL unreachable on CI: ${pgDown}`);

describe.each(pgDown ? (['sqlite'] as const) : (['sqlite', 'postgres'] as const))('text the store cannot keep (%s)', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(dialect);
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('refuses a login name with a lone surrogate, and the audit chain still verifies', async () => {
    const r = await new TestClient(t.url).post('/api/auth/login', { username: 'admin\ud800', password: 'whatever-password' });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('invalid_text');
    expect(await t.store.verifyAuditChain()).toMatchObject({ ok: true });
  });

  it('refuses NUL in free text of a body and of a query with a 400, and stores nothing', async () => {
    const admin = await TestClient.login(t.url, 'admin');
    const before = (await t.store.listWatchLists()).length;
    const r = await admin.post('/api/watchlists', { name: 'Xe\u0000mất cắp' });
    expect(r.status).toBe(400);
    expect((await t.store.listWatchLists()).length).toBe(before);
    expect((await admin.get('/api/audit?actor=a%00b')).status).toBe(400);
    const ok = await admin.post('/api/watchlists', { name: 'Xe mất cắp 🚓' }); // well-formed text of any script still goes in
    expect(ok.status).toBe(200);
    expect(await t.store.verifyAuditChain()).toMatchObject({ ok: true });
  });
});
