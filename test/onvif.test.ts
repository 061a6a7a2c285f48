/**
 * Cameras found on the network, against a simulated ONVIF camera this test runs itself (test/onvif-device.ts: SOAP
 * with WS-UsernameToken checked, WS-Discovery on 239.255.255.250 joined on loopback; no host routing touched). Its
 * profiles' RTSP URIs point at a real RTSP camera (GStreamer serving a real road clip), so the camera added from the
 * probe really streams: discovered, probed (profiles, stream URIs, PTZ presets), added through POST /api/cameras with
 * the chosen profile's source, and analysed — with the password kept in the source, shown redacted, never audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArgusConfig } from '../src/config/schema.js';
import { parseConfig } from '../src/config/load.js';
import type { OnvifDevice, OnvifProbe } from '../src/contract/onvif.js';
import { sourceWithCredentials } from '../src/contract/sources.js';
import { isArgusError } from '../src/core/errors.js';
import { startTestServer, TestClient, type TestServer } from '../src/server/testing/harness.js';
import { probeOnvif } from '../src/video/onvif/client.js';
import { discoverOnvif } from '../src/video/onvif/discovery.js';
import { video } from './assets.js';
import { startSimDevice, type SimDevice } from './onvif-device.js';
import { freePort, gstreamerMissing, RtspCameras, until } from './rtsp-camera.js';

const USER = 'onvif-admin';
const okOf = (details: unknown): unknown => (details as Record<string, unknown> | null)?.['ok'];
const PASS = 'S3cret:pass@word';
const gstreamer = gstreamerMissing() === undefined;
const rtsp = new RtspCameras();
let device: SimDevice;
let rtspPort = 0;

beforeAll(async () => {
  rtspPort = await freePort();
  device = await startSimDevice({
    username: USER, password: PASS, name: 'Cổng Nguyễn Văn Linh',
    profiles: [
      { token: 'main', name: 'MainStream', width: 1280, height: 720, fps: 25, streamUri: `rtsp://127.0.0.1:${rtspPort}/cam`, ptz: true },
      { token: 'sub', name: 'SubStream', width: 640, height: 360, fps: 10, streamUri: `rtsp://127.0.0.1:${rtspPort}/cam`, ptz: false },
    ],
    presets: [{ token: 'p1', name: 'Cổng chính' }, { token: 'p2', name: 'Ngã tư' }],
  });
});
afterAll(async () => {
  await device.close();
  await rtsp.stopAll();
});

describe('ONVIF client', () => {
  it('finds the camera by WS-Discovery on loopback, with its device service and scopes', async () => {
    const found = await discoverOnvif({ interfaces: ['127.0.0.1'], timeoutMs: 800 });
    const d = found.find((x) => x.endpoint === device.endpoint);
    expect(d).toMatchObject({ xaddrs: [device.deviceUrl], name: 'Cổng Nguyễn Văn Linh', hardware: 'SIM-ONVIF-1', location: 'city/Da Nang', address: '127.0.0.1' });
    expect(device.probes).toBeGreaterThanOrEqual(1);
  });

  it('reads the profiles, their RTSP URIs and the PTZ presets with the digest credentials', async () => {
    const p = await probeOnvif(device.deviceUrl, { username: USER, password: PASS });
    expect(p.info).toEqual({ manufacturer: 'Argus Test', model: 'SIM-ONVIF-1', firmware: '1.0.0', serial: 'SN0001' });
    expect(p.profiles).toEqual([
      { token: 'main', name: 'MainStream', encoding: 'H264', width: 1280, height: 720, fps: 25, streamUri: `rtsp://127.0.0.1:${rtspPort}/cam`, ptz: true },
      { token: 'sub', name: 'SubStream', encoding: 'H264', width: 640, height: 360, fps: 10, streamUri: `rtsp://127.0.0.1:${rtspPort}/cam`, ptz: false },
    ]);
    expect(p.presets).toEqual([{ profileToken: 'main', token: 'p1', name: 'Cổng chính' }, { profileToken: 'main', token: 'p2', name: 'Ngã tư' }]);
    expect(device.requests.slice(-6).map((r) => r.action)).toEqual(['GetDeviceInformation', 'GetCapabilities', 'GetProfiles', 'GetStreamUri', 'GetStreamUri', 'GetPresets']);
    expect(device.requests.every((r) => r.authorised)).toBe(true);
  });

  it('says the user name or password is wrong when the camera refuses the digest', async () => {
    const e = await probeOnvif(device.deviceUrl, { username: USER, password: 'wrong' }).catch((x: unknown) => x);
    expect(isArgusError(e, 'source_auth_failed')).toBe(true);
    expect((e as Error).message).toMatch(/refused the user name or password/);
  });

  it('puts the credentials into the chosen stream URI, percent-encoded', () => {
    expect(sourceWithCredentials('rtsp://10.0.0.20:554/Streaming/101', 'admin', 'p@ss:w/rd')).toBe('rtsp://admin:p%40ss%3Aw%2Frd@10.0.0.20:554/Streaming/101');
    expect(sourceWithCredentials('rtsp://old:x@10.0.0.20/s', 'a', 'b')).toBe('rtsp://a:b@10.0.0.20/s');
  });
});

describe('ONVIF through the API', () => {
  let t: TestServer;
  let admin: TestClient;
  beforeAll(async () => {
    const parsed = parseConfig(`version: 1
server:
  cameraNetworks: [127.0.0.1/32]
sites:
  - id: dn
    name: Đà Nẵng
cameras: []
`);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const config: ArgusConfig = parsed.config;
    t = await startTestServer('sqlite', { config, startCameras: true, onvif: { interfaces: ['127.0.0.1'] } });
    admin = await TestClient.login(t.url, 'admin');
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('lists the camera for an admin (audited) and refuses the other roles', async () => {
    const r = await admin.post('/api/onvif/discover', { timeoutMs: 800 });
    expect(r.status).toBe(200);
    const d = (r.body.items as OnvifDevice[]).find((x) => x.endpoint === device.endpoint);
    expect(d).toMatchObject({ xaddrs: [device.deviceUrl], name: 'Cổng Nguyễn Văn Linh', allowed: true });
    expect((await t.store.listAudit({ action: 'onvif.discover' })).items).toHaveLength(1);
    for (const role of ['supervisor', 'operator', 'viewer'] as const) {
      const c = await TestClient.login(t.url, role);
      expect((await c.post('/api/onvif/discover', {})).status).toBe(403);
      expect((await c.post('/api/onvif/probe', { url: device.deviceUrl, username: USER, password: PASS })).status).toBe(403);
    }
  });

  it('refuses to probe an address outside the camera networks, requesting nothing', async () => {
    const before = device.requests.length;
    const r = await admin.post('/api/onvif/probe', { url: 'http://169.254.169.254/onvif/device_service', username: USER, password: PASS });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('source_not_allowed');
    const outside = await admin.post('/api/onvif/probe', { url: '192.168.1.20', username: USER, password: PASS });
    expect(outside.body.error.message).toMatch(/outside the camera networks/);
    expect(device.requests.length).toBe(before);
  });

  it.runIf(gstreamer)('probes the camera, and the chosen profile added through POST /api/cameras streams and is analysed', async () => {
    await rtsp.start(video('opencv4nodejs_traffic.mp4'), rtspPort);
    const bad = await admin.post('/api/onvif/probe', { url: device.deviceUrl, username: USER, password: 'nope' });
    expect(bad.status).toBe(502);
    expect(bad.body.error.code).toBe('source_auth_failed');
    expect(bad.body.error.message).toMatch(/refused the user name or password/);

    const r = await admin.post('/api/onvif/probe', { url: device.deviceUrl, username: USER, password: PASS });
    expect(r.status).toBe(200);
    const probe = r.body as OnvifProbe;
    expect(probe.profiles.map((p) => p.token)).toEqual(['main', 'sub']);
    expect(probe.presets.map((p) => p.name)).toEqual(['Cổng chính', 'Ngã tư']);
    expect(JSON.stringify(r.body)).not.toContain(PASS);

    const sub = probe.profiles.find((p) => p.token === 'sub')!;
    const source = sourceWithCredentials(sub.streamUri!, USER, PASS);
    const added = await admin.post('/api/cameras', {
      id: 'onvif-gate', name: 'Cổng Nguyễn Văn Linh', site: 'dn', kind: 'gateway', source, location: { lat: 16.06, lng: 108.22 }, analysis: { fps: 5, width: 640 },
    });
    expect(added.status).toBe(200);
    expect(added.body.source).toBe(`rtsp://${USER}:***@127.0.0.1:${rtspPort}/cam`);
    expect((await t.store.getCamera('onvif-gate'))?.url).toBe(source);
    await until(() => (t.server.ctx.cameras.status('onvif-gate')[0]?.framesAnalysed ?? 0) >= 10, 60_000, 'frames of the ONVIF camera analysed');
    expect(t.server.ctx.cameras.status('onvif-gate')[0]?.health).toBe('online');

    const audit = (await t.store.listAudit({})).items.filter((a) => a.action.startsWith('onvif.') || a.action === 'camera.add');
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['onvif.probe', 'camera.add']));
    expect(audit.find((a) => a.action === 'onvif.probe' && okOf(a.details) === true)).toMatchObject({ target: device.deviceUrl, details: { cameraUser: USER, username: 'admin', profiles: 2, presets: 2 } });
    expect(audit.find((a) => a.action === 'onvif.probe' && okOf(a.details) === false)).toBeDefined();
    expect(JSON.stringify(audit)).not.toContain(PASS);
    expect(JSON.stringify(audit)).not.toContain(encodeURIComponent(PASS));
  }, 90_000);
});
