/**
 * Camera sources set through the API, against a real server: file paths, other schemes and hosts outside the
 * camera networks (cloud metadata, loopback, public, smuggled past the URL parser) are refused with a 400 that
 * names the problem, and nothing is stored, started or audited; a config file camera keeps its file source, and
 * an API edit cannot give it another file; at start a stored API camera with a file source is not run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../src/config/schema.js';
import { buildServer } from '../src/server/app.js';
import { openServiceStore } from '../src/server/open-store.js';
import { startTestServer, TestClient, type TestServer } from '../src/server/testing/harness.js';
import { video } from './assets.js';
import { waitFor } from './sse-client.js';

const CLIP = video('intel_car-detection.mp4');
const camera = (id: string, source: string, extra: Record<string, unknown> = {}) => ({
  id, name: `Camera ${id}`, site: 'qn', kind: 'overview', source, location: { lat: 15.57, lng: 108.47 }, enabled: false, ...extra,
});
const config = configSchema.parse({ version: 1, sites: [{ id: 'qn', name: 'Công an tỉnh Quảng Nam' }], cameras: [camera('cfg-file', CLIP)] });

let t: TestServer;
let admin: TestClient;
beforeAll(async () => {
  t = await startTestServer('sqlite', { config });
  admin = await TestClient.login(t.url, 'admin');
  await t.store.upsertCamera({ id: 'api-cam', siteId: 'qn', name: 'API camera', kind: 'overview', url: 'rtsp://10.0.0.7/live', enabled: false, location: { lat: 15.5, lng: 108.4 }, zones: {}, rules: [], updatedAtMs: 1 });
}, 60_000);
afterAll(async () => {
  await t?.dispose();
});

/** Sources an admin could type to read local files or reach what is not a camera, with the words the 400 must say. */
const HOSTILE: readonly [string, RegExp][] = [
  ['file:///etc/passwd', /file.*only in the config file/],
  ['/etc/passwd', /only in the config file/],
  ['/data/argus.db', /only in the config file/],
  ['../../data/argus.db', /only in the config file/],
  ['concat:/etc/passwd|/data/argus.db', /scheme "concat:" is not allowed/],
  ['subfile:,,start,0,end,0,,:/etc/passwd', /scheme "subfile:" is not allowed/],
  ['http://169.254.169.254/latest/meta-data/iam/security-credentials/', /169\.254\.169\.254 is a link-local, metadata/],
  ['http://[fd00:ec2::254]/latest/meta-data/', /link-local, metadata/],
  ['http://2852039166/latest/meta-data/', /\(169\.254\.169\.254\) is a link-local/],
  ['rtsp://[::ffff:169.254.169.254]:554/', /link-local/],
  ['http://10.0.0.1@169.254.169.254/', /link-local/],
  ['rtsp://10.0.0.1\\@169.254.169.254/', /not a plain camera URL/],
  ['http://127.0.0.1:5432/', /outside the camera networks/],
  ['rtsp://localhost:8554/cam', /outside the camera networks/],
  ['rtsp://0.0.0.0:554/', /unspecified/],
  ['http://93.184.216.34/', /outside the camera networks/],
];

describe('POST /api/cameras', () => {
  it.each(HOSTILE)('refuses the source %s with a 400 naming the problem, storing and starting nothing', async (source, why) => {
    const id = `evil-${HOSTILE.findIndex(([s]) => s === source)}`;
    const r = await admin.post('/api/cameras', camera(id, source, { enabled: true }));
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('source_not_allowed');
    expect(r.body.error.message).toMatch(/^source: /);
    expect(r.body.error.message).toMatch(why);
    expect(await t.store.getCamera(id)).toBeNull();
    expect(t.server.ctx.cameras.ids()).not.toContain(id);
    expect((await t.store.listAudit({ action: 'camera.add' })).items.filter((a) => a.target === id)).toEqual([]);
  });

  it('accepts a camera on a private network', async () => {
    const r = await admin.post('/api/cameras', camera('ok-cam', 'rtsps://admin:p%40ss@192.168.1.20:322/Streaming/Channels/101'));
    expect(r.status).toBe(200);
    expect((await t.store.getCamera('ok-cam'))?.url).toBe('rtsps://admin:p%40ss@192.168.1.20:322/Streaming/Channels/101');
  });
});

describe('PATCH /api/cameras/:id', () => {
  it.each(HOSTILE)('refuses to change a stored camera to %s, leaving it as it was', async (source, why) => {
    const r = await admin.request('PATCH', '/api/cameras/api-cam', { source });
    expect([r.status, r.body.error?.code]).toEqual([400, 'source_not_allowed']);
    expect(r.body.error.message).toMatch(why);
    expect((await t.store.getCamera('api-cam'))?.url).toBe('rtsp://10.0.0.7/live');
  });

  it('lets a config file camera keep its file source, but not be given another file or a host outside the networks', async () => {
    expect((await admin.request('PATCH', '/api/cameras/cfg-file', { name: 'Bãi xe' })).status).toBe(200);
    expect((await admin.request('PATCH', '/api/cameras/cfg-file', { source: CLIP, name: 'Bãi xe 2' })).status).toBe(200);
    for (const source of ['/etc/passwd', 'file:///data/argus.db', `${CLIP}.other`, 'http://169.254.169.254/']) {
      const r = await admin.request('PATCH', '/api/cameras/cfg-file', { source });
      expect([r.status, r.body.error?.code], source).toEqual([400, 'source_not_allowed']);
    }
    const stored = await t.store.getCamera('cfg-file');
    expect([stored?.url, stored?.name]).toEqual([CLIP, 'Bãi xe 2']);
  });

  it('refuses an edit of an API camera whose stored source is a file (stored before this rule) until its source is fixed', async () => {
    await t.store.upsertCamera({ id: 'legacy', siteId: 'qn', name: 'Legacy', kind: 'overview', url: '/etc/passwd', enabled: false, location: { lat: 15.5, lng: 108.4 }, zones: {}, rules: [], updatedAtMs: 1 });
    const r = await admin.request('PATCH', '/api/cameras/legacy', { name: 'Renamed' });
    expect([r.status, r.body.error?.code]).toEqual([400, 'source_not_allowed']);
    expect((await admin.request('PATCH', '/api/cameras/legacy', { name: 'Renamed', source: 'rtsp://10.1.1.1/cam' })).status).toBe(200);
  });
});

describe('cameras at start', () => {
  it('runs the config file camera from its file, and not an API camera stored with a file source', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'argus-sources-'));
    const { store } = await openServiceStore({ dataDir: dir }, {});
    // As if added through the API before this rule, or written into the database by someone else.
    await store.upsertSite({ id: 'qn', name: 'Quảng Nam', timeZone: 'Asia/Ho_Chi_Minh', district: null, ward: null, location: null });
    await store.upsertCamera({ id: 'smuggled', siteId: 'qn', name: 'Smuggled', kind: 'overview', url: join(dir, 'argus.db'), enabled: true, location: { lat: 15.5, lng: 108.4 }, zones: {}, rules: [], updatedAtMs: 1 });
    const cfg = configSchema.parse({ version: 1, sites: [{ id: 'qn', name: 'Quảng Nam' }], cameras: [camera('cfg-file', CLIP, { enabled: true, analysis: { fps: 2, width: 320 } })] });
    const server = await buildServer({ store, config: cfg, logger: false, webRoot: join(dir, 'no-ui'), startCameras: true, cameras: { modelsDir: join(dir, 'no-models') } });
    try {
      expect(server.ctx.cameras.ids()).toEqual(['cfg-file']);
      await waitFor('the config camera online from its file', async () => server.ctx.cameras.status('cfg-file')[0]?.health === 'online' || undefined, 30_000);
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
