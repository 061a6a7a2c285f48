import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TestClient, type TestServer } from '../src/server/testing/harness.js';
import { testDialects } from '../src/store/postgres/testing-db.js';

/** The partner ingest endpoint against a real server, over SQLite and (when reachable) PostgreSQL. */
/** The PostgreSQL run is skipped only where PostgreSQL is neither reachable nor required (see testDialects). */
const pgSkip = !(await testDialects('server-ingest')).includes('postgres');

const T0 = Date.UTC(2026, 10, 20, 8, 0, 0);
const read = (id: string, plate: string, extra: Record<string, unknown> = {}) => ({ id, cameraId: 'partner-cam-1', atMs: T0, plate, confidence: 0.91, ...extra });

describe.each(['sqlite', 'postgres'] as const)('POST /api/ingest/sightings over %s', (dialect) => {
  const skip = dialect === 'postgres' && pgSkip;
  let t: TestServer;
  let admin: TestClient;
  let edge: TestClient;
  beforeAll(async () => {
    if (skip) return;
    t = await startTestServer(dialect);
    admin = await TestClient.login(t.url, 'admin');
    const key = await admin.post('/api/apikeys', { name: 'Camera ANPR Công an huyện', scopes: ['ingest.write'], rateLimitPerMin: 10_000 });
    expect(key.status).toBe(200);
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
    const alerts = await (await TestClient.login(t.url, 'operator')).get('/api/alerts?kinds=watchlist_hit');
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
