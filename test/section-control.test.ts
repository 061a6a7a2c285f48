/**
 * Section average speed in the running service (config.sections was validated and never run): two ANPR cameras'
 * plate reads posted through the real ingest path (POST /api/ingest/sightings, committed batches) become ONE
 * `section_speeding` violation with the measured average speed, found by GET /api/violations?plate=, with the
 * speeding rule's legal basis and label. Over SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../src/config/schema.js';
import { kindLabel } from '../src/evidence/text.js';
import { legalBasis } from '../src/server/notice/legal-basis.js';
import { startTestServer, TestClient, type TestServer } from '../src/server/testing/harness.js';
import { testDialects } from '../src/store/postgres/testing-db.js';

const dialects = await testDialects('section-control');
const MIN = 60_000;
const camera = (id: string, lng: number) => ({ id, name: `ANPR ${id}`, site: 'qn', kind: 'gateway', source: 'rtsp://10.0.0.9/anpr', enabled: false, location: { lat: 15.5, lng } });
const config = configSchema.parse({
  version: 1,
  sites: [{ id: 'qn', name: 'Công an tỉnh Quảng Nam' }],
  cameras: [camera('anpr-a', 108.4), camera('anpr-b', 108.45)],
  sections: [{ id: 'ql1a-km10', name: 'QL1A km 10–15', entry: { camera: 'anpr-a' }, exit: { camera: 'anpr-b' }, distanceM: 5000, speedLimits: { default: 80, truck: 60 } }],
});

describe.each(dialects)('section average speed through the ingest over %s', (dialect) => {
  let t: TestServer;
  let admin: TestClient;
  let edge: TestClient;
  // Recent times: the ingest may refuse reads far from its clock.
  const T0 = Math.floor(Date.now() / MIN) * MIN - 30 * MIN;
  const read = (id: string, cameraId: string, plate: string, atMs: number, cls = 'car') => ({ id, cameraId, atMs, plate, confidence: 0.93, cls });
  const post = async (...sightings: ReturnType<typeof read>[]) => {
    const r = await edge.post('/api/ingest/sightings', { sightings });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  };
  const violations = async (plate: string) => (await admin.get(`/api/violations?plate=${plate}`)).body.items as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** The violation is written by a batch after the one that completed the pair: wait for it (or for its absence). */
  const settle = async (plate: string, n: number) => {
    for (let i = 0; i < 60 && (await violations(plate)).length < n; i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 200));
    return violations(plate);
  };

  beforeAll(async () => {
    t = await startTestServer(dialect, { config });
    admin = await TestClient.login(t.url, 'admin');
    const key = await admin.post('/api/apikeys', { name: 'ANPR QL1A', scopes: ['ingest.write'], scope: { cameraIds: ['anpr-a', 'anpr-b'] }, rateLimitPerMin: 10_000 });
    expect(key.status, JSON.stringify(key.body)).toBe(200);
    edge = new TestClient(t.url);
    edge.bearer = key.body.secret;
  }, 60_000);
  afterAll(async () => t?.dispose());

  it('turns an entry and an exit read 3 minutes apart over 5 km into one violation at 100 km/h, with the speeding basis', async () => {
    await post(read('a1', 'anpr-a', '51A-123.45', T0), read('a2', 'anpr-a', '30G-777.88', T0 + MIN));
    await post(read('b1', 'anpr-b', '51A-123.45', T0 + 3 * MIN), read('b2', 'anpr-b', '30G-777.88', T0 + 5 * MIN)); // 100 and 75 km/h
    const [v, ...more] = await settle('51A12345', 1);
    expect(more).toEqual([]);
    expect(v).toMatchObject({ kind: 'section_speeding', cameraId: 'anpr-b', atMs: T0 + 3 * MIN, plateKey: '51A12345', plateDisplay: '51A-123.45', status: 'pending' });
    const detail = await admin.get(`/api/violations/${v!.id}`);
    const d = detail.body.details;
    expect(d).toMatchObject({ sectionId: 'ql1a-km10', cls: 'car', measurements: { speedKmh: 100, limitKmh: 80, travelMs: 180_000, distanceM: 5000 } });
    expect(d.entry).toMatchObject({ cameraId: 'anpr-a', atMs: T0 });
    // The basis and label the notice prints: speeding's table for 20 km/h over, the section wording.
    expect(legalBasis(v!.kind, d.cls, d.measurements)).toEqual(legalBasis('speeding', 'car', { speedKmh: 100, limitKmh: 80 }));
    expect(legalBasis(v!.kind, d.cls, d.measurements).citation).toMatch(/^Điểm a khoản 6 Điều 6/);
    expect(kindLabel(v!.kind).vi).toBe('Chạy quá tốc độ trung bình quy định trên đoạn đường');
    const pdf = await fetch(`${t.url}/api/violations/${v!.id}/notice.pdf`, { headers: { cookie: admin.cookie } });
    expect([pdf.status, pdf.headers.get('content-type')]).toEqual([200, 'application/pdf']);
    // Under the limit plus tolerance: nothing.
    expect(await settle('30G77788', 1)).toEqual([]);
  });

  it('stores a retried batch once, and pairs an exit posted before its entry (a partner posting late)', async () => {
    await post(read('a1', 'anpr-a', '51A-123.45', T0), read('b1', 'anpr-b', '51A-123.45', T0 + 3 * MIN)); // the same pair again: same id
    await post(read('b3', 'anpr-b', '29C-555.66', T0 + 14 * MIN, 'truck'));
    await post(read('a3', 'anpr-a', '29C-555.66', T0 + 10 * MIN, 'truck')); // 75 km/h, truck limit 60
    const truck = await settle('29C55566', 1);
    expect(truck.map((v) => [v.kind, v.atMs - T0])).toEqual([['section_speeding', 14 * MIN]]);
    expect((await admin.get(`/api/violations/${truck[0]!.id}`)).body.details.measurements).toMatchObject({ speedKmh: 75, limitKmh: 60 });
    expect(await settle('51A12345', 2)).toHaveLength(1);
  });
});
