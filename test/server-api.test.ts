import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { newKeys, writeSpeedingEvidence } from '../src/evidence/testing/fixture.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from '../src/core/ids.js';
import type { PlateReadEvent } from '../src/core/plate.js';
import { box } from '../src/core/box.js';
import type { ViolationEvent } from '../src/core/violation.js';
import { ROLES, type Role } from '../src/server/rbac.js';
import { watchAlertId } from '../src/server/ingest.js';
import { ROUTE_CLASSES, routeKey, routeSecurityTable } from '../src/server/route-classes.js';
import { startTestServer, TestClient, type TestServer } from '../src/server/testing/harness.js';
import { testDialects } from '../src/store/postgres/testing-db.js';
import { REPO_ROOT } from './assets.js';
import { ENDPOINT_MATRIX, MATRIX_ROLES, SEES } from './role-matrix.fixture.js';
import { sse, waitFor } from './sse-client.js';

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

  it('throttles an address after five wrong passwords for a username, even against the right one, and audits the failures', async () => {
    await as('admin').post('/api/users', { username: 'locky', password: 'locky-password-1', roles: ['viewer'] });
    const c = new TestClient(t.url);
    for (let i = 0; i < 5; i++) expect((await c.post('/api/auth/login', { username: 'locky', password: 'wrong-password' })).status).toBe(401);
    const locked = await c.post('/api/auth/login', { username: 'locky', password: 'locky-password-1' });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('rate_limited');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    const failed = await t.store.listAudit({ action: 'auth.login_failed' });
    expect(failed.items.filter((a) => a.target === 'locky').length).toBe(6);
  });

  it('answers each role as the hand-written matrix says, per data class (200 or the validation answer vs 403)', async () => {
    for (const [method, path, okStatus, mask] of ENDPOINT_MATRIX) {
      for (const [i, role] of MATRIX_ROLES.entries()) {
        const allowed = mask[i] !== '-';
        let status: number;
        if (path === '/api/live') {
          const ctl = new AbortController();
          status = (await fetch(t.url + path, { headers: { cookie: as(role).cookie }, signal: ctl.signal })).status;
          ctl.abort();
        } else {
          // A write gets an invalid body: an allowed role passes the permission check and stops at validation.
          status = (await as(role).request(method, path, method === 'GET' || method === 'DELETE' ? undefined : method === 'POST' && path.endsWith('/ack') ? {} : { zz: 1 })).status;
        }
        expect(status, `${role} ${method} ${path}`).toBe(allowed ? okStatus : 403);
      }
    }
  });

  it('classifies every route by the data it serves, and docs/security.md shows the current route table', async () => {
    const docs = t.server.ctx.router.docs;
    expect(docs.map(routeKey).filter((k) => !ROUTE_CLASSES[k])).toEqual([]);
    expect(Object.keys(ROUTE_CLASSES).filter((k) => !docs.some((d) => routeKey(d) === k))).toEqual([]);
    const md = await readFile(join(REPO_ROOT, 'docs/security.md'), 'utf8');
    expect(md, 'regenerate it: npx tsx src/server/testing/security-doc.ts').toContain(routeSecurityTable(docs));
  });

  it('lets an API key do what its scopes allow, within its rate limit', async () => {
    const k = await as('admin').post('/api/apikeys', { name: 'Công an tỉnh Quảng Nam', scopes: ['plates.search'], rateLimitPerMin: 3 });
    expect(k.status).toBe(200);
    const partner = new TestClient(t.url);
    partner.bearer = k.body.secret;
    expect((await partner.get('/api/plates/search?q=43A12345')).status).toBe(200);
    expect((await partner.get('/api/plates/trace?plate=43A12345')).status).toBe(403);
    expect((await partner.get('/api/events')).status).toBe(403);
    const limited = await partner.get('/api/plates/search?q=43A12345');
    expect(limited.status).toBe(429);
    // The client is told when to come back (the key's one-minute window).
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    partner.bearer = 'argus_notarealkeynotarealkey';
    expect((await partner.get('/api/plates/search?q=43A12345')).status).toBe(401);
    // How the key is kept at rest is tested in server-apikeys.test.ts (every row of every table scanned).
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
    // Reading a list's entries (plates and notes) is audited.
    expect((await t.store.listAudit({ action: 'watchlist.view' })).items.map((a) => a.target)).toContain(created.body.id);
    expect((await t.store.listUsers()).length).toBe(before.users);
    expect((await t.store.verifyAuditChain()).ok).toBe(true);
  });

  it('never serves a secret outside the data folder to a path traversal, on every route that opens files', async () => {
    // A server of its own, with real files in every folder a route reads, and the secret one level above them all.
    const base = await mkdtemp(join(tmpdir(), 'argus-traversal-'));
    const SECRET = `argus-secret-${ulid()}`;
    const data = join(base, 'data');
    const web = join(base, 'web');
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#c00' } }).jpeg().toBuffer();
    // Names every route's pattern accepts, so only the folder can keep them out; the JPEG carries the secret after its end.
    for (const name of ['secret.txt', '20260101T000000Z.mp4', 'seg1.ts', 'manifest.json', 'index.html']) await writeFile(join(base, name), SECRET);
    await writeFile(join(base, 'secret.jpg'), Buffer.concat([jpeg, Buffer.from(SECRET)]));
    await mkdir(join(data, 'recordings', 'cam-a'), { recursive: true });
    await writeFile(join(data, 'recordings', 'cam-a', '20261120T080000Z.mp4'), 'a real recording');
    // A real signed package: the notice prints only from a package that verifies.
    await writeSpeedingEvidence(join(data, 'evidence'), await newKeys(), 'pkg');
    const manifest = await readFile(join(data, 'evidence', 'pkg', 'manifest.json'), 'utf8');
    await mkdir(join(data, 'crops', '2026-11-20'), { recursive: true });
    await writeFile(join(data, 'crops', '2026-11-20', 's-ok.jpg'), jpeg);
    await mkdir(join(web, 'assets'), { recursive: true });
    await writeFile(join(web, 'index.html'), '<!doctype html><title>Argus</title>');
    await writeFile(join(web, 'assets', 'app.js'), 'console.log(1)');
    const t2 = await startTestServer(dialect, { footage: { dataDir: data }, webRoot: web });
    try {
      await seed(t2);
      const e = (id: string, violationId: string, kind: string, path: string) => ({ id, violationId, eventId: null, kind, path, sha256: '', bytes: 0, createdAtMs: T0 });
      await t2.store.putEvidence(e('pkg', 'v2', 'manifest', 'pkg'));
      for (const [id, path] of [['up1', 'pkg'], ['up2', 'pkg']] as const) await t2.store.putEvidence(e(id, 'v1', 'composite', path));
      // The store refuses `..`; a tampered database may hold it all the same.
      await t2.exec(`UPDATE evidence SET path = '../secret.jpg' WHERE id = 'up1'`);
      await t2.exec(`UPDATE evidence SET path = '../../secret.jpg' WHERE id = 'up2'`);
      const sighting = (id: string, cropRef: string) => ({ id, cameraId: 'cam-a', atMs: T0, plateKey: '43A12345', display: '43A-123.45', confidence: 0.9, category: 'white', cls: 'car', trackId: 1, direction: null, cropRef });
      await t2.store.insertSightings([sighting('s-ok', '2026-11-20/s-ok.jpg'), sighting('s-up', '2026-11-20/s-ok.jpg')]);
      await t2.exec(`UPDATE sightings SET crop_ref = '../../secret.jpg' WHERE id = 's-up'`);
      const admin = await TestClient.login(t2.url, 'admin');
      const get = (path: string) => rawGet(t2.url, path, admin.cookie);

      // Each route really reads files from its folder (so a traversal would reach one).
      for (const [path, body] of [
        ['/api/recordings/cam-a/20261120T080000Z.mp4', 'a real recording'], ['/api/violations/v2/evidence/pkg/files/manifest.json', manifest],
        ['/assets/app.js', 'console.log(1)'], ['/', '<!doctype html><title>Argus</title>'],
      ] satisfies Array<[string, string]>) expect(await get(path), path).toMatchObject({ status: 200, body });
      expect((await get('/api/sightings/s-ok/crop.jpg')).status).toBe(200);
      expect((await get('/api/violations/v2/notice.pdf')).status).toBe(200);

      const ups = ['..%2F', '..%2f', '%2e%2e%2f', '%2E%2E/', '..%5C', '%252e%252e%252f', '..%c0%af', '....//', '..;/', '../', '.%2e/', '%2e%2e%5c'];
      const names = ['secret.txt', '20260101T000000Z.mp4', 'seg1.ts', 'manifest.json', 'secret.jpg', 'index.html', 'secret.txt%00.mp4'];
      const walks = ups.flatMap((up) => [1, 2, 3, 4].flatMap((depth) => names.map((n) => up.repeat(depth) + n)));
      const routes = [
        (w: string) => `/api/recordings/cam-a/${w}`, (w: string) => `/api/recordings/${w}`, (w: string) => `/api/recordings/${w}/20261120T080000Z.mp4`,
        (w: string) => `/api/cameras/cam-a/hls/${w}`, (w: string) => `/api/violations/v2/evidence/${w}`, (w: string) => `/api/violations/v2/evidence/pkg/files/${w}`,
        (w: string) => `/api/sightings/${w}/crop.jpg`, (w: string) => `/api/violations/${w}/notice.pdf`, (w: string) => `/${w}`, (w: string) => `/assets/${w}`,
      ];
      let tried = 0;
      const paths = routes.flatMap((route) => walks.map(route));
      for (let i = 0; i < paths.length; i += 16) {
        const batch = paths.slice(i, i + 16);
        for (const [j, r] of (await Promise.all(batch.map(get))).entries()) {
          tried++;
          expect(r.body, batch[j]).not.toContain(SECRET);
          expect(r.status, batch[j]).toBeLessThan(500);
        }
      }
      // Stored paths leading out: the evidence files, the sighting's crop, the notice's images.
      for (const path of ['/api/violations/v1/evidence/up1', '/api/violations/v1/evidence/up2', '/api/sightings/s-up/crop.jpg']) {
        const r = await get(path);
        tried++;
        expect([r.status, r.body.includes(SECRET)], path).toEqual([404, false]);
      }
      expect((await get('/api/violations/v1/notice.pdf')).status).toBe(200);
      const notices = (await t2.store.listAudit({ action: 'export.notice' })).items.map((a) => [a.target, (a.details as { images?: number }).images]);
      expect(notices.sort()).toEqual([['v1', 0], ['v2', 2]]); // v2: its package's composite and moment; v1's image paths lead outside: none read
      expect(tried).toBe(routes.length * walks.length + 3);
    } finally {
      await t2.dispose();
      await rm(base, { recursive: true, force: true });
    }
  }, 120_000);

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
    // Every operation says what it answers (src/contract): a JSON schema, or the media types of a file or stream.
    const ops = Object.values(doc.paths as Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>).flatMap((p) => Object.values(p));
    expect(ops.length).toBeGreaterThan(50);
    for (const op of ops) expect(Object.keys(op.responses['200']?.content ?? {}).length).toBeGreaterThan(0);
    const events = doc.paths['/api/events'].get.responses['200'].content['application/json'].schema;
    expect(JSON.stringify(events)).toContain('"redacted"');
    expect(Object.keys(doc.paths['/api/violations.csv'].get.responses['200'].content)).toEqual(['text/csv']);
    expect(doc.components.schemas.JsonValue).toBeDefined();
  });

  it('serves each role the data fields of the classes it reads: no plate text to a viewer from events, one event, live or alerts', async () => {
    const since = Date.now();
    // Real records through the ingest path: a watch list, then a plate read that hits it, and a violation with its plate.
    const list = await as('admin').post('/api/watchlists', { name: 'Xe tang vật', severity: 'critical' });
    const entry = await as('admin').post(`/api/watchlists/${list.body.id}/entries`, { entries: [{ pattern: '51F-777.88', note: 'nghi vấn buôn lậu' }] });
    const streams = new Map(MATRIX_ROLES.filter((r) => SEES[r] !== 'forbidden').map((r) => [r, sse(`${t.url}/api/live`, as(r).cookie)]));
    for (const s of streams.values()) expect(await s.status).toBe(200);
    const read: PlateReadEvent = {
      id: `pr${ulid()}`, cameraId: 'cam-c', atMs: Date.now(), ptsSec: 1, kind: 'plate.read', trackId: 9, cls: 'car', reads: 4, direction: 'pos',
      read: { plate: '51F77788', display: '51F-777.88', confidence: 0.95, category: 'private', lines: ['51F', '77788'] },
    };
    const violation: ViolationEvent = {
      id: `vi${ulid()}`, cameraId: 'cam-c', atMs: Date.now(), ptsSec: 2, kind: 'violation', violation: 'red_light', ruleId: 'red', ruleKind: 'red_light',
      trackId: 9, cls: 'car', box: box(1, 2, 3, 4), plate: '43A-999.01', measurements: { signal: 'red' }, params: {},
    };
    await t.server.ctx.ingest.handleMany([read, violation]);
    const hitId = watchAlertId(read.id, entry.body.items[0].id);
    // Plate text of any kind: keys and display forms of every plate read so far, watch-list names, patterns and notes.
    const plateText = /51F-?777\.?88|51G-?888|nghi vấn|trộm cắp|Xe tang vật|Xe bị truy nã/;
    const violationPlate = /43A-?999\.?01/;
    let investigatorReads = 0;
    for (const role of [...MATRIX_ROLES].reverse()) {
      const sees = SEES[role];
      const c = as(role);
      const reads = await c.get('/api/events?kinds=plate.read&limit=1000');
      const one = await c.get(`/api/events/${read.id}`);
      const violations = await c.get('/api/events?kinds=violation');
      const alerts = await c.get('/api/alerts?kinds=watchlist_hit&limit=1000');
      if (sees === 'forbidden') {
        expect([reads.status, one.status, violations.status, alerts.status], role).toEqual([403, 403, 403, 403]);
        continue;
      }
      if (role === 'investigator') investigatorReads = reads.body.items.length;
      expect(reads.body.items.map((e: { id: string }) => e.id), role).toContain(read.id);
      expect(reads.body.items.every((e: { payload: { cls: string } }) => e.payload.cls === 'car'), role).toBe(true);
      expect(plateText.test(JSON.stringify(reads.body)), `${role} plate reads`).toBe(sees.plate);
      expect(reads.body.items.every((e: { redacted?: boolean }) => (e.redacted === true) === !sees.plate), role).toBe(true);
      expect(one.body).toMatchObject({ id: read.id, kind: 'plate.read', cameraId: 'cam-c', payload: { trackId: 9, direction: 'pos' } });
      expect(plateText.test(JSON.stringify(one.body)), `${role} one plate read`).toBe(sees.plate);
      const v = violations.body.items.find((e: { id: string }) => e.id === violation.id);
      expect(v.payload, role).toMatchObject({ violation: 'red_light', measurements: { signal: 'red' } });
      expect(violationPlate.test(JSON.stringify(v)), `${role} violation event`).toBe(sees.violationPlate);
      expect(alerts.body.items.find((a: { id: string }) => a.id === hitId), role).toMatchObject({ kind: 'watchlist_hit', severity: 'critical', cameraId: 'cam-c' });
      expect(plateText.test(JSON.stringify(alerts.body)), `${role} alerts`).toBe(sees.watch);
      if (!sees.watch) expect(alerts.body.items.every((a: { message: string; payload: object; redacted?: boolean }) => a.redacted && a.message === '' && Object.keys(a.payload).length === 0), role).toBe(true);
    }
    // The live push: each stream got the plate read, the violation and the hit, as its role may read them.
    for (const [role, s] of streams) {
      const sees = SEES[role] as Exclude<(typeof SEES)[Role], 'forbidden'>;
      await waitFor(`${role}: the plate read, the violation and the hit on the live stream`, () => s.messages.filter((m) => m.event === 'event' || m.event === 'alert').length >= 3, 5000);
      s.close();
      expect(s.messages.find((m) => m.event === 'event' && m.data.id === read.id)!.data.redacted === true, role).toBe(!sees.plate);
      expect(s.messages.find((m) => m.event === 'event' && m.data.id === violation.id)!.data.violation, role).toBe('red_light');
      expect(s.messages.find((m) => m.event === 'alert')!.data, role).toMatchObject({ id: hitId, kind: 'watchlist_hit', severity: 'critical' });
      expect(plateText.test(s.raw()), `${role} live plate text`).toBe(sees.plate);
      expect(violationPlate.test(s.raw()), `${role} live violation plate`).toBe(sees.violationPlate);
    }
    // Plates served outside a search are audited: one row per request with the count, one per live stream carrying them.
    const views = (await t.store.listAudit({ action: 'plate.view', fromMs: since, limit: 1000 })).items;
    const byActor = (role: Role) => views.filter((a) => (a.details as { username?: string }).username === role).map((a) => ({ target: a.target, ...(a.details as { via: string; rows?: number }) }));
    expect(byActor('viewer')).toEqual([]);
    const inv = byActor('investigator');
    expect(inv.map((a) => a.via).sort()).toEqual(['alerts', 'events', 'events', 'events', 'live']);
    expect(inv.find((a) => a.via === 'events' && a.target === read.id)?.rows).toBe(1);
    expect(inv.some((a) => a.via === 'events' && a.target === null && a.rows === investigatorReads)).toBe(true);
    expect(byActor('reviewer').map((a) => a.via).sort()).toEqual(['events', 'live']);
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

/** GET a path exactly as written (fetch would resolve `..` and `%2e%2e` before sending it). */
function rawGet(base: string, path: string, cookie: string): Promise<{ status: number; body: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port, path, method: 'GET', headers: { cookie } }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
