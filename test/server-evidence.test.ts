/**
 * Evidence download against a real server with a real signed evidence package (real frames and clip of a road
 * video, Ed25519-signed): the package as a tar that verifies after extraction, its manifest and signature, a
 * single file; permission and camera scope; audit; and hostile ids, names and stored paths (never served).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyEvidence } from '../src/evidence/verify.js';
import { newKeys, writeSpeedingEvidence } from '../src/evidence/testing/fixture.js';
import type { EvidenceKeyPair } from '../src/evidence/keys.js';
import { startTestServer, TestClient, TEST_PASSWORD, type TestServer } from '../src/server/testing/harness.js';
import { createUser } from '../src/server/users.js';

const V = '01JDTEST0000000000000000AA';
const SECRET = 'top-secret-database-content';
let dataDir = '';
let pkg = '';
let keys: EvidenceKeyPair;
let t: TestServer;
let admin: TestClient;

const ev = (id: string, kind: string, path: string) => ({ id, violationId: V, eventId: null, kind, path, sha256: '', bytes: 0, createdAtMs: Date.now() });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'argus-evidence-dl-'));
  keys = await newKeys();
  const written = await writeSpeedingEvidence(join(dataDir, 'evidence'), keys, V);
  pkg = written.dir;
  // Things an attacker would like to read: a secret beside the evidence folder, and links pointing at it.
  await writeFile(join(dataDir, 'secret.txt'), SECRET);
  await symlink(join(dataDir, 'secret.txt'), join(dataDir, 'evidence', 'link.txt'));
  await symlink(dataDir, join(dataDir, 'evidence', 'linkdir'));
  await symlink(join(dataDir, 'secret.txt'), join(pkg, 'evil.json'));

  t = await startTestServer('sqlite', { footage: { dataDir } });
  await t.store.upsertSite({ id: 'dn', name: 'Công an thành phố Đà Nẵng', timeZone: 'Asia/Ho_Chi_Minh', district: null, ward: null, location: null });
  for (const [id, district] of [['cam-a', 'Hải Châu'], ['cam-b', 'Sơn Trà']] as const) {
    await t.store.upsertCamera({ id, siteId: 'dn', name: id, kind: 'speed', url: '/dev/null', enabled: true, location: null, zones: { area: { district } }, rules: [], updatedAtMs: Date.now() });
  }
  await t.store.insertViolation({ id: V, cameraId: 'cam-a', atMs: Date.UTC(2026, 10, 21, 23, 21, 5), kind: 'speeding', plateKey: '92A12345', plateDisplay: '92A-123.45', details: {} });
  // A package folder and a single file (relative to the evidence root), and stored paths leading out or nowhere.
  for (const e of [
    ev(`${V}-pkg`, 'manifest', V), ev('still-1', 'still', `${V}/2-moment.jpg`), ev('up', 'still', 'up'), ev('abs', 'still', 'abs'),
    ev('link', 'still', 'link.txt'), ev('linkdir', 'manifest', 'linkdir'), ev('root', 'manifest', '.'), ev('gone', 'clip', `${V}/missing.mp4`),
  ]) await t.store.putEvidence(e);
  // The store refuses `..` and absolute paths; a tampered (or older) database may still hold them.
  await t.exec(`UPDATE evidence SET path = '../secret.txt' WHERE id = 'up'`);
  await t.exec(`UPDATE evidence SET path = '${join(dataDir, 'secret.txt')}' WHERE id = 'abs'`);
  await createUser(t.store, { username: 'sontra', password: TEST_PASSWORD, roles: ['reviewer'], scope: { districts: ['Sơn Trà'] } });
  admin = await TestClient.login(t.url, 'admin');
}, 60_000);

afterAll(async () => {
  await t?.dispose();
  await rm(dataDir, { recursive: true, force: true });
});

const download = async (path: string, c: TestClient = admin) => {
  const res = await fetch(t.url + path, { headers: { cookie: c.cookie } });
  return { res, body: Buffer.from(await res.arrayBuffer()) };
};

describe('evidence download', () => {
  it('gives the signed package as a tar that verifies after extraction, without the link planted in it, audited', async () => {
    const { res, body } = await download(`/api/violations/${V}/evidence/${V}-pkg`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-tar');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${V}-evidence.tar"`);
    expect(Number(res.headers.get('content-length'))).toBe(body.length);
    const out = await mkdtemp(join(tmpdir(), 'argus-evidence-x-'));
    try {
      await writeFile(join(out, 'e.tar'), body);
      execFileSync('tar', ['-xf', join(out, 'e.tar'), '-C', out]);
      const files = (await readdir(join(out, V))).sort();
      expect(files).toContain('manifest.json');
      expect(files).toContain('manifest.sig');
      expect(files).toContain('clip.mp4');
      expect(files).not.toContain('evil.json');
      for (const f of files) expect(await readFile(join(out, V, f))).toEqual(await readFile(join(pkg, f)));
      const verdict = await verifyEvidence(join(out, V), keys.publicKey);
      expect(verdict.problems).toEqual([]);
      expect(verdict.ok).toBe(true);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
    const audit = await t.store.listAudit({ action: 'export.evidence' });
    expect(audit.items.some((a) => a.target === V && (a.details as { evidenceId?: string }).evidenceId === `${V}-pkg`)).toBe(true);
  }, 30_000);

  it.each([
    ['manifest.json', 'application/json'], ['manifest.sig', 'application/json'], ['clip.mp4', 'video/mp4'], ['composite.jpg', 'image/jpeg'],
  ])('gives the file %s of the package as %s', async (file, type) => {
    const { res, body } = await download(`/api/violations/${V}/evidence/${V}-pkg/files/${file}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(type);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${V}-${file}"`);
    expect(body).toEqual(await readFile(join(pkg, file)));
    if (file === 'manifest.sig') expect(JSON.parse(body.toString()).format).toBe('argus-evidence-signature/1');
  });

  it('serves the clip by byte ranges (seeking), each byte covered by the one audit row of the actor and file', async () => {
    const seeker = await createUser(t.store, { username: 'seeker', password: TEST_PASSWORD, roles: ['reviewer'] });
    const c = await TestClient.login(t.url, 'seeker');
    const url = `${t.url}/api/violations/${V}/evidence/${V}-pkg/files/clip.mp4`;
    const whole = await readFile(join(pkg, 'clip.mp4'));
    const rows = async () => (await t.store.listAudit({ actor: seeker.id, action: 'export.evidence', limit: 1000 })).items.map((a) => (a.details as { file?: string; evidenceId?: string }).file ?? (a.details as { evidenceId?: string }).evidenceId);
    const first = await fetch(url, { headers: { cookie: c.cookie, range: 'bytes=0-99' } });
    expect([first.status, first.headers.get('content-range')]).toEqual([206, `bytes 0-99/${whole.length}`]);
    expect(Buffer.from(await first.arrayBuffer())).toEqual(whole.subarray(0, 100));
    expect(await rows()).toEqual(['clip.mp4']); // written before the bytes were sent
    const seek = await fetch(url, { headers: { cookie: c.cookie, range: `bytes=${whole.length - 50}-` } });
    expect(seek.status).toBe(206);
    expect(Buffer.from(await seek.arrayBuffer())).toEqual(whole.subarray(whole.length - 50));
    // A player seeking, buffering and starting over: the same look, folded on the server whatever the header says.
    for (const range of ['bytes=0-', 'bytes=100-199', 'bytes=-50', undefined, 'bytes=0-']) {
      const res = await fetch(url, { headers: { cookie: c.cookie, ...(range ? { range } : {}) } });
      expect([200, 206]).toContain(res.status);
      await res.arrayBuffer();
    }
    expect(await rows()).toEqual(['clip.mp4']);
    // Another file is another look; another actor's read of the same file is theirs.
    await (await fetch(`${t.url}/api/violations/${V}/evidence/${V}-pkg/files/composite.jpg`, { headers: { cookie: c.cookie, range: 'bytes=0-' } })).arrayBuffer();
    expect((await rows()).sort()).toEqual(['clip.mp4', 'composite.jpg']);
    const other = await createUser(t.store, { username: 'seeker2', password: TEST_PASSWORD, roles: ['reviewer'] });
    await (await fetch(url, { headers: { cookie: (await TestClient.login(t.url, 'seeker2')).cookie, range: 'bytes=0-' } })).arrayBuffer();
    expect((await t.store.listAudit({ actor: other.id, action: 'export.evidence' })).items).toHaveLength(1);
  });

  /** Ranges that once read a whole file with no audit row: the audit decision must not depend on them. */
  const HOSTILE_RANGES: [string, Record<string, string>][] = [
    ['bytes=-99999999999', {}], ['bytes=00-', {}], ['bytes=0000-', {}], ['bytes=1-', {}], ['bytes=1-2,0-', {}],
    ['bytes=-500', {}], ['Bytes=0-', {}], ['bytes=5-', { 'if-range': '"stale-etag"' }],
  ];
  it.each(HOSTILE_RANGES)('audits a download with Range %s %o before sending a byte (clip of a package, single-file still)', async (range, extra) => {
    const username = `range${HOSTILE_RANGES.findIndex(([r, x]) => r === range && x === extra)}`;
    const u = await createUser(t.store, { username, password: TEST_PASSWORD, roles: ['reviewer'] });
    const c = await TestClient.login(t.url, username);
    for (const path of [`/api/violations/${V}/evidence/${V}-pkg/files/clip.mp4`, `/api/violations/${V}/evidence/still-1`]) {
      const res = await fetch(t.url + path, { headers: { cookie: c.cookie, range, ...extra } });
      expect([200, 206], path).toContain(res.status);
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
    const rows = (await t.store.listAudit({ actor: u.id, action: 'export.evidence' })).items.map((a) => a.details as { file?: string; evidenceId?: string });
    expect(rows.map((d) => d.file ?? d.evidenceId).sort()).toEqual(['clip.mp4', 'still-1']);
  });

  it('audits a read from byte 1 at once, and folds the read from byte 0 that follows into it', async () => {
    const u = await createUser(t.store, { username: 'byteone', password: TEST_PASSWORD, roles: ['reviewer'] });
    const c = await TestClient.login(t.url, 'byteone');
    const url = `${t.url}/api/violations/${V}/evidence/${V}-pkg/files/clip.mp4`;
    await (await fetch(url, { headers: { cookie: c.cookie, range: 'bytes=1-' } })).arrayBuffer();
    expect((await t.store.listAudit({ actor: u.id, action: 'export.evidence' })).items).toHaveLength(1);
    await (await fetch(url, { headers: { cookie: c.cookie, range: 'bytes=0-' } })).arrayBuffer();
    expect((await t.store.listAudit({ actor: u.id, action: 'export.evidence' })).items).toHaveLength(1);
  });

  it('gives a single-file evidence item with its type and name', async () => {
    const { res, body } = await download(`/api/violations/${V}/evidence/still-1`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${V}-2-moment.jpg"`);
    expect([body[0], body[1]]).toEqual([0xff, 0xd8]);
    expect((await download(`/api/violations/${V}/evidence/still-1/files/manifest.json`)).res.status).toBe(404);
  });

  it.each(['up', 'abs', 'link', 'linkdir', 'root', 'gone'])('never serves the stored path of "%s" (outside the evidence folder or missing)', async (id) => {
    for (const path of [`/api/violations/${V}/evidence/${id}`, `/api/violations/${V}/evidence/${id}/files/secret.txt`]) {
      const { res, body } = await download(path);
      expect(res.status).toBe(404);
      expect(body.toString()).not.toContain(SECRET);
    }
  });

  it('refuses a link planted inside the package', async () => {
    const { res, body } = await download(`/api/violations/${V}/evidence/${V}-pkg/files/evil.json`);
    expect(res.status).toBe(404);
    expect(body.toString()).not.toContain(SECRET);
  });

  it.each([
    `/api/violations/${V}/evidence/..%2F..%2Fsecret.txt`,
    `/api/violations/..%2F${V}/evidence/${V}-pkg`,
    `/api/violations/${V}/evidence/${V}-pkg/files/..%2F..%2Fsecret.txt`,
    `/api/violations/${V}/evidence/${V}-pkg/files/...`,
    `/api/violations/${V}/evidence/${V}-pkg/files/.hidden`,
    `/api/violations/${V}/evidence/${V}-pkg/files/manifest.json%00.jpg`,
    `/api/violations/${V}/evidence/${V}-pkg/files/a%2Fb`,
    `/api/violations/${V}/evidence/${'x'.repeat(65)}`,
  ])('rejects the hostile path %s with 400', async (path) => {
    const { res, body } = await download(path);
    expect(res.status).toBe(400);
    expect(body.toString()).not.toContain(SECRET);
  });

  it('answers 404 for an unknown violation or evidence id', async () => {
    expect((await download(`/api/violations/nope/evidence/${V}-pkg`)).res.status).toBe(404);
    expect((await download(`/api/violations/${V}/evidence/nope`)).res.status).toBe(404);
    expect((await download(`/api/violations/${V}/evidence/${V}-pkg/files/nope.jpg`)).res.status).toBe(404);
  });

  it('needs violations.read and the camera in scope', async () => {
    expect((await download(`/api/violations/${V}/evidence/${V}-pkg`, await TestClient.login(t.url, 'viewer'))).res.status).toBe(403);
    expect((await download(`/api/violations/${V}/evidence/${V}-pkg`, await TestClient.login(t.url, 'sontra'))).res.status).toBe(404);
    expect((await download(`/api/violations/${V}/evidence/${V}-pkg`, await TestClient.login(t.url, 'reviewer'))).res.status).toBe(200);
    expect((await download(`/api/violations/${V}/evidence/${V}-pkg`, new TestClient(t.url))).res.status).toBe(401);
  });
});

describe('evidence folder', () => {
  it('is left as written (downloads only read)', async () => {
    await mkdir(join(dataDir, 'evidence'), { recursive: true });
    const verdict = await verifyEvidence(pkg, keys.publicKey);
    // The planted link is the only foreign thing; the signed files themselves are intact.
    expect(verdict.problems.filter((p) => !p.file.startsWith('evil.json'))).toEqual([]);
  });
});
