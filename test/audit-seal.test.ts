/**
 * Finding 9 end to end, over SQLite and PostgreSQL: a real server signs checkpoints of its audit log with the audit
 * key in <data>/keys while users work and when it stops; then someone with write access to the DATABASE only (raw
 * SQL) cuts the tail or rewrites a row and recomputes the chain. `argus audit verify` (the real CLI, a child process)
 * and GET /api/audit/verify must say which check failed. Before this both checked the hash chain alone, which passes
 * both attacks (tried: the old CLI printed "audit log OK" for each; the store conformance shows the chain-only result).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateKeyPair } from '../src/evidence/keys.js';
import { buildServer, type ArgusServer } from '../src/server/app.js';
import { openServiceStore } from '../src/server/open-store.js';
import { TEST_PASSWORD, TestClient } from '../src/server/testing/harness.js';
import { createUser } from '../src/server/users.js';
import { createDatabase, dropDatabase, testDialects } from '../src/store/postgres/testing-db.js';
import type { Store } from '../src/store/store.js';
import { recomputeChain } from '../src/store/testing/conformance-seal.js';
import { REPO_ROOT } from './assets.js';

const TSX = join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs');
const RUN = join(REPO_ROOT, 'src/cli/run.ts');
const dialects = await testDialects('audit-seal');

function argus(args: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [TSX, RUN, ...args], { env: { ...process.env, ARGUS_DATABASE_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
}

/** Raw SQL on the database: what an attacker with database access can do (the key and the anchor are files). */
function rawSql(store: Store): (sqlText: string) => Promise<void> {
  const s = store as unknown as { connection?: { exec(t: string): void }; pool?: { query(t: string): Promise<unknown> } };
  return async (sqlText) => {
    if (s.connection) s.connection.exec(sqlText);
    else await s.pool!.query(sqlText);
  };
}

describe.each(dialects)('signed audit checkpoints over %s', (dialect) => {
  let dataDir = '';
  let databaseUrl: string | undefined;
  const cleanup: Array<() => Promise<unknown>> = [];
  const keyDir = () => join(dataDir, 'keys');
  const verify = (...extra: string[]) => argus(['audit', 'verify', '--data', dataDir, ...(databaseUrl ? ['--database', databaseUrl] : []), ...extra]);
  const openStore = async () => (await openServiceStore({ dataDir, ...(databaseUrl ? { databaseUrl } : {}) }, {})).store;
  const serve = async (store: Store): Promise<{ server: ArgusServer; url: string }> => {
    const server = await buildServer({ store, logger: false, startCameras: false, webRoot: join(dataDir, 'no-ui'), auditSeal: { keyDir: keyDir(), everyRows: 10 } });
    cleanup.push(() => server.close());
    return { server, url: await server.listen(0) };
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'argus-seal-srv-'));
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    if (dialect === 'postgres') {
      const db = await createDatabase('argus_seal');
      databaseUrl = db.url;
      cleanup.push(() => dropDatabase(db.name));
    }
  });
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('signs while users work and at shutdown; verify passes untouched and fails with another key', async () => {
    const store = await openStore();
    await createUser(store, { username: 'admin', password: TEST_PASSWORD, roles: ['admin'] });
    const { server, url } = await serve(store);
    const admin = await TestClient.login(url, 'admin'); // auth.login: row 1
    for (let i = 0; i < 24; i++) expect((await admin.get('/api/audit?limit=1')).status).toBe(200); // audit.read: rows 2–25
    for (let i = 0; i < 100 && (await store.listAuditCheckpoints()).length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    expect((await store.listAuditCheckpoints()).map((c) => c.seq)).toEqual([10, 20]); // every 10 rows
    const live = await admin.get('/api/audit/verify');
    expect(live.body).toMatchObject({ ok: true, count: 25, headSeq: 25, checkpoints: 2, latestCheckpoint: { seq: 20 }, unsealedRows: 5, problems: [] });
    await server.close(); // signs the head: nothing can be cut unseen after a clean stop
    const ok = await verify();
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toContain('audit log OK: 25 entries chain; 3 signed checkpoint(s), latest at seq 25; 0 row(s) after it not signed yet');

    const other = await mkdtemp(join(tmpdir(), 'argus-other-key-'));
    cleanup.push(() => rm(other, { recursive: true, force: true }));
    await writeFile(join(other, 'audit.pub.pem'), (await loadOrCreateKeyPair(other, 'audit')).publicKeyPem);
    const wrong = await verify('--public-key', join(other, 'audit.pub.pem'));
    expect(wrong.code, wrong.out).toBe(1);
    expect(wrong.out).toMatch(/signature: checkpoint seq 10 \(database and anchor\) is signed by key [0-9a-f]{16}, not by the audit key [0-9a-f]{16}/);
  }, 120_000);

  it('fails a cut tail: the chain ends before the latest signed checkpoint', async () => {
    const store = await openStore();
    await rawSql(store)('delete from audit_log where seq > 22');
    await rawSql(store)('delete from audit_checkpoints where seq > 22');
    expect(await store.verifyAuditChain()).toMatchObject({ ok: true, count: 22 }); // the old check: OK
    await store.close();
    const r = await verify();
    expect(r.code, r.out).toBe(1);
    expect(r.out).toContain('tail: the chain ends at seq 22 before signed checkpoint seq 25: 3 row(s) missing after seq 22');
  }, 60_000);

  it('fails a rewritten row with a recomputed chain: signature mismatch at the checkpoint after it; the service signs no more', async () => {
    const store = await openStore();
    const exec = rawSql(store);
    await exec(`update audit_log set actor = 'someone-else' where seq = 3`);
    await recomputeChain({ store, exec, concurrentStores: false, reopen: () => Promise.reject(new Error('unused')), dispose: () => Promise.resolve() });
    expect(await store.verifyAuditChain()).toMatchObject({ ok: true, count: 22 }); // the old check: OK
    const { server, url } = await serve(store);
    const admin = await TestClient.login(url, 'admin');
    const api = await admin.get('/api/audit/verify');
    expect(api.body).toMatchObject({ ok: false, brokenAtSeq: 10, reason: expect.stringContaining('signature mismatch at checkpoint seq 10') });
    expect(api.body.problems.map((p: { check: string; seq: number }) => [p.check, p.seq])).toEqual([['checkpoint', 10], ['checkpoint', 20], ['tail', 23]]);
    await server.close(); // the shutdown checkpoint refuses to sign a chain that no longer reaches its signed head
    const r = await verify();
    expect(r.code, r.out).toBe(1);
    expect(r.out).toContain("checkpoint: signature mismatch at checkpoint seq 10: the chain's hash there is not the signed head hash");
    const after = await openStore();
    expect((await after.listAuditCheckpoints()).map((c) => c.seq)).toEqual([10, 20]);
    await after.close();
  }, 60_000);

});
