/**
 * Faces in exports (issue #24): an evidence package whose still and clip show two people, p01 (on a face watch list)
 * and p03 (a bystander), exported through the API. By default p03's face is pixelated in the still and in the clip
 * and p01's is left as it is (privacy.json says so); the stored package is unchanged. The original needs a reason,
 * and the unblurring is audited. A partner agency's share of the evidence is blurred the same way, and so is a share of
 * recorded footage, whose package is built in the background with its progress. Real YuNet and
 * face-api ResNet; the dev faces are test fixtures.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { configSchema } from '../src/config/schema.js';
import { startTestServer, TestClient } from '../src/server/testing/harness.js';
import { segmentName } from '../src/video/segment-names.js';
import { DATA, MODELS, video } from './assets.js';

const exec = promisify(execFile);
const FACES = join(DATA, 'faces_celeb24_aligned/images');
const P01 = { x: 300, y: 200, size: 140 };
const P03 = { x: 800, y: 260, size: 140 };

const cleanup: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const f of cleanup.reverse()) await f();
});

/** Mean absolute difference of two RGB pictures inside a square. */
async function diffIn(a: Buffer, b: Buffer, r: { x: number; y: number; size: number }): Promise<number> {
  const crop = async (img: Buffer) => (await sharp(img).extract({ left: r.x + 20, top: r.y + 20, width: r.size - 40, height: r.size - 40 }).removeAlpha().raw().toBuffer());
  const [x, y] = await Promise.all([crop(a), crop(b)]);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.abs(x[i]! - y[i]!);
  return s / x.length;
}

describe('faces in evidence exports', () => {
  it('pixelates the bystander and keeps the listed person, in the still and the clip; the original needs a reason, audited', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'argus-face-blur-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const pkg = join(dir, 'evidence', 'pkg-faces');
    await mkdir(pkg, { recursive: true });
    const bg = join(dir, 'bg.png');
    await exec('ffmpeg', ['-v', 'error', '-ss', '2', '-i', video('vn_intersection_red_light.mp4'), '-frames:v', '1', '-vf', 'scale=1280:720', '-y', bg]);
    const overlay = `[1]scale=${P01.size}:${P01.size}[a];[2]scale=${P03.size}:${P03.size}[b];[0][a]overlay=${P01.x}:${P01.y}[v];[v][b]overlay=${P03.x}:${P03.y}`;
    const inputs = ['-i', join(FACES, 'p01_02.png'), '-i', join(FACES, 'p03_02.png')];
    await exec('ffmpeg', ['-v', 'error', '-i', bg, ...inputs, '-filter_complex', overlay, '-q:v', '2', '-y', join(pkg, 'still.jpg')]);
    await exec('ffmpeg', ['-v', 'error', '-loop', '1', '-i', bg, '-loop', '1', ...inputs, '-filter_complex', overlay, '-t', '2', '-r', '10', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-y', join(pkg, 'clip.mp4')]);
    await exec('bash', ['-c', `echo '{"files":[]}' > ${join(pkg, 'manifest.json')}`]);

    const config = configSchema.parse({ version: 1, sites: [{ id: 'dn', name: 'Đà Nẵng' }], cameras: [{ id: 'c1', name: 'Ngã tư', site: 'dn', kind: 'intersection', source: bg, location: { lat: 16, lng: 108 }, enabled: false }] });
    const t = await startTestServer('sqlite', { config, footage: { dataDir: dir }, cameras: { modelsDir: MODELS } });
    cleanup.push(() => t.dispose());
    await t.store.insertViolation({ id: 'v1', cameraId: 'c1', atMs: Date.now(), kind: 'red_light', plateKey: null, plateDisplay: null, details: { cls: 'motorcycle' } });
    await t.store.putEvidence({ id: 'v1-pkg', violationId: 'v1', eventId: null, kind: 'manifest', path: 'pkg-faces', sha256: '', bytes: 0, createdAtMs: Date.now() });

    // p01 on a face watch list (enrolled from another photo of them).
    const inv = await TestClient.login(t.url, 'investigator');
    const list = await inv.post('/api/face-lists', { name: 'Truy tìm' });
    const p01photo = await sharp(join(FACES, 'p01_07.png')).extend({ top: 60, bottom: 60, left: 60, right: 60, extendWith: 'copy' }).jpeg().toBuffer();
    const enrol = await inv.post(`/api/face-lists/${list.body.id}/persons`, { name: 'P01', reason: 'truy tìm', legalBasis: 'QĐ 7/QĐ', expiresAtMs: Date.now() + 86_400_000, photos: [p01photo.toString('base64')] });
    expect(enrol.status, JSON.stringify(enrol.body)).toBe(200);

    const reviewer = await TestClient.login(t.url, 'reviewer');
    const original = await readFile(join(pkg, 'still.jpg'));
    const res = await fetch(`${t.url}/api/violations/v1/evidence/v1-pkg/files/still.jpg`, { headers: { cookie: reviewer.cookie } });
    expect(res.status).toBe(200);
    const blurred = Buffer.from(await res.arrayBuffer());
    const bystander = await diffIn(original, blurred, P03);
    const listed = await diffIn(original, blurred, P01);
    console.log(`still: mean |diff| on the bystander's face ${bystander.toFixed(1)}, on the listed person's ${listed.toFixed(1)}`);
    expect(bystander).toBeGreaterThan(12);
    expect(listed).toBeLessThan(4);
    expect(await readFile(join(pkg, 'still.jpg'))).toEqual(original); // the stored package is unchanged

    // The clip: every frame's bystander pixelated (first, middle and last frame checked).
    const clipRes = await fetch(`${t.url}/api/violations/v1/evidence/v1-pkg/files/clip.mp4`, { headers: { cookie: reviewer.cookie } });
    expect(clipRes.status).toBe(200);
    const clipOut = join(dir, 'clip-out.mp4');
    await (await import('node:fs/promises')).writeFile(clipOut, Buffer.from(await clipRes.arrayBuffer()));
    for (const at of ['0', '1', '1.9']) {
      const [a, b] = await Promise.all([join(pkg, 'clip.mp4'), clipOut].map(async (f, i) => {
        const png = join(dir, `f${i}-${at}.png`);
        await exec('ffmpeg', ['-v', 'error', '-ss', at, '-i', f, '-frames:v', '1', '-y', png]);
        return readFile(png);
      }));
      expect(await diffIn(a!, b!, P03), `clip at ${at} s: bystander`).toBeGreaterThan(12);
      expect(await diffIn(a!, b!, P01), `clip at ${at} s: listed person`).toBeLessThan(6);
    }

    // The package as a tar carries privacy.json: one face blurred and one kept in each picture.
    const tar = Buffer.from(await (await fetch(`${t.url}/api/violations/v1/evidence/v1-pkg`, { headers: { cookie: reviewer.cookie } })).arrayBuffer()).toString('latin1');
    const privacy = JSON.parse(tar.slice(tar.indexOf('{\n  "blurred"'), tar.indexOf('}\n', tar.indexOf('"note"')) + 1)) as { blurred: Record<string, number>; keptListed: Record<string, number> };
    expect(privacy.blurred['still.jpg']).toBe(1);
    expect(privacy.keptListed['still.jpg']).toBe(1);
    expect(privacy.blurred['clip.mp4']).toBeGreaterThan(0);

    // The original: the reviewer must give a reason, which is audited.
    expect((await reviewer.get('/api/violations/v1/evidence/v1-pkg/files/still.jpg?original=true')).status).toBe(400);
    const orig = await fetch(`${t.url}/api/violations/v1/evidence/v1-pkg/files/still.jpg?original=true&reason=${encodeURIComponent('Xác minh người đi đường làm chứng')}`, { headers: { cookie: reviewer.cookie } });
    expect(orig.status).toBe(200);
    expect(Buffer.from(await orig.arrayBuffer())).toEqual(original);
    const unblur = (await t.store.listAudit({ action: 'face.unblur' })).items;
    expect(unblur).toHaveLength(1);
    expect(unblur[0]!.details).toMatchObject({ reason: 'Xác minh người đi đường làm chứng' });

    // A partner agency's request for the evidence: the package made for it shows the bystander pixelated as well (its
    // own manifest covers the blurred copy), and says so; the approval's audit counts the faces blurred.
    const partner = await TestClient.login(t.url, 'partner');
    const asked = await partner.post('/api/requests', { kind: 'evidence', violationId: 'v1', reason: 'Điều tra vụ việc số 7/2026', legalBasis: 'Điều 88 Bộ luật Tố tụng hình sự 2015' });
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    const approved = await (await TestClient.login(t.url, 'supervisor')).post(`/api/requests/${asked.body.id}/approve`, {});
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const shareRes = await fetch(`${t.url}/api/requests/${asked.body.id}/package`, { headers: { cookie: partner.cookie } });
    expect(shareRes.status).toBe(200);
    const shareDir = join(dir, 'share');
    await mkdir(shareDir);
    await (await import('node:fs/promises')).writeFile(join(dir, 'share.tar'), Buffer.from(await shareRes.arrayBuffer()));
    await exec('tar', ['-xf', join(dir, 'share.tar'), '-C', shareDir]);
    const [top] = await (await import('node:fs/promises')).readdir(shareDir);
    const shared = await readFile(join(shareDir, top!, 'still.jpg'));
    expect(await diffIn(original, shared, P03)).toBeGreaterThan(12);
    expect(await diffIn(original, shared, P01)).toBeLessThan(4);
    const sharedPrivacy = JSON.parse(await readFile(join(shareDir, top!, 'privacy.json'), 'utf8')) as { blurred: Record<string, number>; note: string };
    expect(sharedPrivacy.blurred['still.jpg']).toBe(1);
    expect(sharedPrivacy.note).toMatch(/requesting agency/);
    const shareManifest = JSON.parse(await readFile(join(shareDir, top!, 'manifest.json'), 'utf8')) as { files: Array<{ path: string; sha256: string }> };
    const { createHash } = await import('node:crypto');
    expect(shareManifest.files.find((f) => f.path === 'still.jpg')?.sha256).toBe(createHash('sha256').update(shared).digest('hex'));
    const packaged = (await t.store.listAudit({ action: 'share.package' })).items;
    expect(packaged[0]!.details).toMatchObject({ privacy: { facesBlurred: expect.any(Number), listedKept: expect.any(Number) } });
    expect((packaged[0]!.details as { privacy: { facesBlurred: number } }).privacy.facesBlurred).toBeGreaterThanOrEqual(2);

    // Recorded footage of a window, shared with the partner: built in the background (preparing, with its progress,
    // nothing served meanwhile), then approved; the bystander is pixelated in the recording as in the evidence.
    const segStart = Date.now() - 10 * 60_000;
    const recDir = join(dir, 'recordings', 'c1');
    await mkdir(recDir, { recursive: true });
    const recording = join(recDir, segmentName(segStart));
    await exec('ffmpeg', ['-v', 'error', '-loop', '1', '-i', bg, '-loop', '1', ...inputs, '-filter_complex', overlay, '-t', '12', '-r', '10', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-y', recording]);
    const footage = await partner.post('/api/requests', { kind: 'footage', cameraId: 'c1', fromMs: segStart, toMs: segStart + 8_000, reason: 'Điều tra vụ việc số 8/2026', legalBasis: 'Điều 88 Bộ luật Tố tụng hình sự 2015' });
    expect(footage.status, JSON.stringify(footage.body)).toBe(200);
    const sup = await TestClient.login(t.url, 'supervisor');
    const t0 = Date.now();
    const started = await sup.post(`/api/requests/${footage.body.id}/approve`, { note: 'Đồng ý' });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body).toMatchObject({ status: 'preparing', progress: 0, link: null, deciderName: 'supervisor' });
    expect((await partner.get(`/api/requests/${footage.body.id}/package`)).status).toBe(409);
    const seen: number[] = [];
    let now = started.body as { status: string; progress: number | null; link: string | null };
    for (const end = Date.now() + 120_000; now.status === 'preparing' && Date.now() < end; await new Promise((r) => setTimeout(r, 150))) {
      now = (await partner.get(`/api/requests/${footage.body.id}`)).body;
      if (now.progress !== null) seen.push(now.progress);
    }
    expect(now.status).toBe('approved');
    expect(now.link).toMatch(/^\/api\/shares\//);
    console.log(`footage share: 8 s of 1280x720 at 10 fps built in ${((Date.now() - t0) / 1000).toFixed(1)} s; progress seen ${[...new Set(seen.map((x) => x.toFixed(2)))].join(' ')}`);
    expect(seen.some((x) => x > 0 && x < 1), 'progress between 0 and 1 seen while building').toBe(true);
    const footDir = join(dir, 'footage-share');
    await mkdir(footDir);
    const footRes = await fetch(`${t.url}${now.link!}`);
    expect(footRes.status).toBe(200);
    await (await import('node:fs/promises')).writeFile(join(dir, 'footage.tar'), Buffer.from(await footRes.arrayBuffer()));
    await exec('tar', ['-xf', join(dir, 'footage.tar'), '-C', footDir]);
    const [footTop] = await (await import('node:fs/promises')).readdir(footDir);
    const sharedClip = join(footDir, footTop!, segmentName(segStart));
    for (const at of ['0.5', '4', '7.5']) {
      const [a, b] = await Promise.all([recording, sharedClip].map(async (f, i) => {
        const png = join(dir, `rec${i}-${at}.png`);
        await exec('ffmpeg', ['-v', 'error', '-ss', at, '-i', f, '-frames:v', '1', '-y', png]);
        return readFile(png);
      }));
      expect(await diffIn(a!, b!, P03), `shared recording at ${at} s: bystander`).toBeGreaterThan(12);
      expect(await diffIn(a!, b!, P01), `shared recording at ${at} s: listed person`).toBeLessThan(6);
    }
    const footPrivacy = JSON.parse(await readFile(join(footDir, footTop!, 'privacy.json'), 'utf8')) as { blurred: Record<string, number> };
    expect(footPrivacy.blurred[segmentName(segStart)]).toBeGreaterThan(0);
    const footAudit = (await t.store.listAudit({ limit: 500 })).items.filter((x) => x.target === footage.body.id);
    expect(footAudit.map((x) => x.action).sort()).toEqual(['share.approve', 'share.package', 'share.request', 'share.view'].sort());
    // The build's outcome is audited under the approver who started it.
    const approvedBy = footAudit.find((x) => x.action === 'share.approve')!;
    expect(approvedBy.details).toMatchObject({ background: true, username: 'supervisor' });
    expect(footAudit.find((x) => x.action === 'share.package')!).toMatchObject({ actor: approvedBy.actor, details: { username: 'supervisor', privacy: { facesBlurred: expect.any(Number) } } });
  }, 240_000);
});
