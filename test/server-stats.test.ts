import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TestClient, type TestServer } from '../src/server/testing/harness.js';
import { testDialects } from '../src/store/postgres/testing-db.js';

/** The dashboard statistics API against a real server, over SQLite and PostgreSQL (required on CI). */
const dialects = await testDialects('server-stats');

const T0 = Date.UTC(2026, 10, 20, 1, 0, 0); // 08:00 in Đà Nẵng
const MIN = 60_000;
const HOUR = 3_600_000;
const hours = (entries: Record<number, number>): number[] => Array.from({ length: 24 }, (_, h) => entries[h] ?? 0);

async function seed(t: TestServer): Promise<void> {
  const s = t.store;
  await s.upsertSite({ id: 'danang', name: 'Đà Nẵng', timeZone: 'Asia/Ho_Chi_Minh', district: null, ward: null, location: null });
  const cam = (id: string, district: string) => ({
    id, siteId: 'danang', name: `Camera ${id}`, kind: 'intersection', url: `rtsp://10.0.0.1/${id}`, enabled: false,
    location: { lat: 16.06, lng: 108.21 }, zones: { area: { district } }, rules: [], updatedAtMs: T0,
  });
  await s.upsertCamera(cam('cam-a', 'Hải Châu'));
  await s.upsertCamera(cam('cam-b', 'Sơn Trà'));
  const v = (id: string, cameraId: string, atMs: number, kind: string) => ({ id, cameraId, atMs, kind, plateKey: null, plateDisplay: null, details: {} });
  await s.insertViolation(v('v1', 'cam-a', T0, 'red_light'));
  await s.insertViolation(v('v2', 'cam-a', T0 + 10 * MIN, 'red_light'));
  await s.insertViolation(v('v3', 'cam-b', T0 + 9 * HOUR, 'wrong_way')); // 17:00 local
  await s.insertViolation(v('v4', 'cam-b', T0 - 3 * HOUR, 'speeding')); // outside the range asked below
  const c = { cameraId: 'cam-a', lineId: 'stop-line', cls: 'motorcycle', direction: 'pos', minuteMs: T0, n: 12 };
  await s.addCounts([c, { ...c, direction: 'neg', n: 5 }, { ...c, cameraId: 'cam-b', cls: 'car', minuteMs: T0 + HOUR, n: 7 }]);
  const a = (id: string, cameraId: string, atMs: number, level: number) => ({
    id, cameraId, atMs, kind: 'congestion', severity: 'warning' as const, message: 'congestion (cg)', payload: { alert: 'congestion', level },
  });
  await s.insertAlert(a('a1', 'cam-a', T0 + 5 * MIN, 2));
  await s.insertAlert(a('a2', 'cam-b', T0 + 2 * HOUR, 3));
}

describe.each(dialects)('the statistics API over %s', (dialect) => {
  let t: TestServer;
  const range = `from=${T0 - HOUR}&to=${T0 + 24 * HOUR}`;

  beforeAll(async () => {
    t = await startTestServer(dialect);
    await seed(t);
  }, 60_000);
  afterAll(async () => {
    await t?.dispose();
  });

  it('counts violations by kind, local hour and camera in the time range', async () => {
    const admin = await TestClient.login(t.url, 'admin');
    const r = await admin.get(`/api/stats/violations?${range}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ timeZone: 'Asia/Ho_Chi_Minh', step: 'hour', total: 3 });
    expect(r.body.byKind).toEqual([{ kind: 'red_light', n: 2 }, { kind: 'wrong_way', n: 1 }]);
    expect(r.body.byCamera).toEqual([{ cameraId: 'cam-a', n: 2 }, { cameraId: 'cam-b', n: 1 }]);
    expect(r.body.byHour).toEqual(hours({ 8: 2, 17: 1 }));
    const utc = await admin.get(`/api/stats/violations?${range}&tz=UTC&step=day`);
    expect(utc.body.byHour).toEqual(hours({ 1: 2, 10: 1 }));
    expect(utc.body.series).toEqual([{ startMs: Date.UTC(2026, 10, 20), n: 3 }]);
  });

  it('sums the flow by camera and direction, and counts congestion alerts with their highest level', async () => {
    const viewer = await TestClient.login(t.url, 'viewer');
    const flow = await viewer.get(`/api/stats/flow?${range}`);
    expect(flow.status).toBe(200);
    expect(flow.body.total).toBe(24);
    expect(flow.body.byCameraDirection).toEqual([
      { cameraId: 'cam-a', direction: 'pos', n: 12 }, { cameraId: 'cam-b', direction: 'pos', n: 7 }, { cameraId: 'cam-a', direction: 'neg', n: 5 },
    ]);
    expect(flow.body.series).toEqual([{ startMs: T0, n: 17 }, { startMs: T0 + HOUR, n: 7 }]);
    const cg = await viewer.get(`/api/stats/congestion?${range}&cameras=cam-b`);
    expect(cg.body).toMatchObject({ total: 1, byCamera: [{ cameraId: 'cam-b', n: 1, maxLevel: 3 }], byLevel: [{ level: 3, n: 1 }] });
  });

  it('needs the right permission, refuses bad parameters and narrows to the caller’s area', async () => {
    const viewer = await TestClient.login(t.url, 'viewer');
    expect((await viewer.get(`/api/stats/violations?${range}`)).status).toBe(403);
    const admin = await TestClient.login(t.url, 'admin');
    const badTz = await admin.get('/api/stats/flow?tz=Mars%2FOlympus');
    expect([badTz.status, badTz.body.error.message]).toEqual([400, 'unknown IANA time zone "Mars/Olympus"']);
    expect((await admin.get('/api/stats/flow?step=week')).status).toBe(400);
    expect((await admin.get('/api/stats/flow?extra=1')).status).toBe(400);
    const u = await admin.post('/api/users', { username: `sontra-${dialect}`, password: 'sontra-password', roles: ['operator'], scope: { districts: ['Sơn Trà'] } });
    expect(u.status).toBe(200);
    const scoped = await TestClient.login(t.url, `sontra-${dialect}`, 'sontra-password');
    const mine = await scoped.get(`/api/stats/violations?${range}`);
    expect([mine.body.total, mine.body.byCamera]).toEqual([1, [{ cameraId: 'cam-b', n: 1 }]]);
    const asked = await scoped.get(`/api/stats/flow?${range}&cameras=cam-a`);
    expect([asked.body.total, asked.body.byCameraDirection]).toEqual([0, []]);
  });
});
