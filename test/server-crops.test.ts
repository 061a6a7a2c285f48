/**
 * Plate crops against a real server: a partner posts a read with a real plate crop (base64 JPEG), the ingest writes
 * it to <data>/crops before the commit, and GET /api/sightings/:id/crop.jpg serves it back — with the search
 * permission, within the camera scope, audited as a footage view, and never anything outside the crops folder.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TestClient, TEST_PASSWORD, type TestServer } from '../src/server/testing/harness.js';
import { cropRefOf } from '../src/server/crops.js';
import { createUser } from '../src/server/users.js';
import { DATA, hasAssets } from './assets.js';

// A read of an hour ago (the API refuses reads days old or in the future).
const T0 = Date.now() - 3_600_000;
const DAY = new Date(T0).toISOString().slice(0, 10);
const SECRET = 'top-secret-not-a-crop';
const CROP_FILE = join(DATA, 'vn_plates_bkav_thanglm20/images/P3_1__21T8_OCR_CNVN119_crop_0.jpg'); // 30F-282.79
let dataDir = '';
let t: TestServer;
let admin: TestClient;
let edge: TestClient;
let crop: Buffer;

const read = (id: string, cameraId: string, extra: Record<string, unknown> = {}) => ({ id, cameraId, atMs: T0, plate: '30F-282.79', confidence: 0.9, ...extra });
const sighting = (id: string, cameraId: string, cropRef: string | null) => ({
  id, cameraId, atMs: T0, plateKey: '30F28279', display: '30F-282.79', confidence: 0.9, category: 'private', cls: 'car', trackId: 1, direction: null, cropRef,
});
const getCrop = async (id: string, c: TestClient = admin) => {
  const res = await fetch(`${t.url}/api/sightings/${id}/crop.jpg`, { headers: { cookie: c.cookie } });
  return { res, body: Buffer.from(await res.arrayBuffer()) };
};

describe.skipIf(!hasAssets())('plate crops', () => {
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'argus-crops-srv-'));
    // A real plate crop, re-encoded the way the plates stage keeps its best crop.
    crop = await sharp(await readFile(CROP_FILE)).resize({ height: 48 }).jpeg({ quality: 85 }).toBuffer();
    t = await startTestServer('sqlite', { footage: { dataDir } });
    await t.store.upsertSite({ id: 'dn', name: 'Đà Nẵng', timeZone: 'Asia/Ho_Chi_Minh', district: null, ward: null, location: null });
    for (const [id, district] of [['cam-a', 'Hải Châu'], ['cam-b', 'Sơn Trà']] as const) {
      await t.store.upsertCamera({ id, siteId: 'dn', name: id, kind: 'gateway', url: '/dev/null', enabled: true, location: null, zones: { area: { district } }, rules: [], updatedAtMs: Date.now() });
    }
    await createUser(t.store, { username: 'sontra', password: TEST_PASSWORD, roles: ['investigator'], scope: { districts: ['Sơn Trà'] } });
    admin = await TestClient.login(t.url, 'admin');
    const key = await admin.post('/api/apikeys', { name: 'ANPR đối tác', scopes: ['ingest.write'], scope: { cameraIds: ['cam-a', 'cam-b'] }, rateLimitPerMin: 10_000 });
    edge = new TestClient(t.url);
    edge.bearer = key.body.secret;
    // Things an attacker would like to read through a tampered cropRef.
    await writeFile(join(dataDir, 'secret.jpg'), SECRET);
  }, 60_000);
  afterAll(async () => {
    await t?.dispose();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('stores a partner read with its crop and serves the same JPEG back, audited as a footage view', async () => {
    const r = await edge.post('/api/ingest/sightings', { sightings: [read('crop-a', 'cam-a', { cropJpeg: crop.toString('base64') }), read('crop-b', 'cam-b', { cropJpeg: crop.toString('base64') })] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    // Acknowledged = committed, and the file it points at is already there.
    const s = await t.store.getSighting('crop-a');
    expect(s?.cropRef).toBe(cropRefOf('crop-a', T0, crop));
    expect(s?.cropRef).toMatch(new RegExp(`^${DAY}/[0-9a-f]{64}\\.jpg$`));
    expect(await readFile(join(dataDir, 'crops', s!.cropRef!))).toEqual(crop);
    const { res, body } = await getCrop('crop-a');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(body).toEqual(crop);
    expect((await sharp(body).metadata()).height).toBe(48);
    const cropLooks = async (): Promise<number> => (await t.store.listAudit({ action: 'footage.view', limit: 500 })).items
      .filter((a) => a.target === 'cam-a' && (a.details as { what?: string }).what === 'plate-crop' && (a.details as { sightingId?: string }).sightingId === 'crop-a').length;
    expect(await cropLooks()).toBe(1);
    // A search page reloading its thumbnails is the same look: folded on the server, one row.
    for (let i = 0; i < 3; i++) expect((await getCrop('crop-a')).res.status).toBe(200);
    expect(await cropLooks()).toBe(1);
    // The search result names the crop, so the UI knows when to ask for it.
    const found = await admin.get('/api/plates/search?q=30F-282.79');
    expect(found.body.items.map((h: { id: string; cropRef: string | null }) => [h.id, h.cropRef])).toEqual(expect.arrayContaining([['crop-a', s!.cropRef]]));
  });

  it('refuses a crop that is not a JPEG or is too large, and stores nothing of that batch', async () => {
    const png = await sharp(crop).png().toBuffer();
    const big = Buffer.concat([crop.subarray(0, 4), Buffer.alloc(70 * 1024)]);
    for (const bad of [png.toString('base64'), big.toString('base64'), 'not base64!']) {
      const r = await edge.post('/api/ingest/sightings', { sightings: [read('crop-bad', 'cam-a', { cropJpeg: bad })] });
      expect(r.status).toBe(400);
    }
    expect(await t.store.getSighting('crop-bad')).toBeNull();
  });

  it('hides a crop of a camera outside the scope, and needs the search permission', async () => {
    const sontra = await TestClient.login(t.url, 'sontra');
    expect((await getCrop('crop-a', sontra)).res.status).toBe(404);
    expect((await getCrop('crop-b', sontra)).res.status).toBe(200);
    expect((await getCrop('crop-a', await TestClient.login(t.url, 'viewer'))).res.status).toBe(403);
    expect((await fetch(`${t.url}/api/sightings/crop-a/crop.jpg`)).status).toBe(401);
  });

  it('answers 404 for an unknown sighting or one without a crop, or whose crop was pruned', async () => {
    await t.store.insertSightings([sighting('no-crop', 'cam-a', null), sighting('pruned', 'cam-a', '2026-01-01/pruned.jpg')]);
    for (const id of ['nope', 'no-crop', 'pruned']) expect((await getCrop(id)).res.status, id).toBe(404);
  });

  it('never serves a file outside the crops folder, whatever the id or the stored path', async () => {
    await t.store.insertSightings([sighting('up', 'cam-a', null), sighting('abs', 'cam-a', null)]);
    // A tampered (or foreign) database may hold any path.
    await t.exec(`UPDATE sightings SET crop_ref = '../secret.jpg' WHERE id = 'up'`);
    await t.exec(`UPDATE sightings SET crop_ref = '${join(dataDir, 'secret.jpg')}' WHERE id = 'abs'`);
    for (const id of ['up', 'abs', '..%2Fsecret', '..%2F..%2Fsecret.jpg', 'crop-a.jpg', '%2e%2e']) {
      const { res, body } = await getCrop(id);
      expect([400, 404], id).toContain(res.status);
      expect(body.toString()).not.toContain(SECRET);
    }
  });
  it("keeps the first crop of a sighting when a second batch repeats its id with another crop, and leaves no stray file", async () => {
    const forged = await sharp(crop).negate().jpeg({ quality: 85 }).toBuffer();
    expect(forged.equals(crop)).toBe(false);
    const first = await edge.post('/api/ingest/sightings', { sightings: [read('crop-dup', 'cam-a', { cropJpeg: crop.toString('base64') })] });
    expect(first.status).toBe(200);
    const dayDir = join(dataDir, 'crops', DAY);
    const filesBefore = (await readdir(dayDir)).sort();
    // The same id again, another crop (a forger with the key, or a confused partner): answered, but nothing replaced.
    const second = await edge.post('/api/ingest/sightings', { sightings: [read('crop-dup', 'cam-a', { cropJpeg: forged.toString('base64') })] });
    expect(second.status).toBe(200);
    const { res, body } = await getCrop('crop-dup');
    expect(res.status).toBe(200);
    expect(body.equals(crop)).toBe(true);
    expect((await t.store.getSighting('crop-dup'))?.cropRef).toBe(cropRefOf('crop-dup', T0, crop));
    // The second batch's file was removed after the commit: the folder holds what it held.
    expect((await readdir(dayDir)).sort()).toEqual(filesBefore);
    // A plain retry of the first batch keeps its crop too.
    expect((await edge.post('/api/ingest/sightings', { sightings: [read('crop-dup', 'cam-a', { cropJpeg: crop.toString('base64') })] })).status).toBe(200);
    expect((await getCrop('crop-dup')).body.equals(crop)).toBe(true);
    expect((await readdir(dayDir)).sort()).toEqual(filesBefore);
  });

  it('refuses a link planted in the crops folder that points outside it, under a valid crop name and a valid day', async () => {
    // Links with names the crop pattern accepts, so the lookup reaches the disk and must follow them to refuse:
    // a file link inside a real day folder, and a day folder that is itself a link out of the root.
    const crops = join(dataDir, 'crops');
    await mkdir(join(crops, '2026-11-21'), { recursive: true });
    await symlink(join(dataDir, 'secret.jpg'), join(crops, '2026-11-21', 'linked.jpg'));
    await symlink(dataDir, join(crops, '2026-11-22'));
    await t.store.insertSightings([sighting('file-link', 'cam-a', '2026-11-21/linked.jpg'), sighting('dir-link', 'cam-a', '2026-11-22/secret.jpg')]);
    for (const id of ['file-link', 'dir-link']) {
      const { res, body } = await getCrop(id);
      expect(res.status, id).toBe(404);
      expect(body.toString(), id).not.toContain(SECRET);
    }
    // The same day folder still serves a real crop: the refusal is the link's, not the folder's.
    await writeFile(join(crops, '2026-11-21', 'real.jpg'), crop);
    await t.store.insertSightings([sighting('real', 'cam-a', '2026-11-21/real.jpg')]);
    const real = await getCrop('real');
    expect([real.res.status, real.body.equals(crop)]).toEqual([200, true]);
  });
});
