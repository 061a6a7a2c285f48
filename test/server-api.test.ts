import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from '../src/core/ids.js';
import type { PlateReadEvent } from '../src/core/plate.js';
import { ROLE_PERMISSIONS, ROLES } from '../src/server/rbac.js';
import { startTestServer, TestClient, type TestServer } from '../src/server/testing/harness.js';
import { testDialects } from '../src/store/postgres/testing-db.js';
import { REPO_ROOT } from './assets.js';

/** API tests against a real server on a random port, over each store that is reachable here. */
const dialects = await testDialects('server-api');

const T0 = Date.UTC(2026, 10, 20, 8, 0, 0);

async function seed(t: TestServer): Promise<void> {
  const s = t.store;
  await s.upsertSite({ id: 'danang', name: 'Đà Nẵng', timeZone: 'Asia/Ho_Chi_Minh', district: null, ward: null, location: null });
  const cam = (id: string, lat: number, lng: number, district: string) => ({
    id, siteId: 'danang', name: `Camera ${id}`, kind: 'intersection', url: `rtsp://user:secret@10.0.0.1/${id}`, enabled: true,
    location: { lat, lng }, zones: { area: { district } }, rules: [], updatedAtMs: T0,
  });
  await s.upsertCamera(cam('cam-a', 16.06, 108.21, 'Hải Châu'));
  await s.upsertCamera(cam('cam-b', 16.07, 108.24, 'Sơn Trà'));
  await s.upsertCamera(cam('cam-c', 16.08, 108.25, 'Sơn Trà'));
  const sighting = (id: string, cameraId: string, atMs: number, plateKey: string) => ({
    id, cameraId, atMs, plateKey, display: plateKey, confidence: 0.9, category: 'white', cls: 'car', trackId: 1, direction: null, cropRef: null,
  });
  await s.insertSightings([
    sighting('s1', 'cam-a', T0, '43A12345'),
    sighting('s2', 'cam-b', T0 + 60_000, '43A12345'),
    sighting('s3', 'cam-c', T0 + 120_000, '43A12345'),
    sighting('s4', 'cam-a', T0 + 30_000, '43A12346'),
    sighting('s5', 'cam-b', T0 + 90_000, '92B56789'),
  ]);
  await s.insertEvents(Array.from({ length: 5 }, (_, i) => ({ id: `e${i}`, cameraId: i % 2 ? 'cam-a' : 'cam-b', atMs: T0 + i * 1000, kind: 'line.cross', payload: { i } })));
  await s.insertViolation({ id: 'v1', cameraId: 'cam-a', atMs: T0, kind: 'red_light', plateKey: '43A12345', plateDisplay: '43A-123.45', details: {} });
  await s.insertViolation({ id: 'v2', cameraId: 'cam-b', atMs: T0, kind: 'wrong_way', plateKey: null, plateDisplay: null, details: {} });
}

describe.each(dialects)('the API over %s', (dialect) => {
  let t: TestServer;
  const clients = new Map<string, TestClient>();
  const as = (role: string): TestClient => clients.get(role)!;

  beforeAll(async () => {
    t = await startTestServer(dialect);
    await seed(t);
    for (const role of ROLES) clients.set(role, await TestClient.login(t.url, role));
  }, 60_000);
  afterAll(async () => {
    await t?.dispose();
  });

  it('answers health without a session and 401 on every other API route', async () => {
    const anon = new TestClient(t.url);
    const health = await anon.get('/api/health');
    expect(health.status).toBe(200);
    expect(health.body.store).toBe(dialect);
    const guarded = t.server.ctx.router.docs.filter((d) => d.permission !== 'public');
    expect(guarded.length).toBeGreaterThan(30);
    for (const d of guarded) {
      const r = await anon.request(d.method, d.url.replace(/:[A-Za-z]+/g, 'x1'), d.method === 'GET' ? undefined : {});
      expect(r.status, `${d.method} ${d.url}`).toBe(401);
      expect(r.body.error.code).toBe('unauthorized');
    }
  });

  it('signs in with an HttpOnly SameSite=Strict cookie, requires the CSRF header and signs out', async () => {
    const c = new TestClient(t.url);
    const res = await c.post('/api/auth/login', { username: 'admin', password: 'test-password-123' });
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie().find((x) => x.startsWith('argus_session='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(res.body.csrfToken).toBe(c.csrf);
    const noCsrf = await c.request('POST', '/api/watchlists', { name: 'x' }, { csrf: false });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error.code).toBe('csrf');
    const wrongCsrf = await c.request('POST', '/api/watchlists', { name: 'x' }, { csrf: false, headers: { 'x-csrf-token': 'A'.repeat(32) } });
    expect(wrongCsrf.status).toBe(403);
    expect((await t.store.listWatchLists()).length).toBe(0);
    expect((await c.get('/api/auth/me')).body.username).toBe('admin');
    const again = await c.request('POST', '/api/auth/login', { username: 'admin', password: 'test-password-123' }, { csrf: false });
    expect(again.status).toBe(200);
    expect((await c.post('/api/auth/logout')).status).toBe(200);
    expect((await c.get('/api/auth/me')).status).toBe(401);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('locks an account after five wrong passwords, even against the right one, and audits the failures', async () => {
    await as('admin').post('/api/users', { username: 'locky', password: 'locky-password-1', roles: ['viewer'] });
    const c = new TestClient(t.url);
    for (let i = 0; i < 5; i++) expect((await c.post('/api/auth/login', { username: 'locky', password: 'wrong-password' })).status).toBe(401);
    const locked = await c.post('/api/auth/login', { username: 'locky', password: 'locky-password-1' });
    expect(locked.status).toBe(423);
    expect(locked.body.error.code).toBe('locked');
    const failed = await t.store.listAudit({ action: 'auth.login_failed' });
    expect(failed.items.filter((a) => a.target === 'locky').length).toBe(6);
  });

  it('gives each role exactly the endpoints of the RBAC table, 403 otherwise', async () => {
    const docs = t.server.ctx.router.docs.filter((d) => d.permission !== 'public' && d.permission !== 'authenticated');
    for (const role of ROLES) {
      const allowed = new Set<string>(ROLE_PERMISSIONS[role]);
      for (const d of docs) {
        const path = d.url.replace(/:[A-Za-z]+/g, 'zz-missing');
        if (d.url === '/api/live') {
          const ctl = new AbortController();
          const res = await fetch(t.url + path, { headers: { cookie: as(role).cookie }, signal: ctl.signal });
          ctl.abort();
          expect(res.status, `${role} ${d.method} ${d.url}`).toBe(allowed.has(d.permission) ? 200 : 403);
          continue;
        }
        // An invalid (empty) body: allowed roles get past the permission check and stop at validation.
        const r = await as(role).request(d.method, path, d.method === 'GET' || d.method === 'DELETE' ? undefined : { zz: 1 });
        if (allowed.has(d.permission)) expect([200, 400, 404], `${role} ${d.method} ${d.url}: ${JSON.stringify(r.body)}`).toContain(r.status);
        else expect(r.status, `${role} ${d.method} ${d.url}`).toBe(403);
      }
    }
  });

  it('lets an API key do what its scopes allow, within its rate limit', async () => {
    const k = await as('admin').post('/api/apikeys', { name: 'Công an tỉnh Quảng Nam', scopes: ['plates.search'], rateLimitPerMin: 3 });
    expect(k.status).toBe(200);
    const partner = new TestClient(t.url);
    partner.bearer = k.body.secret;
    expect((await partner.get('/api/plates/search?q=43A12345')).status).toBe(200);
    expect((await partner.get('/api/plates/trace?plate=43A12345')).status).toBe(403);
    expect((await partner.get('/api/events')).status).toBe(403);
    expect((await partner.get('/api/plates/search?q=43A12345')).status).toBe(429);
    partner.bearer = 'argus_notarealkeynotarealkey';
    expect((await partner.get('/api/plates/search?q=43A12345')).status).toBe(401);
    const stored = await t.store.listApiKeys();
    expect(stored.some((x) => x.keyHash === k.body.secret)).toBe(false);
  });

  it('refuses hostile input with a clear 4xx and changes no data', async () => {
    const admin = as('admin');
    const before = { users: (await t.store.listUsers()).length, lists: (await t.store.listWatchLists()).length, cams: (await t.store.listCameras()).length };
    const big = await admin.request('POST', '/api/watchlists', undefined, { raw: JSON.stringify({ name: 'x', description: 'y'.repeat(300_000) }) });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('body_too_large');
    const bad = await admin.request('POST', '/api/watchlists', undefined, { raw: '{"name": "x",' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_json');
    const extra = await admin.post('/api/watchlists', { name: 'x', isAdmin: true });
    expect(extra.status).toBe(400);
    expect(extra.body.error.message).toContain('isAdmin');
    for (const p of ['..%2F..%2Fetc%2Fpasswd', '..', '%2E%2E%2Fdata%2Fargus.db', 'a%00b']) {
      const r = await admin.get(`/api/cameras/${p}`);
      expect([400, 404], p).toContain(r.status);
      expect(JSON.stringify(r.body)).not.toContain('root:');
    }
    const trav = await admin.get('/..%2F..%2F..%2Fetc%2Fpasswd');
    expect(trav.status).toBe(404);
    expect(JSON.stringify(trav.body)).not.toContain('root:');
    const sqlPlate = await admin.get(`/api/plates/search?q=${encodeURIComponent("43A' OR 1=1 --")}`);
    expect(sqlPlate.status).toBe(400);
    const badCursor = await admin.get('/api/events?cursor=AAAA.BBBB');
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error.message).toContain('cursor');
    const badTime = await admin.get('/api/events?from=yesterday');
    expect(badTime.status).toBe(400);
    expect(await t.store.listUsers()).toHaveLength(before.users);
    expect(await t.store.listWatchLists()).toHaveLength(before.lists);
    expect(await t.store.listCameras()).toHaveLength(before.cams);

    const evil = "Robert'); DROP TABLE users;-- \" OR 1=1";
    const created = await admin.post('/api/watchlists', { name: evil, description: "'; DELETE FROM audit_log; --" });
    expect(created.status).toBe(200);
    const got = await admin.get(`/api/watchlists/${created.body.id}`);
    expect(got.body.name).toBe(evil);
    expect((await t.store.listUsers()).length).toBe(before.users);
    expect((await t.store.verifyAuditChain()).ok).toBe(true);
  });

  it('pages events with cursors and refuses a cursor of another query', async () => {
    const c = as('viewer');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r = await c.get(`/api/events?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(r.status).toBe(200);
      seen.push(...r.body.items.map((e: { id: string }) => e.id));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['e4', 'e3', 'e2', 'e1', 'e0']);
    const first = await c.get('/api/events?limit=2');
    const other = await c.get(`/api/events?limit=2&cameras=cam-a&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(other.status).toBe(400);
    const onlyA = await c.get('/api/events?cameras=cam-a&kinds=line.cross');
    expect(onlyA.body.items.map((e: { id: string }) => e.id)).toEqual(['e3', 'e1']);
  });

  it('searches plates in every mode and traces a plate as a timeline and a GeoJSON route, auditing both', async () => {
    const c = as('investigator');
    const exact = await c.get('/api/plates/search?q=43A-123.45');
    expect(exact.body.items.map((h: { id: string }) => h.id).sort()).toEqual(['s1', 's2', 's3']);
    const prefix = await c.get('/api/plates/search?q=43A1234&mode=prefix');
    expect(prefix.body.items.map((h: { id: string }) => h.id).sort()).toEqual(['s1', 's2', 's3', 's4']);
    const wild = await c.get(`/api/plates/search?q=${encodeURIComponent('92?56789')}&mode=wildcard`);
    expect(wild.body.items.map((h: { id: string }) => h.id)).toEqual(['s5']);
    const fuzzy = await c.get('/api/plates/search?q=43A12347&mode=fuzzy');
    expect(fuzzy.body.items.map((h: { id: string }) => h.id).sort()).toEqual(['s1', 's2', 's3', 's4']);
    const trace = await c.get('/api/plates/trace?plate=43A12345');
    expect(trace.status).toBe(200);
    expect(trace.body.timeline.map((s: { cameraId: string }) => s.cameraId)).toEqual(['cam-a', 'cam-b', 'cam-c']);
    expect(trace.body.route.geometry).toEqual({ type: 'LineString', coordinates: [[108.21, 16.06], [108.24, 16.07], [108.25, 16.08]] });
    const audit = await t.store.listAudit({ action: 'plate.search' });
    const mine = audit.items.filter((a) => a.target === '43A12347');
    expect(mine).toHaveLength(1);
    expect((mine[0]!.details as { ip: string; mode: string }).mode).toBe('fuzzy');
    expect((await t.store.listAudit({ action: 'plate.trace' })).items.length).toBeGreaterThan(0);
  });

  it('limits a district-scoped user to the cameras of that district', async () => {
    const admin = as('admin');
    const u = await admin.post('/api/users', { username: 'sontra', password: 'sontra-password', roles: ['investigator'], scope: { districts: ['Sơn Trà'] } });
    expect(u.status).toBe(200);
    const c = await TestClient.login(t.url, 'sontra', 'sontra-password');
    const hits = await c.get('/api/plates/search?q=43A12345');
    expect(hits.body.items.map((h: { cameraId: string }) => h.cameraId).sort()).toEqual(['cam-b', 'cam-c']);
    const cams = await c.get('/api/cameras');
    expect(cams.body.items.map((x: { id: string }) => x.id).sort()).toEqual(['cam-b', 'cam-c']);
    expect(JSON.stringify(cams.body)).not.toContain('secret');
    expect((await c.get('/api/cameras/cam-a')).status).toBe(404);
  });

  it('confirms and rejects violations with a reason and history, and audits each decision', async () => {
    const r = as('reviewer');
    expect((await r.post('/api/violations/v1/review', { decision: 'confirmed' })).status).toBe(400);
    const ok = await r.post('/api/violations/v1/review', { decision: 'confirmed', reason: 'Biển số rõ, đèn đỏ', expectedStatus: 'pending' });
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('confirmed');
    const stale = await r.post('/api/violations/v1/review', { decision: 'rejected', reason: 'again', expectedStatus: 'pending' });
    expect(stale.status).toBe(409);
    const rej = await r.post('/api/violations/v2/review', { decision: 'rejected', reason: 'Không thấy biển số' });
    expect(rej.body.status).toBe('rejected');
    const detail = await r.get('/api/violations/v1');
    expect(detail.body.history).toHaveLength(1);
    expect(detail.body.history[0].reason).toBe('Biển số rõ, đèn đỏ');
    const pending = await r.get('/api/violations?status=pending');
    expect(pending.body.items).toHaveLength(0);
    const reviews = (await t.store.listAudit({ action: 'violation.review' })).items;
    expect(reviews.map((a) => a.target).sort()).toEqual(['v1', 'v2']);
    expect((await t.store.listAudit({ action: 'evidence.view' })).items.some((a) => a.target === 'v1')).toBe(true);
    const exportsBefore = (await t.store.listAudit({ action: 'export.csv' })).items.length;
    const csv = await r.get('/api/violations.csv?status=confirmed');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(String(csv.body).trim().split('\r\n')).toEqual(['id,camera_id,time_utc,kind,plate,status', 'v1,cam-a,2026-11-20T08:00:00.000Z,red_light,43A-123.45,confirmed']);
    expect((await t.store.listAudit({ action: 'export.csv' })).items).toHaveLength(exportsBefore + 1);
  });

  it('raises a watch-list alert as soon as a matching plate is read', async () => {
    const inv = as('investigator');
    const list = await inv.post('/api/watchlists', { name: 'Xe bị truy nã', severity: 'critical' });
    const add = await inv.post(`/api/watchlists/${list.body.id}/entries`, { entries: [{ pattern: '51G-888.*', note: 'trộm cắp' }] });
    expect(add.status).toBe(200);
    const read: PlateReadEvent = {
      id: ulid(), cameraId: 'cam-b', atMs: Date.now(), ptsSec: 1, kind: 'plate.read', trackId: 7, cls: 'car', reads: 3,
      read: { plate: '51G88812', display: '51G-888.12', confidence: 0.93, category: 'private', lines: ['51G', '88812'] },
    };
    await t.server.ctx.ingest.handle(read);
    const alerts = await as('operator').get('/api/alerts?kinds=watchlist_hit');
    expect(alerts.body.items).toHaveLength(1);
    expect(alerts.body.items[0].severity).toBe('critical');
    const ack = await as('operator').post(`/api/alerts/${alerts.body.items[0].id}/ack`);
    expect(ack.body.acknowledgedBy).toBeTruthy();
    expect((await as('viewer').post(`/api/alerts/${alerts.body.items[0].id}/ack`)).status).toBe(403);
  });

  it('serves an OpenAPI document generated from the route schemas', async () => {
    const doc = (await as('viewer').get('/api/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    const review = doc.paths['/api/violations/{id}/review'].post;
    expect(review.requestBody.content['application/json'].schema.properties.decision.enum).toEqual(['confirmed', 'rejected']);
    expect(review['x-permission']).toBe('violations.review');
    expect(doc.paths['/api/events'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['from', 'to', 'cursor', 'cameras', 'kinds']));
  });

  it.runIf(dialect === 'sqlite')('argus audit verify passes, then fails at the first tampered row', async () => {
    const run = promisify(execFile);
    const cli = [join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs'), join(REPO_ROOT, 'src/cli/run.ts'), 'audit', 'verify', '--data', t.dataDir];
    const ok = await run(process.execPath, cli);
    expect(ok.stdout).toMatch(/audit log OK: \d+ entries/);
    const rows = (await t.store.listAudit({ action: 'plate.search' })).items;
    const victim = rows[0]!;
    await t.exec(`update audit_log set actor = 'someone-else' where seq = ${victim.seq}`);
    const err = await run(process.execPath, cli).then(() => null, (e: { code: number; stdout: string }) => e);
    expect(err?.code).toBe(1);
    expect(err?.stdout).toContain(`BROKEN at seq ${victim.seq}`);
  }, 30_000);
});
