/** Footage against a real server: recordings, retention with an alert, HLS, snapshots, traversal, the notice PDF. */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../src/config/schema.js';
import { newKeys, writeSpeedingEvidence } from '../src/evidence/testing/fixture.js';
import { RetentionService } from '../src/server/recordings.js';
import { closeFootage } from '../src/server/routes/footage.js';
import { startTestServer, TestClient, TEST_PASSWORD, type TestServer } from '../src/server/testing/harness.js';
import { createUser } from '../src/server/users.js';
import { Recorder } from '../src/video/recorder.js';
import { segmentStartMs } from '../src/video/segment-names.js';

let dataDir = '';
let srv: TestServer;
let admin: TestClient;
let clip = '';
/** The `what` and `file` of an audit row's details. */
const look = (a: { details: unknown }) => a.details as { what?: string; file?: string };

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'argus-footage-'));
  process.env['ARGUS_DATA_DIR'] = dataDir;
  clip = join(dataDir, 'clip.mp4');
  // A real h264 clip with a key frame every 0.5 s (segments can be cut every second).
  execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10', '-t', '4', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '5', '-pix_fmt', 'yuv420p', '-y', clip]);
  // A file camera comes from the config file (the API accepts network cameras only); it is not analysed here.
  const config = configSchema.parse({
    version: 1, sites: [{ id: 'hk', name: 'Công an phường Hoàn Kiếm' }],
    cameras: [{ id: 'cam1', name: 'Ngã tư Tràng Tiền', site: 'hk', kind: 'intersection', source: clip, location: { lat: 21.0245, lng: 105.8567 } }],
  });
  srv = await startTestServer('sqlite', { config });
  await srv.store.upsertSite({ id: 'hk', name: 'Công an phường Hoàn Kiếm', timeZone: 'Asia/Ho_Chi_Minh', district: 'Hoàn Kiếm', ward: 'Tràng Tiền', location: null });
  admin = await TestClient.login(srv.url, 'admin');
  const rec = new Recorder({ cameraId: 'cam1', url: clip, dir: join(dataDir, 'recordings', 'cam1'), segmentSeconds: 1 });
  rec.start();
  await new Promise((r) => setTimeout(r, 4500));
  await rec.stop();
}, 30_000);

afterAll(async () => {
  await closeFootage();
  await srv.dispose();
  await rm(dataDir, { recursive: true, force: true });
});

describe('recordings', () => {
  it('lists the recorded segments and plays one back, audited', async () => {
    const r = await admin.get('/api/cameras/cam1/recordings');
    expect(r.status).toBe(200);
    expect(r.body.items.length).toBeGreaterThanOrEqual(3);
    const first = r.body.items[0];
    const res = await fetch(srv.url + first.url, { headers: { cookie: admin.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('video/mp4');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.length).toBe(first.bytes);
    expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
    const audit = await srv.store.listAudit({});
    expect(audit.items.some((a) => a.action === 'footage.view' && a.target === 'cam1')).toBe(true);
  });

  /** Ranges that once played a whole recording with no audit row (the audit decision must not depend on them). */
  const HOSTILE_RANGES: [string, Record<string, string>][] = [
    ['bytes=-99999999999', {}], ['bytes=00-', {}], ['bytes=0000-', {}], ['bytes=1-', {}], ['bytes=1-2,0-', {}],
    ['bytes=-500', {}], ['Bytes=0-', {}], ['bytes=5-', { 'if-range': '"stale-etag"' }],
  ];
  it.each(HOSTILE_RANGES)('audits a recording played with Range %s %o before sending a byte', async (range, extra) => {
    const username = `range${HOSTILE_RANGES.findIndex(([r, x]) => r === range && x === extra)}`;
    const u = await createUser(srv.store, { username, password: TEST_PASSWORD, roles: ['viewer'] });
    const c = await TestClient.login(srv.url, username);
    const first = (await c.get('/api/cameras/cam1/recordings')).body.items[0];
    const res = await fetch(srv.url + first.url, { headers: { cookie: c.cookie, range, ...extra } });
    expect([200, 206]).toContain(res.status);
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
    const rows = (await srv.store.listAudit({ actor: u.id, action: 'footage.view' })).items;
    expect(rows.map((a) => [a.target, look(a).what, look(a).file])).toEqual([['cam1', 'recording', first.file]]);
  });

  it('folds a viewer\'s repeated range reads of one recording into one audit row, per file', async () => {
    const u = await createUser(srv.store, { username: 'seeker', password: TEST_PASSWORD, roles: ['viewer'] });
    const c = await TestClient.login(srv.url, 'seeker');
    const [a, b] = (await c.get('/api/cameras/cam1/recordings')).body.items;
    for (const range of ['bytes=0-', 'bytes=0-99', 'bytes=100-', 'bytes=-1000', undefined, 'bytes=0-']) {
      await (await fetch(srv.url + a.url, { headers: { cookie: c.cookie, ...(range ? { range } : {}) } })).arrayBuffer();
    }
    const files = async () => (await srv.store.listAudit({ actor: u.id, action: 'footage.view' })).items.map((x) => look(x).file);
    expect(await files()).toEqual([a.file]);
    await (await fetch(srv.url + b.url, { headers: { cookie: c.cookie, range: 'bytes=0-' } })).arrayBuffer();
    expect((await files()).sort()).toEqual([a.file, b.file].sort());
  });

  it.each(['/api/recordings/cam1/..%2F..%2Fargus.db', '/api/recordings/..%2Fcam1/20260101T000000Z.mp4', '/api/recordings/cam1/20260101T000000Z.mp4%00.db', '/api/cameras/cam1/hls/..%2F..%2Fargus.db', '/api/cameras/cam1/hls/index.m3u8'])('rejects the traversal attempt %s with 400', async (path) => {
    const r = await admin.get(path);
    expect(r.status).toBe(400);
  });

  it('prunes the oldest segments over the quota, keeps evidence, and raises a disk alert', async () => {
    const evidence = join(dataDir, 'evidence', 'v1');
    await mkdir(evidence, { recursive: true });
    await writeFile(join(evidence, 'clip.mp4'), Buffer.alloc(200_000));
    const dir = join(dataDir, 'recordings', 'cam1');
    const segmentsIn = async (): Promise<string[]> => (await readdir(dir)).filter((f) => segmentStartMs(f) !== null).sort();
    const before = await segmentsIn();
    const sizes = await Promise.all(before.map(async (f) => (await stat(join(dir, f))).size));
    const quotaBytes = Math.floor(sizes.reduce((a, b) => a + b, 0) / 2);
    const svc = new RetentionService({ root: join(dataDir, 'recordings'), quotaBytes, ingest: srv.server.ctx.ingest });
    const result = await svc.runOnce();
    const after = await segmentsIn();
    expect(result?.deleted.length).toBeGreaterThan(0);
    expect(after.length).toBe(before.length - result!.deleted.length);
    expect(after).toEqual(before.slice(before.length - after.length));
    expect(result!.totalBytes).toBeLessThanOrEqual(quotaBytes);
    expect((await stat(join(evidence, 'clip.mp4'))).size).toBe(200_000);
    const alerts = await srv.store.listAlerts({});
    expect(alerts.items.some((a) => a.kind === 'disk_full')).toBe(true);
  });
});

describe('live view', () => {
  it('serves a JPEG snapshot', async () => {
    const res = await fetch(`${srv.url}/api/cameras/cam1/snapshot.jpg`, { headers: { cookie: admin.cookie } });
    expect(res.status).toBe(200);
    const b = Buffer.from(await res.arrayBuffer());
    expect([b[0], b[1]]).toEqual([0xff, 0xd8]);
  }, 20_000);

  it('serves an HLS playlist on demand and its segments', async () => {
    const r = await admin.get('/api/cameras/cam1/live.m3u8');
    expect(r.status).toBe(200);
    expect(String(r.body)).toMatch(/^#EXTM3U/);
    const seg = /^(hls\/seg\d+\.ts)$/m.exec(String(r.body))?.[1];
    expect(seg).toBeDefined();
    const res = await fetch(`${srv.url}/api/cameras/cam1/${seg}`, { headers: { cookie: admin.cookie } });
    expect(res.status).toBe(200);
    const b = Buffer.from(await res.arrayBuffer());
    expect(b[0]).toBe(0x47); // MPEG-TS sync byte
  }, 30_000);

  it('audits the live segments of a viewer who never asked for the playlist, and folds playlist reloads into one look', async () => {
    const r = await admin.get('/api/cameras/cam1/live.m3u8'); // the stream is running (started by the admin)
    const seg = /^(hls\/seg\d+\.ts)$/m.exec(String(r.body))?.[1];
    expect(seg).toBeDefined();
    const u = await createUser(srv.store, { username: 'segonly', password: TEST_PASSWORD, roles: ['viewer'] });
    const c = await TestClient.login(srv.url, 'segonly');
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${srv.url}/api/cameras/cam1/${seg}`, { headers: { cookie: c.cookie } });
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer())[0]).toBe(0x47);
    }
    const mine = async () => (await srv.store.listAudit({ actor: u.id, action: 'footage.view' })).items.map((a) => [a.target, look(a).what]);
    expect(await mine()).toEqual([['cam1', 'live']]);
    for (let i = 0; i < 3; i++) expect((await c.get('/api/cameras/cam1/live.m3u8')).status).toBe(200);
    expect(await mine()).toEqual([['cam1', 'live']]);
  }, 30_000);

  it('never opens the file source of a camera stored outside the config file (snapshot, live view)', async () => {
    await srv.store.upsertCamera({ id: 'smuggled', siteId: 'hk', name: 'Smuggled', kind: 'intersection', url: clip, enabled: true, location: null, zones: [], rules: [], updatedAtMs: Date.now() });
    for (const path of ['/api/cameras/smuggled/snapshot.jpg', '/api/cameras/smuggled/live.m3u8']) {
      const r = await admin.get(path);
      expect([r.status, r.body.error?.code], path).toEqual([409, 'source_not_allowed']);
      expect(r.body.error.message).toMatch(/only in the config file/);
    }
    expect((await srv.store.listAudit({ action: 'footage.view' })).items.filter((a) => a.target === 'smuggled')).toEqual([]);
  });

  it('refuses a viewer without a session', async () => {
    expect((await new TestClient(srv.url).get('/api/cameras/cam1/live.m3u8')).status).toBe(401);
  });
});

describe('notice PDF', () => {
  it('exports a one-page PDF with the evidence image and audits the export', async () => {
    // A real signed package (pictures, clip, manifest, Ed25519 signature), as the evidence stage writes it.
    const written = await writeSpeedingEvidence(join(dataDir, 'evidence'), await newKeys(), 'pkg1');
    await srv.store.insertViolation({ id: 'v1', cameraId: 'cam1', atMs: Date.UTC(2026, 10, 22, 0, 21, 5), kind: 'red_light', plateKey: '30A12345', plateDisplay: '30A-123.45', details: { cls: 'car', measurements: { signalAgeMs: 2400 } } });
    await srv.store.putEvidence({ id: 'v1-pkg', violationId: 'v1', eventId: null, kind: 'manifest', path: 'pkg1', sha256: '', bytes: 0, createdAtMs: Date.now() });
    // A picture replaced after signing is never printed: 409 naming the file, then the real one prints.
    const composite = join(written.dir, 'composite.jpg');
    const original = await readFile(composite);
    execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-i', clip, '-frames:v', '1', '-y', composite]);
    const refused = await admin.get('/api/violations/v1/notice.pdf');
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('evidence_damaged');
    expect(refused.body.error.message).toContain('composite.jpg');
    await writeFile(composite, original);
    const res = await fetch(`${srv.url}/api/violations/v1/notice.pdf`, { headers: { cookie: admin.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1')).toMatch(/\/Type \/Page /);
    expect(pdf.toString('latin1')).toMatch(/%%EOF\n$/);
    const audit = await srv.store.listAudit({});
    expect(audit.items.some((a) => a.action === 'export.notice' && a.target === 'v1')).toBe(true);
    expect((await admin.get('/api/violations/nope/notice.pdf')).status).toBe(404);
  }, 30_000);
});
