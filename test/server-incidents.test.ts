/**
 * Field incidents against a real server (SQLite and PostgreSQL): an operator and another system (an API key scoped
 * `incidents.write`) report incidents with JPEG photos; each raises an `incident` alert; photos come back byte for byte
 * and every look is audited; hostile input is refused; a user limited to another district sees none of it.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident } from '../src/contract/incidents.js';
import { startTestServer, TEST_PASSWORD, TestClient, type TestServer } from '../src/server/testing/harness.js';
import { createUser } from '../src/server/users.js';
import { testDialects } from '../src/store/postgres/testing-db.js';

const dialects = await testDialects('server-incidents');

describe.each(dialects)('field incidents over %s', (dialect) => {
  let t: TestServer;
  let jpeg: Buffer;
  beforeAll(async () => {
    t = await startTestServer(dialect);
    await t.store.upsertSite({ id: 'bn', name: 'Bắc Ninh', timeZone: 'Asia/Ho_Chi_Minh', district: null, ward: null, location: null });
    for (const [id, district] of [['cam-ts', 'Từ Sơn'], ['cam-qv', 'Quế Võ']] as const) {
      await t.store.upsertCamera({ id, siteId: 'bn', name: id, kind: 'security', url: `rtsp://10.0.0.1/${id}`, enabled: false, location: { lat: 21.12, lng: 105.96 }, zones: { area: { district } }, rules: [], updatedAtMs: 0 });
    }
    await createUser(t.store, { username: 'op-quevo', password: TEST_PASSWORD, roles: ['operator'], scope: { districts: ['Quế Võ'] } });
    jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 30, b: 30 } } }).jpeg().toBuffer();
  }, 60_000);
  afterAll(async () => {
    await t?.dispose();
  });

  it("takes an operator's report with a photo, raises an incident alert, and serves the photo back (audited)", async () => {
    const op = await TestClient.login(t.url, 'operator');
    const r = await op.post('/api/incidents', { type: 'accident', description: 'Va chạm xe máy và ô tô', location: { lat: 21.117, lng: 105.958 }, district: 'Từ Sơn', cameraIds: ['cam-ts'], photos: [jpeg.toString('base64')] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const inc = r.body as Incident;
    expect(inc).toMatchObject({ type: 'accident', status: 'open', cameraIds: ['cam-ts'], district: 'Từ Sơn', photos: [{ n: 0, bytes: jpeg.byteLength }] });
    const alerts = (await op.get('/api/alerts?kinds=incident')).body as { items: Array<{ kind: string; severity: string; cameraId: string; payload: { incidentId: string } }> };
    expect(alerts.items.find((a) => a.payload.incidentId === inc.id)).toMatchObject({ kind: 'incident', severity: 'critical', cameraId: 'cam-ts' });
    const photo = await fetch(`${t.url}/api/incidents/${inc.id}/photos/0`, { headers: { cookie: op.cookie } });
    expect(photo.status).toBe(200);
    expect(Buffer.from(await photo.arrayBuffer()).equals(jpeg)).toBe(true);
    const audit = (await t.store.listAudit({ limit: 50 })).items;
    expect(audit.some((a) => a.action === 'incident.report' && a.target === inc.id)).toBe(true);
    expect(audit.some((a) => a.action === 'incident.photo.view' && a.target === inc.id)).toBe(true);
    // Linked to an event later, then closed.
    const linked = await op.request('PATCH', `/api/incidents/${inc.id}`, { eventIds: ['ev-1'], status: 'closed' });
    expect(linked.body).toMatchObject({ eventIds: ['ev-1'], status: 'closed' });
  });

  it('takes a report from another system through an API key scoped incidents.write, and refuses a key without it', async () => {
    const admin = await TestClient.login(t.url, 'admin');
    const key = await admin.post('/api/apikeys', { name: 'Hệ thống 113', scopes: ['incidents.write'] });
    expect(key.status, JSON.stringify(key.body)).toBe(200);
    const sys = new TestClient(t.url);
    sys.bearer = (key.body as { secret: string }).secret;
    expect((await sys.post('/api/incidents', { type: 'fire', location: { lat: 21.1, lng: 106.0 }, district: 'Quế Võ' })).status).toBe(200);
    const other = await admin.post('/api/apikeys', { name: 'Tra cứu', scopes: ['plates.search'] });
    const reader = new TestClient(t.url);
    reader.bearer = (other.body as { secret: string }).secret;
    expect((await reader.post('/api/incidents', { type: 'fire', location: { lat: 21.1, lng: 106.0 } })).status).toBe(403);
  });

  it('refuses hostile input: a photo that is not a JPEG, an unknown camera, a far-future time, a viewer', async () => {
    const op = await TestClient.login(t.url, 'operator');
    const base = { type: 'flood', location: { lat: 21.1, lng: 106.0 } };
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } }).png().toBuffer();
    const bad = await op.post('/api/incidents', { ...base, photos: [png.toString('base64')] });
    expect([bad.status, JSON.stringify(bad.body)]).toEqual([400, expect.stringContaining('photo 0: not a JPEG')]);
    expect((await op.post('/api/incidents', { ...base, cameraIds: ['nope'] })).status).toBe(400);
    expect((await op.post('/api/incidents', { ...base, atMs: Date.now() + 3_600_000 })).status).toBe(400);
    expect((await op.post('/api/incidents', { ...base, type: 'alien' })).status).toBe(400);
    expect((await (await TestClient.login(t.url, 'viewer')).post('/api/incidents', base)).status).toBe(403);
  });

  it('shows a district-limited operator only the incidents of their district, and refuses reports outside it', async () => {
    const qv = await TestClient.login(t.url, 'op-quevo');
    const list = (await qv.get('/api/incidents')).body as { items: Incident[] };
    expect(list.items.length).toBeGreaterThan(0);
    expect(list.items.every((i) => i.district === 'Quế Võ' || i.cameraIds.includes('cam-qv'))).toBe(true);
    const tuSon = ((await (await TestClient.login(t.url, 'admin')).get('/api/incidents')).body as { items: Incident[] }).items.find((i) => i.district === 'Từ Sơn')!;
    expect((await qv.get(`/api/incidents/${tuSon.id}`)).status).toBe(404);
    expect((await fetch(`${t.url}/api/incidents/${tuSon.id}/photos/0`, { headers: { cookie: qv.cookie } })).status).toBe(404);
    expect((await qv.post('/api/incidents', { type: 'crowd', location: { lat: 21.1, lng: 106.0 }, district: 'Từ Sơn' })).status).toBe(403);
    expect((await qv.post('/api/incidents', { type: 'crowd', location: { lat: 21.1, lng: 106.0 }, cameraIds: ['cam-ts'] })).status).toBe(400);
  });
});
