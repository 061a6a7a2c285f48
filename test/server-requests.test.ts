/**
 * Requests between agencies against a real server (SQLite and PostgreSQL): a partner's key asks for footage, a plate
 * trace or evidence in its area; a supervisor approves (the signed package verifies with the service's evidence key,
 * and fails once a byte is changed) or refuses; the read-only link serves the package without sign-in until it
 * expires or is revoked (410 Gone after); every step is audited; scope is held on both sides; a disabled owner's key
 * stops.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShareRequest } from '../src/contract/requests.js';
import { probeDurationSec } from '../src/evidence/clip.js';
import { newKeys, speedingInput } from '../src/evidence/testing/fixture.js';
import { verifyEvidence } from '../src/evidence/verify.js';
import { writeEvidence } from '../src/evidence/writer.js';
import { newApiKey } from '../src/server/auth.js';
import { startTestServer, TEST_PASSWORD, TestClient, type TestServer } from '../src/server/testing/harness.js';
import { createUser } from '../src/server/users.js';
import { testDialects } from '../src/store/postgres/testing-db.js';
import { segmentName } from '../src/video/segment-names.js';
import { video } from './assets.js';

const run = promisify(execFile);
const dialects = await testDialects('server-requests');
const MIN = 60_000;

const unpacked: string[] = [];
afterAll(async () => {
  for (const d of unpacked) await rm(d, { recursive: true, force: true });
});

/** Fetches a tar, unpacks it into a new folder; returns the package folder (the tar's one top folder). */
async function unpack(res: Response): Promise<string> {
  expect(res.status, await res.clone().text().catch(() => '')).toBe(200);
  expect(res.headers.get('content-type')).toContain('application/x-tar');
  const dir = await mkdtemp(join(tmpdir(), 'argus-share-'));
  unpacked.push(dir);
  await writeFile(join(dir, 'p.tar'), Buffer.from(await res.arrayBuffer()));
  await run('tar', ['-xf', join(dir, 'p.tar'), '-C', dir]);
  const top = (await readdir(dir)).filter((n) => n !== 'p.tar');
  expect(top).toHaveLength(1);
  return join(dir, top[0]!);
}

/** The request once its package is no longer being built (footage is built in the background). */
async function settled(c: TestClient, id: string): Promise<ShareRequest> {
  for (const end = Date.now() + 120_000; Date.now() < end; await new Promise((res) => setTimeout(res, 200))) {
    const x = (await c.get(`/api/requests/${id}`)).body as ShareRequest;
    if (x.status !== 'preparing') return x;
  }
  throw new Error(`request ${id} still preparing after 120 s`);
}

describe.each(dialects)('requests between agencies over %s', (dialect) => {
  let t: TestServer;
  let key: TestClient;
  let partner: TestClient;
  let sup: TestClient;
  let pubPem: () => Promise<string>;
  let partnerId: string;
  const now = Date.now();
  const segStart = now - 30 * MIN;
  beforeAll(async () => {
    t = await startTestServer(dialect, { footageInDataDir: true });
    pubPem = () => readFile(join(t.dataDir, 'keys', 'evidence-ed25519.pub.pem'), 'utf8');
    await t.store.upsertSite({ id: 'qn', name: 'Quảng Nam', timeZone: 'Asia/Ho_Chi_Minh', district: null, ward: null, location: null });
    for (const [id, district] of [['cam-ha', 'Hội An'], ['cam-tk', 'Tam Kỳ']] as const) {
      await t.store.upsertCamera({ id, siteId: 'qn', name: `Camera ${district}`, kind: 'security', url: `rtsp://10.0.0.1/${id}`, enabled: false, location: { lat: 15.88, lng: 108.33 }, zones: { area: { district } }, rules: [], updatedAtMs: 0 });
    }
    // Recordings of cam-ha: three 20 s segments (a real road video) starting at 0, 20 s and 100 s.
    await mkdir(join(t.dataDir, 'recordings', 'cam-ha'), { recursive: true });
    for (const at of [0, 20_000, 100_000]) await copyFile(video('opencv4nodejs_traffic.mp4'), join(t.dataDir, 'recordings', 'cam-ha', segmentName(segStart + at)));
    const s = (id: string, cameraId: string, atMs: number) => ({ id, cameraId, atMs, plateKey: '92A12345', display: '92A-123.45', confidence: 0.9, category: 'white', cls: 'car', trackId: 1, direction: null, cropRef: null });
    await t.store.insertSightings([s('s1', 'cam-ha', now - 20 * MIN), s('s2', 'cam-tk', now - 19 * MIN), s('s3', 'cam-ha', now - 10 * MIN)]);
    for (const [id, cam] of [['v-ha', 'cam-ha'], ['v-tk', 'cam-tk']] as const) await t.store.insertViolation({ id, cameraId: cam, atMs: now - 5 * MIN, kind: 'speeding', plateKey: '92A12345', plateDisplay: '92A-123.45', details: {} });
    const written = await writeEvidence(await speedingInput(join(t.dataDir, 'evidence'), await newKeys(), 'v-ha'));
    await t.store.putEvidence({ id: 'v-ha-pkg', violationId: 'v-ha', eventId: null, kind: 'manifest', path: 'v-ha', sha256: written.manifestSha256, bytes: 0, createdAtMs: now });
    const p = await createUser(t.store, { username: 'cong-an-hoi-an', password: TEST_PASSWORD, roles: ['partner'], scope: { districts: ['Hội An'] } });
    partnerId = p.id;
    await createUser(t.store, { username: 'sup-tamky', password: TEST_PASSWORD, roles: ['supervisor'], scope: { districts: ['Tam Kỳ'] } });
    const k = newApiKey();
    await t.store.createApiKey({ id: k.id, name: 'CA Hội An', keyHash: k.keyHash, prefix: k.prefix, scopes: ['requests.create'], scope: { districts: ['Hội An'] }, rateLimitPerMin: 600, ownerUserId: p.id, createdAtMs: now, expiresAtMs: now + 86_400_000, revokedAtMs: null, lastUsedMs: null });
    key = new TestClient(t.url);
    key.bearer = k.secret;
    partner = await TestClient.login(t.url, 'cong-an-hoi-an');
    sup = await TestClient.login(t.url, 'supervisor');
  }, 60_000);
  afterAll(async () => {
    await t?.dispose();
  });
  const ask = (c: TestClient, body: Record<string, unknown>) => c.post('/api/requests', { reason: 'Điều tra vụ trộm xe máy số 12/2026', legalBasis: 'Điều 88 Bộ luật Tố tụng hình sự 2015', ...body });

  it('runs a footage request: asked with a key, approved once, the signed package verifies and fails with one byte changed; every step audited', async () => {
    const r = await ask(key, { kind: 'footage', cameraId: 'cam-ha', fromMs: segStart + 5_000, toMs: segStart + 100_000, agency: 'Công an TP Hội An' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const req = r.body as ShareRequest;
    expect(req).toMatchObject({ kind: 'footage', status: 'pending', agency: 'Công an TP Hội An', link: null });
    // The partner's own session sees its key's request (one agency); an approver sees it; a viewer may not list.
    expect(((await partner.get('/api/requests')).body as { items: ShareRequest[] }).items.map((x) => x.id)).toContain(req.id);
    expect((await (await TestClient.login(t.url, 'viewer')).get('/api/requests')).status).toBe(403);
    // What waits for a decision (the approver's menu badge asks for that alone).
    const ids = async (c: TestClient, q: string) => ((await c.get(`/api/requests${q}`)).body as { items: ShareRequest[] }).items.map((x) => x.id);
    expect(await ids(sup, '?status=pending')).toContain(req.id);
    expect((await sup.get('/api/requests?status=waiting')).status).toBe(400);
    expect((await key.post(`/api/requests/${req.id}/approve`, {})).status).toBe(403);
    const a = await sup.post(`/api/requests/${req.id}/approve`, { note: 'Đồng ý cung cấp', expiresAtMs: now + 3_600_000 });
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    // Recorded footage is looked through for faces in the background: preparing first, nothing served meanwhile.
    expect(a.body).toMatchObject({ status: 'preparing', progress: 0, link: null, deciderName: 'supervisor' });
    expect((await sup.post(`/api/requests/${req.id}/approve`, {})).status).toBe(409);
    const approved = await settled(key, req.id);
    expect(approved).toMatchObject({ status: 'approved', deciderName: 'supervisor', decisionReason: 'Đồng ý cung cấp', expiresAtMs: now + 3_600_000, progress: null, buildError: null });
    expect(approved.link).toMatch(/^\/api\/shares\/[A-Za-z0-9_-]{43}$/);
    expect((await sup.post(`/api/requests/${req.id}/approve`, {})).status).toBe(409);
    expect((await sup.post(`/api/requests/${req.id}/refuse`, { reason: 'đổi ý' })).status).toBe(409);
    expect(await ids(sup, '?status=pending')).not.toContain(req.id);
    expect(await ids(sup, '?status=approved')).toContain(req.id);
    expect(await ids(key, '?status=approved')).toContain(req.id);
    // The requester follows the status and gets the same link.
    expect(((await key.get(`/api/requests/${req.id}`)).body as ShareRequest)).toMatchObject({ status: 'approved', link: approved.link });

    const dir = await unpack(await fetch(`${t.url}/api/requests/${req.id}/package`, { headers: { authorization: `Bearer ${key.bearer}` } }));
    // The window's recordings: the first segment cut to it (from 5 s: 15 s left), the second whole (20 s to 100 s:
    // inside), not the third (from 100 s); the request, the manifest and its signature; privacy.json, as the face finder
    // saw faces in the road video (a recording without any would go byte for byte, as the face-blur test shows).
    expect((await readdir(dir)).sort()).toEqual([segmentName(segStart + 5_000), segmentName(segStart + 20_000), 'manifest.json', 'manifest.sig', 'privacy.json', 'request.json'].sort());
    expect(await probeDurationSec(join(dir, segmentName(segStart + 5_000)))).toBeCloseTo(15, 0);
    expect(await probeDurationSec(join(dir, segmentName(segStart + 20_000)))).toBeCloseTo(await probeDurationSec(video('opencv4nodejs_traffic.mp4')), 0);
    const privacy = JSON.parse(await readFile(join(dir, 'privacy.json'), 'utf8')) as { blurred: Record<string, number>; note: string };
    expect(Object.keys(privacy.blurred).sort()).toEqual([segmentName(segStart + 5_000), segmentName(segStart + 20_000)].sort());
    expect(privacy.note).toMatch(/requesting agency/);
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { share: Record<string, unknown> };
    expect(manifest.share).toMatchObject({ requestId: req.id, reason: 'Điều tra vụ trộm xe máy số 12/2026', legalBasis: 'Điều 88 Bộ luật Tố tụng hình sự 2015', approvedBy: 'supervisor', expiresAtMs: now + 3_600_000, agency: 'Công an TP Hội An' });
    expect((await verifyEvidence(dir, await pubPem())).ok).toBe(true);
    const seg = join(dir, segmentName(segStart + 20_000));
    const bytes = await readFile(seg);
    bytes[100] = bytes[100]! ^ 0xff;
    await writeFile(seg, bytes);
    const bad = await verifyEvidence(dir, await pubPem());
    expect(bad.ok).toBe(false);
    expect(bad.problems).toEqual([{ file: segmentName(segStart + 20_000), problem: 'modified' }]);

    // The read-only link: no sign-in, the same package.
    const viaLink = await unpack(await fetch(`${t.url}${approved.link!}`));
    expect((await verifyEvidence(viaLink, await pubPem())).ok).toBe(true);
    const audit = (await t.store.listAudit({ limit: 200 })).items.filter((x) => x.target === req.id);
    expect(audit.map((x) => x.action).sort()).toEqual(['share.approve', 'share.download', 'share.package', 'share.request', 'share.view'].sort());
    const view = audit.find((x) => x.action === 'share.view')!;
    expect(view.details).toMatchObject({ tokenId: expect.stringMatching(/^[0-9a-f]{12}$/), ip: '127.0.0.1', served: true });
    expect(audit.find((x) => x.action === 'share.request')!.actor).toMatch(/^apikey:/);
  });

  it('shares a plate trace only on cameras the requester could see, and evidence with its own signed package inside', async () => {
    const tr = (await ask(key, { kind: 'plate_trace', plate: '92A-123.45', fromMs: now - 3_600_000, toMs: now })).body as ShareRequest;
    expect(tr.status).toBe('pending');
    // The Tam Kỳ supervisor's area holds none of the requester's cameras: he does not see it.
    const tamky = await TestClient.login(t.url, 'sup-tamky');
    expect((await tamky.post(`/api/requests/${tr.id}/approve`, {})).status).toBe(404);
    expect(((await tamky.get('/api/requests')).body as { items: ShareRequest[] }).items.some((x) => x.id === tr.id)).toBe(false);
    expect(((await tamky.get('/api/requests?status=pending')).body as { items: ShareRequest[] }).items.some((x) => x.id === tr.id)).toBe(false);
    expect(((await sup.get('/api/requests?status=pending')).body as { items: ShareRequest[] }).items.some((x) => x.id === tr.id)).toBe(true);
    const ok = await sup.post(`/api/requests/${tr.id}/approve`, {});
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect((ok.body as ShareRequest).expiresAtMs).toBeGreaterThanOrEqual(now + 72 * 3_600_000 - 5_000);
    const dir = await unpack(await fetch(`${t.url}/api/requests/${tr.id}/package`, { headers: { cookie: partner.cookie } }));
    const csv = await readFile(join(dir, 'trace.csv'), 'utf8');
    expect(csv.trim().split('\r\n')).toHaveLength(3); // header + the two Hội An sightings (not Tam Kỳ's)
    expect(csv).not.toContain('cam-tk');
    expect((await verifyEvidence(dir, await pubPem())).ok).toBe(true);

    const ev = (await ask(partner, { kind: 'evidence', violationId: 'v-ha' })).body as ShareRequest;
    expect((await sup.post(`/api/requests/${ev.id}/approve`, {})).status).toBe(200);
    const evDir = await unpack(await fetch(`${t.url}/api/requests/${ev.id}/package`, { headers: { cookie: partner.cookie } }));
    expect(await readdir(evDir)).toEqual(expect.arrayContaining(['violation.json', 'evidence-manifest.json', 'evidence-manifest.sig', 'composite.jpg', 'manifest.json']));
    expect((await verifyEvidence(evDir, await pubPem())).ok).toBe(true);
  });

  it('refuses what lies outside the requester\'s area (a key\'s area included), windows too long, and deciding one\'s own request', async () => {
    expect((await ask(key, { kind: 'footage', cameraId: 'cam-tk', fromMs: now - 10 * MIN, toMs: now })).status).toBe(403);
    expect((await ask(key, { kind: 'footage', cameraId: 'nope', fromMs: now - 10 * MIN, toMs: now })).status).toBe(403);
    expect((await ask(key, { kind: 'evidence', violationId: 'v-tk' })).status).toBe(403);
    expect((await ask(key, { kind: 'footage', cameraId: 'cam-ha', fromMs: now - 120 * MIN, toMs: now })).status).toBe(400);
    expect((await ask(key, { kind: 'footage', cameraId: 'cam-ha', fromMs: now, toMs: now - MIN })).status).toBe(400);
    expect((await ask(key, { kind: 'footage', cameraId: 'cam-ha', fromMs: now - MIN, toMs: now, legalBasis: '' })).status).toBe(400);
    expect((await ask(sup, { kind: 'evidence', violationId: 'v-ha' })).status).toBe(403); // a supervisor approves, does not ask
    const admin = await TestClient.login(t.url, 'admin');
    const own = (await ask(admin, { kind: 'evidence', violationId: 'v-tk' })).body as ShareRequest;
    expect((await admin.post(`/api/requests/${own.id}/approve`, {})).status).toBe(403);
    // A supervisor of Tam Kỳ does not see (nor approve) footage of Hội An.
    const ha = (await ask(key, { kind: 'footage', cameraId: 'cam-ha', fromMs: segStart, toMs: segStart + MIN })).body as ShareRequest;
    expect((await (await TestClient.login(t.url, 'sup-tamky')).post(`/api/requests/${ha.id}/approve`, {})).status).toBe(404);
    expect((await sup.post(`/api/requests/${ha.id}/approve`, { expiresAtMs: now + 40 * 86_400_000 })).status).toBe(400);
  });

  it('tells the requester why a request was refused, and serves nothing for it', async () => {
    const x = (await ask(key, { kind: 'footage', cameraId: 'cam-ha', fromMs: segStart, toMs: segStart + MIN })).body as ShareRequest;
    expect((await sup.post(`/api/requests/${x.id}/refuse`, { reason: '' })).status).toBe(400);
    const r = await sup.post(`/api/requests/${x.id}/refuse`, { reason: 'Thiếu quyết định khởi tố' });
    expect(r.body).toMatchObject({ status: 'refused', decisionReason: 'Thiếu quyết định khởi tố', link: null });
    expect(((await key.get(`/api/requests/${x.id}`)).body as ShareRequest)).toMatchObject({ status: 'refused', decisionReason: 'Thiếu quyết định khởi tố' });
    expect((await key.get(`/api/requests/${x.id}/package`)).status).toBe(409);
    expect((await t.store.listAudit({ limit: 300 })).items.some((a) => a.action === 'share.refuse' && a.target === x.id)).toBe(true);
  });

  it('answers 410 Gone once the share expires or is revoked, and audits the refused looks too', async () => {
    // A trace: built at once (no footage to cut), so two seconds are enough to fetch it before it expires.
    const x = (await ask(key, { kind: 'plate_trace', plate: '92A12345', fromMs: now - 3_600_000, toMs: now })).body as ShareRequest;
    const a = (await sup.post(`/api/requests/${x.id}/approve`, { expiresAtMs: Date.now() + 2_000 })).body as ShareRequest;
    expect((await fetch(`${t.url}${a.link!}`)).status).toBe(200);
    await new Promise((res) => setTimeout(res, 2_100));
    const gone = await fetch(`${t.url}${a.link!}`);
    expect(gone.status).toBe(410);
    expect(((await gone.json()) as { error: { message: string } }).error.message).toContain('expired');
    expect((await key.get(`/api/requests/${x.id}/package`)).status).toBe(410);
    expect(((await key.get(`/api/requests/${x.id}`)).body as ShareRequest)).toMatchObject({ status: 'expired', link: null });
    // Stored as approved, shown and listed as expired.
    const listed = async (q: string) => ((await key.get(`/api/requests${q}`)).body as { items: ShareRequest[] }).items.map((r) => r.id);
    expect(await listed('?status=expired')).toContain(x.id);
    expect(await listed('?status=approved')).not.toContain(x.id);
    const looks = (await t.store.listAudit({ limit: 300 })).items.filter((e) => e.action === 'share.view' && e.target === x.id);
    expect(looks.map((e) => (e.details as Record<string, unknown>)['served']).sort()).toEqual([false, true]);

    // (Ten seconds of the last segment: the package is looked through for faces before it is served.)
    const y = (await ask(key, { kind: 'footage', cameraId: 'cam-ha', fromMs: segStart + 100_000, toMs: segStart + 110_000 })).body as ShareRequest;
    expect((await sup.post(`/api/requests/${y.id}/approve`, {})).body).toMatchObject({ status: 'preparing' });
    const b = await settled(sup, y.id);
    expect(await readdir(join(t.dataDir, 'shares', y.id))).toContain('manifest.sig');
    expect((await sup.post(`/api/requests/${y.id}/revoke`)).body).toMatchObject({ status: 'revoked', link: null });
    await expect(readdir(join(t.dataDir, 'shares', y.id))).rejects.toThrow(/ENOENT/);
    const revoked = await fetch(`${t.url}${b.link!}`);
    expect([revoked.status, ((await revoked.json()) as { error: { message: string } }).error.message]).toEqual([410, expect.stringContaining('revoked')]);
    expect((await fetch(`${t.url}/api/shares/${'A'.repeat(43)}`)).status).toBe(404);
  });

  it("stops a partner key once its owner is disabled", async () => {
    expect((await key.get('/api/requests')).status).toBe(200);
    const admin = await TestClient.login(t.url, 'admin');
    expect((await admin.request('PATCH', `/api/users/${partnerId}`, { disabled: true })).status).toBe(200);
    const r = await ask(key, { kind: 'footage', cameraId: 'cam-ha', fromMs: segStart, toMs: segStart + MIN });
    expect([r.status, JSON.stringify(r.body)]).toEqual([401, expect.stringContaining('owner of this API key is disabled')]);
    expect((await key.get('/api/requests')).status).toBe(401);
  });
});
