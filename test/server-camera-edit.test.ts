import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TestClient, type TestServer } from '../src/server/testing/harness.js';

/** Editing a camera's geometry and rules through PATCH /api/cameras/:id (the set-up editor), against a real server. */
describe('camera geometry and rule edits', () => {
  let t: TestServer;
  let admin: TestClient;

  beforeAll(async () => {
    t = await startTestServer('sqlite');
    await t.store.upsertSite({ id: 'danang', name: 'Đà Nẵng', timeZone: 'Asia/Ho_Chi_Minh', district: null, ward: null, location: null });
    // Disabled cameras: the edit restarts only the edited camera's runtime, and nothing here needs video.
    for (const id of ['cam-a', 'cam-b']) {
      await t.store.upsertCamera({
        id, siteId: 'danang', name: `Camera ${id}`, kind: 'intersection', url: `rtsp://user:secret@10.0.0.1/${id}`, enabled: false,
        location: { lat: 16.06, lng: 108.21 }, zones: { lines: [{ id: 'stop', points: [[0.1, 0.6], [0.9, 0.6]] }] }, rules: [], updatedAtMs: 1,
      });
    }
    admin = await TestClient.login(t.url, 'admin');
  }, 60_000);
  afterAll(async () => {
    await t?.dispose();
  });

  const geometry = {
    lines: [{ id: 'count-n', name: 'Đếm hướng Bắc', points: [[0.2, 0.5], [0.8, 0.55]] }],
    zones: [{ id: 'road', polygon: [[0.1, 0.4], [0.9, 0.4], [0.9, 0.9], [0.1, 0.9]] }],
    lanes: [{ id: 'moto', polygon: [[0.1, 0.4], [0.4, 0.4], [0.4, 0.9]], classes: ['motorcycle'], direction: { from: [0.25, 0.9], to: [0.25, 0.4] } }],
    calibration: { points: [
      { image: [0.1, 0.9], ground: [0, 0] }, { image: [0.9, 0.9], ground: [12, 0] },
      { image: [0.8, 0.4], ground: [12, 40] }, { image: [0.2, 0.4], ground: [0, 40] },
    ] },
    rules: [{ id: 'cg', kind: 'congestion', zone: 'road', countLevels: [4, 8, 16] }],
  };

  it('saves lines, zones, lanes, calibration and rules and reads them back without the stream password', async () => {
    const r = await admin.request('PATCH', '/api/cameras/cam-a', geometry);
    expect(r.status).toBe(200);
    const back = await admin.get('/api/cameras/cam-a');
    expect(back.body.lines).toEqual(geometry.lines);
    expect(back.body.zones).toEqual(geometry.zones);
    expect(back.body.lanes).toEqual(geometry.lanes);
    expect(back.body.calibration).toEqual(geometry.calibration);
    expect(back.body.rules[0]).toMatchObject({ id: 'cg', kind: 'congestion', zone: 'road', countLevels: [4, 8, 16], windowMs: 30_000 });
    expect(JSON.stringify(back.body)).not.toContain('secret');
    const other = await t.store.getCamera('cam-b');
    expect([other?.updatedAtMs, (other?.zones as { lines: unknown[] }).lines]).toEqual([1, [{ id: 'stop', points: [[0.1, 0.6], [0.9, 0.6]] }]]);
    expect((await t.store.listAudit({ action: 'camera.edit' })).items.at(-1)?.details).toMatchObject({ fields: ['lines', 'zones', 'lanes', 'calibration', 'rules'] });
  });

  it('sets, replaces and clears the direction and field of view (the cone on the map), refusing a heading of 360°', async () => {
    expect((await admin.get('/api/cameras/cam-a')).body.view).toBeNull();
    expect((await admin.request('PATCH', '/api/cameras/cam-a', { view: { headingDeg: 135, rangeM: 200 } })).status).toBe(200);
    expect((await admin.get('/api/cameras/cam-a')).body.view).toEqual({ headingDeg: 135, fovDeg: 60, rangeM: 200 });
    const listed = (await admin.get('/api/cameras')).body.items.find((c: { id: string }) => c.id === 'cam-a');
    expect(listed.view).toEqual({ headingDeg: 135, fovDeg: 60, rangeM: 200 });
    const bad = await admin.request('PATCH', '/api/cameras/cam-a', { view: { headingDeg: 360 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^body\.view\.headingDeg: /);
    expect((await admin.request('PATCH', '/api/cameras/cam-a', { view: null })).status).toBe(200);
    expect((await admin.get('/api/cameras/cam-a')).body.view).toBeNull();
    expect((await admin.get('/api/cameras/cam-a')).body.lines).toEqual(geometry.lines); // the rest untouched
  });

  it('refuses geometry outside the picture with the config schema’s message and its path', async () => {
    const r = await admin.request('PATCH', '/api/cameras/cam-a', { lines: [{ id: 'bad', points: [[0.2, 1.5], [0.8, 0.5]] }] });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toBe('body.lines.0.points.0.1: must be ≤ 1 (normalised)');
    const tri = await admin.request('PATCH', '/api/cameras/cam-a', { zones: [{ id: 'z', polygon: [[0, 0], [1, 1]] }] });
    expect(tri.body.error.message).toBe('body.zones.0.polygon: a polygon needs at least 3 points');
    expect((await admin.get('/api/cameras/cam-a')).body.lines).toEqual(geometry.lines);
  });

  it('refuses a rule that names a zone the camera no longer has, and removes the calibration with null', async () => {
    const r = await admin.request('PATCH', '/api/cameras/cam-a', { zones: [] });
    expect([r.status, r.body.error.message]).toEqual([400, 'rules.0.zone: unknown zone "road"']);
    const dup = await admin.request('PATCH', '/api/cameras/cam-a', { lines: [geometry.lines[0], geometry.lines[0]] });
    expect(dup.body.error.message).toBe('lines.1.id: duplicate line id "count-n"');
    const speeding = { id: 'sp', kind: 'speeding', zone: 'road' };
    const needs = await admin.request('PATCH', '/api/cameras/cam-a', { calibration: null, rules: [speeding] });
    expect(needs.status).toBe(400);
    expect(needs.body.error.message).toContain("rules.0.kind: rule \"speeding\" needs the camera's `calibration`");
    const ok = await admin.request('PATCH', '/api/cameras/cam-a', { calibration: null });
    expect(ok.status).toBe(200);
    expect((await admin.get('/api/cameras/cam-a')).body.calibration).toBeNull();
  });

  it('switches recording on at run time and keeps it in the store', async () => {
    const r = await admin.request('PATCH', '/api/cameras/cam-a', { recording: { enabled: true, segmentSec: 30 } });
    expect(r.status).toBe(200);
    const rec = await t.store.getCamera('cam-a');
    expect((rec?.zones as { recording?: unknown }).recording).toEqual({ enabled: true, segmentSec: 30 });
    const bad = await admin.request('PATCH', '/api/cameras/cam-a', { recording: { enabled: true, segmentSec: 0 } });
    expect(bad.status).toBe(400);
  });

  it('switches plate reading on at run time and keeps it in the store', async () => {
    expect(((await t.store.getCamera('cam-a'))?.zones as { plates?: unknown }).plates).toBe(false);
    const r = await admin.request('PATCH', '/api/cameras/cam-a', { plates: true });
    expect(r.status).toBe(200);
    expect(((await t.store.getCamera('cam-a'))?.zones as { plates?: unknown }).plates).toBe(true);
    const bad = await admin.request('PATCH', '/api/cameras/cam-a', { plates: 'yes' });
    expect([bad.status, bad.body.error.message]).toEqual([400, expect.stringContaining('plates')]);
  });

  it('says a camera added through the API is kept in the store (not rewritten by a config file at start)', async () => {
    expect((await admin.get('/api/cameras/cam-a')).body.managedBy).toBe('store');
  });

  it('lets only cameras.write edit', async () => {
    const viewer = await TestClient.login(t.url, 'viewer');
    expect((await viewer.request('PATCH', '/api/cameras/cam-a', { lines: [] })).status).toBe(403);
    expect((await viewer.get('/api/cameras/cam-a')).body.lines).toEqual(geometry.lines);
  });
});
