import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { configSchema } from '../src/config/schema.js';
import { parseRange } from '../src/server/range.js';
import { startTestServer, TestClient, type TestServer } from '../src/server/testing/harness.js';
import { video } from './assets.js';
import { freePort, gstreamerMissing, loopClip, RtspCameras } from './rtsp-camera.js';
import { sse, waitFor as until } from './sse-client.js';

/**
 * The camera manager inside a real server: a looping real clip keeps being analysed while an RTSP camera whose
 * server is killed raises a signal-loss alert (store + live SSE) within 5 s; cameras are added and removed at
 * run time; without the detector model the service still runs and says what is missing.
 */
const CLIP = video('opencv4nodejs_traffic.mp4');
const gstreamer = gstreamerMissing() === undefined;
const rtspCameras = new RtspCameras();

const cleanup: Array<() => Promise<void>> = [];

/** One file over HTTP on loopback, with byte ranges (an mp4 whose index is at the end needs them). */
async function serveFile(file: string): Promise<{ url: string; close(): Promise<void> }> {
  const size = (await stat(file)).size;
  const srv = createServer((req, res) => {
    const range = parseRange(req.headers.range, size);
    if (range === 'unsatisfiable') return void res.writeHead(416).end();
    const { start, end } = range ?? { start: 0, end: size - 1 };
    res.writeHead(range ? 206 : 200, { 'content-type': 'video/mp4', 'accept-ranges': 'bytes', 'content-length': end - start + 1, ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}) });
    createReadStream(file, { start, end }).pipe(res);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, close: () => new Promise((r) => {
    srv.close(() => r());
    srv.closeAllConnections();
  }) };
}
afterAll(async () => {
  for (const f of cleanup.reverse()) await f();
  await rtspCameras.stopAll();
});

const camera = (id: string, source: string, name: string, lat: number) => ({
  id, name, site: 'qn', kind: 'overview', source, location: { lat, lng: 108.2 }, analysis: { fps: 5, width: 320 },
  lines: [{ id: 'L1', points: [[0, 0.55], [1, 0.55]] }],
});

describe('the camera manager in the service', () => {
  it.runIf(gstreamer)('raises a signal-loss alert within 5 s of an RTSP camera dying while a looping camera keeps analysing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'argus-cam-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const longClip = loopClip(CLIP, join(dir, 'long.mp4'), 5);
    const port = await freePort();
    const rtsp = await rtspCameras.start(longClip, port);
    const config = configSchema.parse({
      version: 1,
      sites: [{ id: 'qn', name: 'Công an tỉnh Quảng Nam' }],
      cameras: [camera('loop', CLIP, 'Vòng lặp', 15.57), camera('street', `rtsp://127.0.0.1:${port}/cam`, 'Phố', 15.58)],
    });
    const t: TestServer = await startTestServer('sqlite', { config, startCameras: true });
    cleanup.push(() => t.dispose());
    const op = await TestClient.login(t.url, 'operator');
    const live = sse(`${t.url}/api/live`, op.cookie);
    cleanup.push(async () => live.close());
    const mgr = t.server.ctx.cameras;
    await until('both cameras analysing', async () => mgr.status().every((s) => s.health === 'online' && s.framesAnalysed > 3), 60_000);
    expect(mgr.status().map((s) => s.analysis)).toEqual(['running', 'running']);
    expect((await t.store.listAlerts({ kinds: ['signal_loss'] })).items).toHaveLength(0);

    const loopBefore = mgr.status('loop')[0]!.framesAnalysed;
    const killedAt = Date.now();
    rtsp.kill('SIGKILL');
    const alert = await until('a signal-loss alert', async () => (await t.store.listAlerts({ kinds: ['signal_loss'] })).items[0], 8000);
    const latencyMs = Date.now() - killedAt;
    expect(alert.cameraId).toBe('street');
    expect(latencyMs).toBeLessThan(5000);
    await until('the alert on the live stream', async () => live.messages.find((m) => m.event === 'alert' && m.data.kind === 'signal_loss'), 2000);
    expect(live.messages.some((m) => m.event === 'health' && m.data.id === 'street' && m.data.health === 'offline')).toBe(true);
    const status = await op.get('/api/cameras/status');
    const street = status.body.items.find((s: { id: string }) => s.id === 'street');
    expect(street.health).toBe('offline');
    expect(street.signalLost).toBe(true);

    // The other camera never stopped.
    await until('the looping camera to keep analysing', async () => mgr.status('loop')[0]!.framesAnalysed > loopBefore + 10, 15_000);
    expect(mgr.status('loop')[0]!.health).toBe('online');
    expect((await t.store.listAlerts({ kinds: ['signal_loss'], cameraIds: ['loop'] })).items).toHaveLength(0);
    console.log(`signal-loss alert ${latencyMs} ms after the RTSP server was killed`);
  }, 120_000);

  it('runs without the detector model, says what is missing, and adds and removes cameras at run time', async () => {
    const emptyModels = await mkdtemp(join(tmpdir(), 'argus-nomodels-'));
    cleanup.push(() => rm(emptyModels, { recursive: true, force: true }));
    // A camera added through the API is a network camera on an allowed network: here the clip over HTTP on loopback.
    const config = configSchema.parse({ version: 1, sites: [{ id: 'qn', name: 'Quảng Nam' }], cameras: [camera('loop', CLIP, 'Vòng lặp', 15.57)], server: { cameraNetworks: ['127.0.0.1/32'] } });
    const clipServer = await serveFile(CLIP);
    cleanup.push(() => clipServer.close());
    const t = await startTestServer('sqlite', { config, startCameras: true, cameras: { modelsDir: emptyModels } });
    cleanup.push(() => t.dispose());
    const admin = await TestClient.login(t.url, 'admin');
    const mgr = t.server.ctx.cameras;
    await until('the camera online', async () => mgr.status('loop')[0]?.health === 'online', 30_000);
    const health = await admin.get('/api/health');
    expect(health.body.status).toBe('degraded');
    expect(health.body.problems.join(' ')).toMatch(/yolox_nano_416_coco.*not found/);
    const st = mgr.status('loop')[0]!;
    expect(st.analysis).toBe('no_model');
    expect(st.message).toMatch(/ARGUS_MODELS/);

    const added = await admin.post('/api/cameras', camera('extra', `${clipServer.url}/extra.mp4`, 'Thêm', 15.59));
    expect(added.status).toBe(200);
    await until('the added camera online', async () => mgr.status('extra')[0]?.health === 'online', 30_000);
    const loopFrames = mgr.status('loop')[0]!.framesAnalysed;
    expect((await admin.request('DELETE', '/api/cameras/extra')).status).toBe(200);
    expect(mgr.ids()).toEqual(['loop']);
    expect(await t.store.getCamera('extra')).toBeNull();
    await until('the first camera to keep going', async () => mgr.status('loop')[0]!.framesAnalysed > loopFrames + 5, 15_000);
    await new Promise((r) => setTimeout(r, 3500));
    expect((await t.store.listAlerts({ kinds: ['signal_loss'] })).items).toHaveLength(0);
    expect((await t.store.listAudit({ action: 'camera.add' })).items.map((a) => a.target)).toEqual(['extra']);

    // Snapshots of a running camera come from its latest analysed frame; a wall's refreshes are one audited look.
    const snap = async () => fetch(`${t.url}/api/cameras/loop/snapshot.jpg`, { headers: { cookie: admin.cookie } });
    const first = await snap();
    expect([first.status, first.headers.get('x-argus-frame')]).toEqual([200, 'live']);
    const meta = await sharp(Buffer.from(await first.arrayBuffer())).metadata();
    expect([meta.format, meta.width]).toEqual(['jpeg', mgr.latestFrame('loop')?.size.width]);
    expect((await snap()).status).toBe(200);
    const looks = (await t.store.listAudit({ action: 'footage.view' })).items.filter((a) => a.target === 'loop');
    expect(looks).toHaveLength(1);
  }, 90_000);
});
