import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TestClient, type TestServer } from '../src/server/testing/harness.js';
import { testDialects } from '../src/store/postgres/testing-db.js';

/** The partner ingest endpoint against a real server, over SQLite and (when reachable) PostgreSQL. */
/** The PostgreSQL run is skipped only where PostgreSQL is neither reachable nor required (see testDialects). */
const pgSkip = !(await testDialects('server-ingest')).includes('postgres');

// Reads must be recent (the API refuses them days old or in the future): an hour ago.
const T0 = Date.now() - 3_600_000;
const read = (id: string, plate: string, extra: Record<string, unknown> = {}) => ({ id, cameraId: 'partner-cam-1', atMs: T0, plate, confidence: 0.91, ...extra });
const camera = (id: string, district: string) => ({
  id, siteId: 'qn', name: id, kind: 'gateway', url: 'rtsp://10.0.0.9/anpr', enabled: true, location: null, zones: { area: { district } }, rules: [], updatedAtMs: Date.now(),
});

describe.each(['sqlite', 'postgres'] as const)('POST /api/ingest/sightings over %s', (dialect) => {
  const skip = dialect === 'postgres' && pgSkip;
  let t: TestServer;
  let admin: TestClient;
  let edge: TestClient;
  beforeAll(async () => {
    if (skip) return;
    t = await startTestServer(dialect);
    await t.store.upsertSite({ id: 'qn', name: 'Quảng Nam', timeZone: 'Asia/Ho_Chi_Minh', district: null, ward: null, location: null });
    for (const [id, district] of [['partner-cam-1', 'Tam Kỳ'], ['partner-cam-2', 'Tam Kỳ'], ['other-cam', 'Hội An']] as const) await t.store.upsertCamera(camera(id, district));
    admin = await TestClient.login(t.url, 'admin');
    // The key is tied to its cameras: partner-cam-1 and a camera id that does not exist (yet).
    const key = await admin.post('/api/apikeys', { name: 'Camera ANPR Công an huyện', scopes: ['ingest.write'], scope: { cameraIds: ['partner-cam-1', 'not-yet-cam'] }, rateLimitPerMin: 10_000 });
    expect(key.status, JSON.stringify(key.body)).toBe(200);
    edge = new TestClient(t.url);
    edge.bearer = key.body.secret;
  }, 60_000);
  afterAll(async () => {
    await t?.dispose();
  });

  it.skipIf(skip)('stores a batch, answers with its ids after the commit, and stores nothing twice when it is retried', async () => {
    const batch = { sightings: [read('edge-1', '30A-123.45'), read('edge-2', '29-B1 678.90', { cls: 'motorcycle', category: 'private' }), read('edge-3', '51g88812')] };
    const r = await edge.post('/api/ingest/sightings', batch);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ stored: 3, ids: ['edge-1', 'edge-2', 'edge-3'] });
    // Answered after the commit: readable right now, through another path.
    expect(await t.store.getSighting('edge-1')).toMatchObject({ plateKey: '30A12345', display: '30A-123.45', cameraId: 'partner-cam-1' });
    expect(await t.store.getSighting('edge-2')).toMatchObject({ plateKey: '29B167890', cls: 'motorcycle' });
    expect((await t.store.getEvent('edge-3'))?.kind).toBe('plate.read');
    const again = await edge.post('/api/ingest/sightings', batch);
    expect(again.status).toBe(200);
    expect((await t.store.listSightings({ cameraIds: ['partner-cam-1'] })).items).toHaveLength(3);
    expect((await t.store.listEvents({ cameraIds: ['partner-cam-1'] })).items).toHaveLength(3);
    const found = await (await TestClient.login(t.url, 'investigator')).get('/api/plates/search?q=30A-123.45');
    expect(found.body.items.map((h: { id: string }) => h.id)).toEqual(['edge-1']);
  });

  it.skipIf(skip)('raises a watch-list alert for an ingested plate before it answers, once per sighting', async () => {
    const inv = await TestClient.login(t.url, 'investigator');
    const list = await inv.post('/api/watchlists', { name: 'Xe gian', severity: 'critical' });
    await inv.post(`/api/watchlists/${list.body.id}/entries`, { entries: [{ pattern: '77A*', note: 'theo dõi' }] });
    const batch = { sightings: [read('edge-wl-1', '77A-036.23')] };
    expect((await edge.post('/api/ingest/sightings', batch)).status).toBe(200);
    expect((await edge.post('/api/ingest/sightings', batch)).status).toBe(200);
    // The hit's sighting is watch-list detail: read by who reads watch lists and plates (an operator sees it redacted).
    const alerts = await inv.get('/api/alerts?kinds=watchlist_hit');
    const mine = alerts.body.items.filter((a: { payload: { sightingId: string } }) => a.payload.sightingId === 'edge-wl-1');
    expect(mine).toHaveLength(1);
    expect(mine[0].severity).toBe('critical');
  });

  it.skipIf(skip)('refuses an invalid batch as a whole with 400 and stores none of it', async () => {
    const bad = [
      { sightings: [read('edge-x1', '30A-999.99'), read('edge-x2', '??')] },
      { sightings: [read('edge-x1', '30A-999.99'), read('edge-x1', '30A-999.98')] },
      { sightings: [read('edge-x1', '30A-999.99', { isTrusted: true })] },
      { sightings: [read('edge-x1', '30A-999.99', { confidence: 7 })] },
      { sightings: [read('../etc', '30A-999.99')] },
      { sightings: Array.from({ length: 1001 }, (_, i) => read(`edge-m${i}`, '30A-999.99')) },
      { sightings: [] },
    ];
    for (const body of bad) {
      const r = await edge.post('/api/ingest/sightings', body);
      expect(r.status, JSON.stringify(r.body).slice(0, 200)).toBe(400);
    }
    expect(await t.store.getSighting('edge-x1')).toBeNull();
    expect(await t.store.getSighting('edge-m0')).toBeNull();
  });

  it.skipIf(skip)('refuses a batch naming a camera outside the key or one that does not exist, and stores none of it', async () => {
    const before = (await t.store.listSightings({})).items.length;
    const outside = await edge.post('/api/ingest/sightings', { sightings: [read('edge-f1', '30A-111.11'), read('edge-f2', '30A-111.12', { cameraId: 'other-cam' }), read('edge-f3', '30A-111.13', { cameraId: 'partner-cam-2' })] });
    expect(outside.status).toBe(403);
    expect(outside.body.error.message).toContain('other-cam');
    expect(outside.body.error.message).toContain('partner-cam-2');
    // In the key's scope but not a camera of this service: 400, named.
    const unknown = await edge.post('/api/ingest/sightings', { sightings: [read('edge-f4', '30A-111.14'), read('edge-f5', '30A-111.15', { cameraId: 'not-yet-cam' })] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('not-yet-cam');
    // A user with ingest.write (admin) is bound by the same rule: the camera must exist.
    const adminGhost = await admin.post('/api/ingest/sightings', { sightings: [read('edge-f6', '30A-111.16', { cameraId: 'ghost-cam' })] });
    expect(adminGhost.status).toBe(400);
    for (const id of ['edge-f1', 'edge-f2', 'edge-f3', 'edge-f4', 'edge-f5', 'edge-f6']) expect(await t.store.getSighting(id), id).toBeNull();
    expect((await t.store.listSightings({})).items.length).toBe(before);
  });

  it.skipIf(skip)('refuses reads timed in the future or too long ago, naming each bad row, and stores none of the batch', async () => {
    const now = Date.now();
    const y2243 = Date.UTC(2243, 0, 1);
    const r = await edge.post('/api/ingest/sightings', { sightings: [
      read('edge-t0', '30A-222.20', { atMs: now }),
      read('edge-t1', '30A-222.21', { atMs: y2243 }),
      read('edge-t2', '30A-222.22', { atMs: now + 10 * 60_000 }),
      read('edge-t3', '30A-222.23', { atMs: now - 8 * 86_400_000 }),
      read('edge-t4', '30A-222.24', { atMs: now + 60_000 }),
    ] });
    expect(r.status).toBe(400);
    const msg: string = r.body.error.message;
    expect(msg).toContain('sightings.1.atMs: 2243-01-01T00:00:00.000Z is more than 300 s ahead');
    expect(msg).toContain('sightings.2.atMs');
    expect(msg).toContain('sightings.3.atMs');
    expect(msg).toContain('days old');
    expect(msg).not.toContain('sightings.0.');
    expect(msg).not.toContain('sightings.4.');
    for (const id of ['edge-t0', 'edge-t1', 'edge-t2', 'edge-t3', 'edge-t4']) expect(await t.store.getSighting(id), id).toBeNull();
    // A minute ahead (a camera clock a little fast) is fine.
    expect((await edge.post('/api/ingest/sightings', { sightings: [read('edge-t5', '30A-222.25', { atMs: now + 60_000 })] })).status).toBe(200);
  });

  it.skipIf(skip)('lets only admins and keys with the ingest.write scope post', async () => {
    const body = { sightings: [read('edge-p1', '30A-555.55')] };
    expect((await new TestClient(t.url).post('/api/ingest/sightings', body)).status).toBe(401);
    const search = await admin.post('/api/apikeys', { name: 'Tra cứu', scopes: ['plates.search'] });
    const reader = new TestClient(t.url);
    reader.bearer = search.body.secret;
    expect((await reader.post('/api/ingest/sightings', body)).status).toBe(403);
    expect((await (await TestClient.login(t.url, 'supervisor')).post('/api/ingest/sightings', body)).status).toBe(403);
    expect((await admin.post('/api/ingest/sightings', body)).status).toBe(200);
    expect(await t.store.getSighting('edge-p1')).not.toBeNull();
  });
});
