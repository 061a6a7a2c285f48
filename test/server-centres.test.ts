/**
 * Monitoring centres against a real server (SQLite and PostgreSQL): the admin keeps centres and their members (audited);
 * a member's effective area is their own scope intersected with the centre's (a centre never widens it); a centre's
 * supervisor saves wall layouts and alert filters that name only the centre's cameras, shared with its members.
 * THE SCOPE TEST: a member of centre A, in a store with cameras and events of centres A and B, sees through the real
 * API and the real live push only A's cameras, events, alerts, plate sightings, violations and field incidents — while an
 * admin sees B's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Centre, MyCentre } from '../src/contract/centres.js';
import { ulid } from '../src/core/ids.js';
import type { PlateReadEvent } from '../src/core/plate.js';
import { startTestServer, TestClient, type TestServer } from '../src/server/testing/harness.js';
import { testDialects } from '../src/store/postgres/testing-db.js';
import { sse, waitFor, type SseStream } from './sse-client.js';

const dialects = await testDialects('server-centres');
const PASSWORD = 'centre-password-123';
const A_CAMERAS = ['cam-a1', 'cam-a2'];
const B_CAMERAS = ['cam-b1'];

const plateRead = (cameraId: string, plate: string, display: string): PlateReadEvent => ({
  id: ulid(), cameraId, atMs: Date.now(), ptsSec: 1, kind: 'plate.read', trackId: 7, cls: 'car', reads: 3, direction: 'pos',
  read: { plate, display, confidence: 0.93, category: 'private', lines: [display] },
});

const ids = (items: ReadonlyArray<{ cameraId?: string | null; id?: string }>, key: 'cameraId' | 'id' = 'cameraId'): string[] =>
  [...new Set(items.map((x) => String(x[key])))].sort();

describe.each(dialects)('monitoring centres over %s', (dialect) => {
  let t: TestServer;
  let admin: TestClient;
  const open: SseStream[] = [];
  const userIds = new Map<string, string>();
  let centreA: Centre;
  let centreB: Centre;

  const newUser = async (username: string, roles: string[], scope = {}): Promise<string> => {
    const u = await admin.post('/api/users', { username, password: PASSWORD, roles, scope });
    expect(u.status, JSON.stringify(u.body)).toBe(200);
    userIds.set(username, u.body.id as string);
    return u.body.id as string;
  };
  const login = (username: string): Promise<TestClient> => TestClient.login(t.url, username, PASSWORD);

  beforeAll(async () => {
    t = await startTestServer(dialect, { live: { recheckMs: 3_600_000 } });
    await t.store.upsertSite({ id: 'dn', name: 'Đà Nẵng', timeZone: 'Asia/Ho_Chi_Minh', district: null, ward: null, location: null });
    for (const [id, district, lng] of [['cam-a1', 'Hải Châu', 108.22], ['cam-a2', 'Hải Châu', 108.221], ['cam-b1', 'Sơn Trà', 108.25]] as const) {
      await t.store.upsertCamera({
        id, siteId: 'dn', name: id, kind: 'intersection', url: `rtsp://10.0.0.1/${id}`, enabled: false, location: { lat: 16.06, lng },
        zones: { area: { district } }, rules: [], updatedAtMs: 0,
      });
    }
    admin = await TestClient.login(t.url, 'admin');
    await newUser('sup-a', ['supervisor']);
    await newUser('viewer-a', ['viewer']);
    await newUser('sup-b', ['supervisor']);
    await newUser('narrow-a', ['investigator'], { cameraIds: ['cam-a1', 'cam-b1'] });
    await newUser('elsewhere-a', ['investigator'], { districts: ['Sơn Trà'] });
    const a = await admin.post('/api/centres', { name: 'Trung tâm Hải Châu', scope: { districts: ['Hải Châu'] }, memberIds: ['sup-a', 'viewer-a', 'narrow-a', 'elsewhere-a'].map((u) => userIds.get(u)) });
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    centreA = a.body as Centre;
    const b = await admin.post('/api/centres', { name: 'Trung tâm Sơn Trà', scope: { cameraIds: B_CAMERAS }, memberIds: [userIds.get('sup-b')] });
    expect(b.status, JSON.stringify(b.body)).toBe(200);
    centreB = b.body as Centre;
    // Data on both centres' cameras: plate reads (events and sightings), alerts, violations.
    await t.server.ctx.ingest.handleMany([plateRead('cam-a1', '43A11111', '43A-111.11'), plateRead('cam-b1', '43A22222', '43A-222.22')]);
    for (const cameraId of ['cam-a2', 'cam-b1']) await t.server.ctx.ingest.raiseAlert({ cameraId, kind: 'signal_loss', severity: 'warning', message: `mất tín hiệu ${cameraId}`, payload: {} });
    for (const cameraId of ['cam-a1', 'cam-b1']) {
      await t.store.insertViolation({ id: ulid(), cameraId, atMs: Date.now(), kind: 'red_light', plateKey: cameraId === 'cam-a1' ? '43A11111' : '43A22222', plateDisplay: null, details: {} });
    }
  }, 90_000);
  afterAll(async () => {
    for (const s of open) s.close();
    await t?.dispose();
  });

  it('keeps centres with their area and members, refuses a duplicate name and a non-admin, and audits every change', async () => {
    const list = (await admin.get('/api/centres')).body as { items: Centre[] };
    expect(list.items.map((c) => [c.name, c.memberIds.length])).toEqual([['Trung tâm Hải Châu', 4], ['Trung tâm Sơn Trà', 1]]);
    expect((await admin.post('/api/centres', { name: 'Trung tâm Sơn Trà' })).status).toBe(409);
    expect((await admin.post('/api/centres', { name: 'X', memberIds: ['no-such-user'] })).status).toBe(400);
    expect((await admin.get('/api/centres')).body.items).toHaveLength(2); // the refused one left nothing behind
    const sup = await login('sup-a');
    expect((await sup.post('/api/centres', { name: 'Của tôi' })).status).toBe(403);
    expect((await sup.request('PATCH', `/api/centres/${centreA.id}`, { scope: {} })).status).toBe(403);
    const tmp = await admin.post('/api/centres', { name: 'Tạm', scope: { wards: ['Thạch Thang'] } });
    const renamed = await admin.request('PATCH', `/api/centres/${tmp.body.id}`, { name: 'Tạm 2', memberIds: [userIds.get('sup-b')] });
    expect(renamed.body).toMatchObject({ name: 'Tạm 2', memberIds: [userIds.get('sup-b')] });
    expect(((await admin.get('/api/centres')).body as { items: Centre[] }).items.find((c) => c.id === centreB.id)!.memberIds).toEqual([]); // moved
    expect((await admin.request('PATCH', `/api/centres/${centreB.id}`, { memberIds: [userIds.get('sup-b')] })).status).toBe(200);
    expect((await admin.request('DELETE', `/api/centres/${tmp.body.id}`)).status).toBe(200);
    expect((await admin.request('DELETE', `/api/centres/${tmp.body.id}`)).status).toBe(404);
    const audit = (await t.store.listAudit({ limit: 200 })).items;
    const actions = (target: string) => audit.filter((r) => r.target === target).map((r) => r.action).sort();
    expect(actions(tmp.body.id as string)).toEqual(['centre.create', 'centre.delete', 'centre.edit']);
    expect(audit.find((r) => r.action === 'centre.create' && r.target === centreA.id)?.details).toMatchObject({ scope: { districts: ['Hải Châu'] }, name: 'Trung tâm Hải Châu' });
  });

  it("gives a member the intersection of their own scope and the centre's: a centre narrows, never widens", async () => {
    const cams = async (u: string) => ids(((await (u === 'admin' ? admin : await login(u)).get('/api/cameras')).body as { items: Array<{ id: string }> }).items, 'id');
    expect(await cams('sup-a')).toEqual(A_CAMERAS); // no scope of their own: the centre's
    expect(await cams('narrow-a')).toEqual(['cam-a1']); // their own {a1, b1} ∩ Hải Châu
    expect(await cams('elsewhere-a')).toEqual([]); // Sơn Trà given by the admin, Hải Châu by the centre: nothing
    expect(await cams('sup-b')).toEqual(B_CAMERAS);
    expect(await cams('admin')).toEqual([...A_CAMERAS, ...B_CAMERAS]);
    const mine = (await (await login('viewer-a')).get('/api/centres/mine')).body as MyCentre;
    expect(mine).toMatchObject({ centre: { id: centreA.id, name: 'Trung tâm Hải Châu' }, canEdit: false });
    expect(((await admin.get('/api/centres/mine')).body as MyCentre).centre).toBeNull();
  });

  it("THE SCOPE TEST: a centre member sees only the centre's cameras and data on every surface, an admin sees both centres'", async () => {
    const sup = await login('sup-a');
    const surfaces: ReadonlyArray<readonly [string, string, 'cameraId' | 'id']> = [
      ['map and wall cameras', '/api/cameras', 'id'],
      ['events', '/api/events?limit=100', 'cameraId'],
      ['alerts', '/api/alerts?limit=100', 'cameraId'],
      ['plate search', '/api/plates/search?q=43A&mode=prefix', 'cameraId'],
      ['plate trace', '/api/plates/trace?plate=43A22222', 'cameraId'],
      ['violations', '/api/violations?limit=100', 'cameraId'],
    ];
    for (const [what, path, key] of surfaces) {
      const mine = await sup.get(path);
      const all = await admin.get(path);
      expect([mine.status, all.status], what).toEqual([200, 200]);
      const items = (b: { items?: unknown[]; timeline?: unknown[] }) => (b.items ?? b.timeline ?? []) as Array<{ cameraId?: string; id?: string }>;
      const seen = ids(items(mine.body as never), key);
      expect(seen.every((c) => A_CAMERAS.includes(c)), `${what}: ${seen.join(', ')}`).toBe(true);
      expect(ids(items(all.body as never), key).some((c) => B_CAMERAS.includes(c)), `${what}: the admin sees centre B's`).toBe(true);
      if (path !== '/api/plates/trace?plate=43A22222') expect(seen.length, `${what}: the member sees centre A's`).toBeGreaterThan(0);
    }
    // Field incidents (drawn on the map): the member's district's, not the other centre's.
    for (const [cameraId, district] of [['cam-a1', 'Hải Châu'], ['cam-b1', 'Sơn Trà']] as const) {
      expect((await admin.post('/api/incidents', { type: 'accident', location: { lat: 16.06, lng: 108.22 }, district, cameraIds: [cameraId] })).status).toBe(200);
    }
    const districts = async (c: TestClient) => ((await c.get('/api/incidents')).body as { items: Array<{ district: string }> }).items.map((i) => i.district).sort();
    expect(await districts(sup)).toEqual(['Hải Châu']);
    expect(await districts(admin)).toEqual(['Hải Châu', 'Sơn Trà']);
    expect((await sup.get('/api/cameras/cam-b1')).status).toBe(404);
    const bViolation = ((await admin.get('/api/violations?cameras=cam-b1')).body as { items: Array<{ id: string }> }).items[0]!;
    expect((await sup.get(`/api/violations/${bViolation.id}`)).status).toBe(404);

    // The live push: events and alerts of both centres are published; the member receives only A's.
    const mineLive = sse(`${t.url}/api/live`, sup.cookie);
    const allLive = sse(`${t.url}/api/live`, admin.cookie);
    open.push(mineLive, allLive);
    expect([await mineLive.status, await allLive.status]).toEqual([200, 200]);
    const a = plateRead('cam-a2', '43A33333', '43A-333.33');
    const b = plateRead('cam-b1', '43A44444', '43A-444.44');
    await t.server.ctx.ingest.handleMany([b, a]);
    const alertB = await t.server.ctx.ingest.raiseAlert({ cameraId: 'cam-b1', kind: 'signal_loss', severity: 'warning', message: 'B', payload: {} });
    const alertA = await t.server.ctx.ingest.raiseAlert({ cameraId: 'cam-a1', kind: 'signal_loss', severity: 'warning', message: 'A', payload: {} });
    const got = (s: SseStream, id: string) => s.messages.some((m) => (m.event === 'event' || m.event === 'alert') && m.data.id === id);
    await waitFor("centre A's event and alert on the member's stream", () => got(mineLive, a.id) && got(mineLive, alertA.id), 5000);
    await waitFor("centre B's event and alert on the admin's stream", () => got(allLive, b.id) && got(allLive, alertB.id), 5000);
    expect(got(mineLive, b.id) || got(mineLive, alertB.id)).toBe(false);
    expect(mineLive.messages.filter((m) => m.event === 'health').every((m) => A_CAMERAS.includes(m.data.id as string))).toBe(true);
    expect(mineLive.raw()).not.toContain('43A44444');
    expect(mineLive.raw()).not.toContain('cam-b1');
  });

  it("confines an API key to its owner's centre: a key an admin of centre A made searches only A's plates", async () => {
    const ownerId = await newUser('admin-a', ['admin']);
    const owner = await login('admin-a');
    const key = await owner.post('/api/apikeys', { name: 'Đối tác A', scopes: ['plates.search'] });
    expect(key.status, JSON.stringify(key.body)).toBe(200);
    const partner = new TestClient(t.url);
    partner.bearer = key.body.secret as string;
    const search = async () => ids(((await partner.get('/api/plates/search?q=43A&mode=prefix')).body as { items: Array<{ cameraId: string }> }).items);
    expect(await search()).toContain('cam-b1'); // the owner is in no centre yet: everywhere
    await admin.request('PATCH', `/api/centres/${centreA.id}`, { memberIds: [...centreA.memberIds, ownerId] });
    const confined = await search();
    expect(confined).toContain('cam-a1');
    expect(confined.every((c) => A_CAMERAS.includes(c)), confined.join(', ')).toBe(true);
    await admin.request('PATCH', `/api/centres/${centreA.id}`, { memberIds: centreA.memberIds });
  });

  it('re-checks open live streams when a centre changes: a member whose centre is narrowed is cut off at once', async () => {
    await newUser('live-a', ['viewer']);
    await admin.request('PATCH', `/api/centres/${centreA.id}`, { memberIds: [...centreA.memberIds, userIds.get('live-a')] });
    const c = await login('live-a');
    const s = sse(`${t.url}/api/live`, c.cookie);
    open.push(s);
    expect(await s.status).toBe(200);
    await admin.request('PATCH', `/api/centres/${centreA.id}`, { scope: { cameraIds: ['cam-a1'] } });
    await waitFor('the end of the stream', () => s.messages.some((m) => m.event === 'end'), 3000);
    expect(s.messages.findLast((m) => m.event === 'end')?.data.reason).toBe('user_changed');
    expect(ids(((await c.get('/api/cameras')).body as { items: Array<{ id: string }> }).items, 'id')).toEqual(['cam-a1']);
    await admin.request('PATCH', `/api/centres/${centreA.id}`, { scope: { districts: ['Hải Châu'] } });
  });

  it("saves the centre's wall layouts and alert filters: only its cameras, shared with its members, supervisors only, audited", async () => {
    const sup = await login('sup-a');
    const saved = await sup.request('PUT', '/api/centres/mine/layouts', { name: 'Ca sáng', size: 4, tiles: ['cam-a2', null, 'cam-a1'] });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body).toMatchObject({ name: 'Ca sáng', size: 4, tiles: ['cam-a2', null, 'cam-a1', null], updatedBy: 'sup-a' });
    const foreign = await sup.request('PUT', '/api/centres/mine/layouts', { name: 'Lẫn', size: 4, tiles: ['cam-a1', 'cam-b1'] });
    expect([foreign.status, foreign.body.error.message]).toEqual([400, expect.stringContaining('cam-b1')]);
    expect((await sup.request('PUT', '/api/centres/mine/layouts', { name: 'Quá', size: 1, tiles: ['cam-a1', 'cam-a2'] })).status).toBe(400);
    const filter = await sup.request('PUT', '/api/centres/mine/filters', { name: 'Khẩn', kinds: ['signal_loss'], minSeverity: 'warning', cameraIds: ['cam-a1'] });
    expect(filter.status, JSON.stringify(filter.body)).toBe(200);
    expect((await sup.request('PUT', '/api/centres/mine/filters', { name: 'B', cameraIds: ['cam-b1'] })).status).toBe(400);
    // Shared: a viewer of the centre reads them, may not change them; centre B sees none of them; a user of no centre saves nothing.
    const viewer = await login('viewer-a');
    const mine = (await viewer.get('/api/centres/mine')).body as MyCentre;
    expect(mine.layouts.map((l) => [l.name, l.tiles])).toEqual([['Ca sáng', ['cam-a2', null, 'cam-a1', null]]]);
    expect(mine.filters.map((f) => [f.name, f.kinds, f.minSeverity, f.cameraIds])).toEqual([['Khẩn', ['signal_loss'], 'warning', ['cam-a1']]]);
    expect((await viewer.request('PUT', '/api/centres/mine/layouts', { name: 'V', size: 1, tiles: [] })).status).toBe(403);
    expect(((await (await login('sup-b')).get('/api/centres/mine')).body as MyCentre).layouts).toEqual([]);
    expect((await (await TestClient.login(t.url, 'supervisor')).request('PUT', '/api/centres/mine/layouts', { name: 'V', size: 1, tiles: [] })).status).toBe(409);
    // A member whose own scope is narrower reads the layout with the cameras they may not see left empty.
    const narrow = (await (await login('narrow-a')).get('/api/centres/mine')).body as MyCentre;
    expect(narrow.layouts[0]!.tiles).toEqual([null, null, 'cam-a1', null]);
    // Saving under the same name replaces; deleting removes; both audited.
    const again = await sup.request('PUT', '/api/centres/mine/layouts', { name: 'Ca sáng', size: 1, tiles: ['cam-a1'] });
    expect(again.body).toMatchObject({ id: saved.body.id, size: 1, tiles: ['cam-a1'] });
    expect((await sup.request('DELETE', `/api/centres/mine/filters/${filter.body.id}`)).status).toBe(200);
    expect((await (await login('sup-b')).request('DELETE', `/api/centres/mine/layouts/${saved.body.id}`)).status).toBe(404);
    const audit = (await t.store.listAudit({ limit: 300 })).items;
    expect(audit.filter((r) => r.target === saved.body.id).map((r) => r.action)).toEqual(['centre.layout.save', 'centre.layout.save']);
    expect(audit.filter((r) => r.target === filter.body.id).map((r) => r.action).sort()).toEqual(['centre.filter.delete', 'centre.filter.save']);
  });
});
