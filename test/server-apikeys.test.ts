/**
 * Partner API keys against a real server: stored as the sha256 of the secret and nowhere the secret (every row of
 * every table, and the SQLite files, are searched); an area scope within the owner's, on every request; an expiry;
 * dead once the owner is disabled or deleted.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TestClient, TEST_PASSWORD, type TestServer } from '../src/server/testing/harness.js';
import type { PostgresStore } from '../src/store/postgres/index.js';
import { testDialects } from '../src/store/postgres/testing-db.js';

// SQLite always; PostgreSQL where it answers, and required on CI (a dropped run fails there: see testDialects).
const pgSkip = (await testDialects('server-apikeys')).includes('postgres') ? null : 'PostgreSQL unreachable';

const DAY = 86_400_000;
const T0 = Date.now() - 3_600_000;

/** Every row of every table of the service's database, each as one line of text. */
async function everyRow(t: TestServer, dialect: 'sqlite' | 'postgres'): Promise<string[]> {
  const lines: string[] = [];
  if (dialect === 'sqlite') {
    const db = new Database(join(t.dataDir, 'argus.db'), { readonly: true });
    try {
      const tables = db.prepare(`select name from sqlite_master where type = 'table'`).all() as Array<{ name: string }>;
      for (const { name } of tables) for (const row of db.prepare(`select * from "${name}"`).all()) lines.push(`${name} ${JSON.stringify(row)}`);
    } finally {
      db.close();
    }
  } else {
    const pool = (t.store as PostgresStore).pool;
    const tables = await pool.query<{ table_name: string }>(`select table_name from information_schema.tables where table_schema = 'public'`);
    for (const { table_name: name } of tables.rows) for (const row of (await pool.query(`select * from "${name}"`)).rows) lines.push(`${name} ${JSON.stringify(row)}`);
  }
  return lines;
}

const seedArea = async (t: TestServer): Promise<void> => {
  await t.store.upsertSite({ id: 'dn', name: 'Đà Nẵng', timeZone: 'Asia/Ho_Chi_Minh', district: null, ward: null, location: null });
  for (const [id, district] of [['cam-a', 'Hải Châu'], ['cam-b', 'Sơn Trà']] as const) {
    await t.store.upsertCamera({ id, siteId: 'dn', name: id, kind: 'gateway', url: 'rtsp://10.0.0.1/x', enabled: true, location: null, zones: { area: { district } }, rules: [], updatedAtMs: T0 });
  }
  const s = (id: string, cameraId: string) => ({ id, cameraId, atMs: T0, plateKey: '43A12345', display: '43A-123.45', confidence: 0.9, category: 'white', cls: 'car', trackId: 1, direction: null, cropRef: null });
  await t.store.insertSightings([s('s-a', 'cam-a'), s('s-b', 'cam-b')]);
};

const keyClient = (t: TestServer, secret: string): TestClient => {
  const c = new TestClient(t.url);
  c.bearer = secret;
  return c;
};
const seen = async (c: TestClient): Promise<string[]> => {
  const r = await c.get('/api/plates/search?q=43A-123.45');
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.items.map((h: { id: string }) => h.id).sort();
};

describe.each(['sqlite', 'postgres'] as const)('API keys at rest over %s', (dialect) => {
  const skip = dialect === 'postgres' && pgSkip !== null;
  let t: TestServer;
  beforeAll(async () => {
    if (!skip) t = await startTestServer(dialect);
  }, 60_000);
  afterAll(async () => {
    await t?.dispose();
  });

  it.skipIf(skip)('stores the sha256 of the secret that the lookup needs, and the secret nowhere; an altered hash no longer authenticates', async () => {
    const admin = await TestClient.login(t.url, 'admin');
    const made = await admin.post('/api/apikeys', { name: 'Công an tỉnh Quảng Nam', scopes: ['plates.search'] });
    expect(made.status).toBe(200);
    const secret: string = made.body.secret;
    const partner = keyClient(t, secret);
    expect((await partner.get('/api/plates/search?q=43A12345')).status).toBe(200);
    const [stored] = (await t.store.listApiKeys()).filter((k) => k.id === made.body.id);
    expect(stored!.keyHash).toBe(createHash('sha256').update(secret).digest('hex'));
    // The secret, or its random part, in no row of any table (the audit of its creation and use included)...
    const body = secret.slice('argus_'.length);
    const rows = await everyRow(t, dialect);
    // (The scan sees the key's row, the users, and the audit of the key's creation.)
    expect(rows.filter((l) => l.startsWith('api_keys ') && l.includes(stored!.keyHash))).toHaveLength(1);
    expect(rows.filter((l) => l.startsWith('users ')).length).toBeGreaterThanOrEqual(7);
    expect(rows.some((l) => l.startsWith('audit_log ') && l.includes('apikey.create'))).toBe(true);
    expect(rows.filter((l) => l.includes(body) || l.includes(secret.slice(0, 24)))).toEqual([]);
    // ...and, for SQLite, in no byte of the database files (the WAL included).
    if (dialect === 'sqlite') {
      for (const f of (await readdir(t.dataDir)).filter((n) => n.startsWith('argus.db'))) {
        expect((await readFile(join(t.dataDir, f))).includes(Buffer.from(body)), f).toBe(false);
      }
    }
    // The stored hash is what authenticates: alter it, and the same secret is refused.
    const altered = stored!.keyHash.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    await t.exec(`UPDATE api_keys SET key_hash = '${altered}' WHERE id = '${stored!.id}'`);
    const refused = await partner.get('/api/plates/search?q=43A12345');
    expect(refused.status).toBe(401);
    await t.exec(`UPDATE api_keys SET key_hash = '${stored!.keyHash}' WHERE id = '${stored!.id}'`);
    expect((await partner.get('/api/plates/search?q=43A12345')).status).toBe(200);
  });
});

describe('API keys: area, expiry, owner', () => {
  let t: TestServer;
  let admin: TestClient;
  beforeAll(async () => {
    t = await startTestServer('sqlite');
    await seedArea(t);
    admin = await TestClient.login(t.url, 'admin');
    for (const [username, district] of [['admin-sontra', 'Sơn Trà'], ['admin-two', null]] as const) {
      const u = await admin.post('/api/users', { username, password: TEST_PASSWORD, roles: ['admin'], ...(district ? { scope: { districts: [district] } } : {}) });
      expect(u.status).toBe(200);
    }
  }, 60_000);
  afterAll(async () => {
    await t?.dispose();
  });

  it("gives a key its area, which never reaches beyond its owner's", async () => {
    const sontra = await TestClient.login(t.url, 'admin-sontra');
    const make = (scope?: object, scopes = ['plates.search']) => sontra.post('/api/apikeys', { name: 'Đối tác', scopes, ...(scope ? { scope } : {}) });
    for (const wider of [{}, { districts: ['Hải Châu'] }, { districts: ['Sơn Trà', 'Hải Châu'] }, { cameraIds: ['cam-a'] }, { wards: ['Phước Mỹ'] }]) {
      const r = await make(wider);
      expect(r.status, JSON.stringify(wider)).toBe(403);
    }
    // No scope given: the owner's own. A camera inside the owner's district: allowed.
    const own = await make();
    expect(own.status).toBe(200);
    expect(own.body.scope).toEqual({ districts: ['Sơn Trà'] });
    expect(await seen(keyClient(t, own.body.secret))).toEqual(['s-b']);
    const camB = await make({ cameraIds: ['cam-b'] });
    expect(camB.status).toBe(200);
    expect(await seen(keyClient(t, camB.body.secret))).toEqual(['s-b']);
    // An unrestricted admin may make a narrow key: it sees only its camera (before, every key saw everything).
    const camA = await admin.post('/api/apikeys', { name: 'Camera A', scopes: ['plates.search'], scope: { cameraIds: ['cam-a'] } });
    expect(await seen(keyClient(t, camA.body.secret))).toEqual(['s-a']);
    expect((await t.store.listApiKeys()).find((k) => k.id === camA.body.id)?.scope).toEqual({ cameraIds: ['cam-a'] });
    // An ingest key must name where it posts.
    expect((await admin.post('/api/apikeys', { name: 'Edge', scopes: ['ingest.write'] })).status).toBe(400);
    // The owner's area narrows later: the key, now wider than its owner, stops.
    const sontraId = (await t.store.getUserByUsername('admin-sontra'))!.id;
    expect((await admin.request('PATCH', `/api/users/${sontraId}`, { scope: { cameraIds: ['cam-b'] } })).status).toBe(200);
    expect((await keyClient(t, own.body.secret).get('/api/plates/search?q=43A12345')).status).toBe(403);
    expect(await seen(keyClient(t, camB.body.secret))).toEqual(['s-b']);
  });

  it('gives every key an expiry (90 days by default, at most 366) and refuses an expired one', async () => {
    const now = Date.now();
    const dflt = await admin.post('/api/apikeys', { name: 'Mặc định', scopes: ['plates.search'] });
    expect(dflt.body.expiresAtMs).toBeGreaterThanOrEqual(now + 90 * DAY - 60_000);
    expect(dflt.body.expiresAtMs).toBeLessThanOrEqual(Date.now() + 90 * DAY);
    for (const expiresAtMs of [now - 1000, now + 400 * DAY]) {
      expect((await admin.post('/api/apikeys', { name: 'x', scopes: ['plates.search'], expiresAtMs })).status).toBe(400);
    }
    expect((await admin.post('/api/apikeys', { name: 'x', scopes: ['plates.search'], expiresAtMs: null })).status).toBe(400);
    const c = keyClient(t, dflt.body.secret);
    expect((await c.get('/api/plates/search?q=43A12345')).status).toBe(200);
    await t.exec(`UPDATE api_keys SET expires_at_ms = ${Date.now() - 1} WHERE id = '${dflt.body.id}'`);
    expect((await c.get('/api/plates/search?q=43A12345')).status).toBe(401);
    // A key with no expiry at all (written around the API) is refused too.
    await t.exec(`UPDATE api_keys SET expires_at_ms = NULL WHERE id = '${dflt.body.id}'`);
    expect((await c.get('/api/plates/search?q=43A12345')).status).toBe(401);
  });

  it('stops a key at once when its owner is disabled or loses the permission, and revokes it when the owner is deleted', async () => {
    const two = await TestClient.login(t.url, 'admin-two');
    const made = await two.post('/api/apikeys', { name: 'Của admin-two', scopes: ['plates.search'] });
    expect(made.status).toBe(200);
    const c = keyClient(t, made.body.secret);
    const search = async () => (await c.get('/api/plates/search?q=43A12345')).status;
    expect(await search()).toBe(200);
    const id = (await t.store.getUserByUsername('admin-two'))!.id;
    const patch = (body: object) => admin.request('PATCH', `/api/users/${id}`, body);
    expect((await patch({ disabled: true })).status).toBe(200);
    expect(await search()).toBe(401);
    expect((await patch({ disabled: false })).status).toBe(200);
    expect(await search()).toBe(200);
    // Demoted to viewer: a viewer may not search plates, nor may the key.
    expect((await patch({ roles: ['viewer'] })).status).toBe(200);
    expect(await search()).toBe(403);
    expect((await patch({ roles: ['admin'] })).status).toBe(200);
    expect(await search()).toBe(200);
    expect((await admin.request('DELETE', `/api/users/${id}`)).status).toBe(200);
    expect(await search()).toBe(401);
    expect((await t.store.listApiKeys()).find((k) => k.id === made.body.id)?.revokedAtMs).not.toBeNull();
    const audit = (await t.store.listAudit({ action: 'user.delete' })).items.at(-1);
    expect(audit?.details).toMatchObject({ keysRevoked: 1 });
  });
});
