/**
 * Faces end to end through the service (issue #24), with the real detector, tracker, YuNet and the face-api ResNet:
 * three face cameras — a clip made here from dev faces pasted on a Vietnamese street (p01 from 0–4 s high in the
 * picture, p03 from 4–8 s in the middle, another photo of p01 from 8–12 s low: the height of a face says who it is),
 * the London street clip and the Vietnamese street clip. An investigator enrols p01 from a frame of the made clip;
 * the cameras then find faces on all three; only p01's faces match (both photos of p01, never p03, nothing on the
 * real clips, whose faces are too small to recognise); an operator confirms a match once; the person search by
 * photo ranks p01's sightings first, with the route; a viewer sees no face. Every look is audited.
 * The dev faces are test fixtures (web photos, no licence): made into a clip in a temp dir, never shipped.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { configSchema } from '../src/config/schema.js';
import { createStageProvider } from '../src/pipeline/runtime/stages.js';
import { startTestServer, TestClient } from '../src/server/testing/harness.js';
import { DATA, MODELS, video } from './assets.js';
import { waitFor } from './sse-client.js';

const exec = promisify(execFile);
const FACES = join(DATA, 'faces_celeb24_aligned/images');
/** Who a face of the made clip is, by the height of its centre (source pixels). */
const whoAt = (yCentre: number): 'p01' | 'p03' => (yCentre < 250 || yCentre > 420 ? 'p01' : 'p03');

const cleanup: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const f of cleanup.reverse()) await f();
});

async function makeClip(dir: string): Promise<{ clip: string; enrolFrame: string }> {
  const bg = join(dir, 'bg.png');
  await exec('ffmpeg', ['-v', 'error', '-ss', '2', '-i', video('vn_intersection_red_light.mp4'), '-frames:v', '1', '-vf', 'scale=1280:720', '-y', bg]);
  const clip = join(dir, 'faces.mp4');
  const seg = (input: string, n: number, y: number, from: number): string =>
    `[${n}]scale=120:120[f${n}];${input}[f${n}]overlay=x='300+80*(t-${from})':y=${y}:enable='between(t,${from},${from + 4})'`;
  await exec('ffmpeg', [
    '-v', 'error', '-loop', '1', '-i', bg, '-loop', '1', '-i', join(FACES, 'p01_01.png'), '-loop', '1', '-i', join(FACES, 'p03_01.png'), '-loop', '1', '-i', join(FACES, 'p01_05.png'),
    '-filter_complex', `${seg('[0]', 1, 100, 0)}[v1];${seg('[v1]', 2, 280, 4)}[v2];${seg('[v2]', 3, 480, 8)}`,
    '-t', '12', '-r', '10', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-y', clip,
  ]);
  const enrolFrame = join(dir, 'frame-1s.jpg');
  await exec('ffmpeg', ['-v', 'error', '-ss', '1', '-i', clip, '-frames:v', '1', '-y', enrolFrame]);
  return { clip, enrolFrame };
}

describe('faces through the service', () => {
  it('enrols p01 from a frame, matches only p01 on the cameras, and finds p01 by photo with the route; a viewer sees no face', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'argus-faces-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const { clip, enrolFrame } = await makeClip(dir);
    const cam = (id: string, source: string, lat: number) => ({ id, name: `Camera ${id}`, site: 'dn', kind: 'face_crowd', source, location: { lat, lng: 108.2 }, enabled: false });
    const config = configSchema.parse({
      version: 1,
      sites: [{ id: 'dn', name: 'Công an TP Đà Nẵng' }],
      cameras: [cam('made', clip, 16.06), cam('london', video('london_street_bus_TestV4.mp4'), 16.07), cam('vn', video('vn_street_cctv_wrong_way_nguoc_chieu.mp4'), 16.08)],
    });
    const stages = createStageProvider({ config, faces: { modelsDir: MODELS } });
    const t = await startTestServer('sqlite', { config, startCameras: true, footage: { dataDir: dir }, cameras: { stages, modelsDir: MODELS } });
    cleanup.push(async () => {
      await t.dispose();
      await stages.close();
    });
    const inv = await TestClient.login(t.url, 'investigator');
    const admin = await TestClient.login(t.url, 'admin');
    const viewer = await TestClient.login(t.url, 'viewer');
    const operator = await TestClient.login(t.url, 'operator');

    // Enrolment: a list at the model's suggested threshold, p01 from a frame of the made clip.
    const lists = await inv.get('/api/face-lists');
    expect(lists.status).toBe(200);
    const list = await inv.post('/api/face-lists', { name: 'Đối tượng truy nã', severity: 'critical' });
    expect(list.status).toBe(200);
    expect(list.body.threshold).toBe(lists.body.suggestedThreshold);
    expect(list.body.falseMatch.oneIn).toBeGreaterThanOrEqual(500);
    const photo = (await readFile(enrolFrame)).toString('base64');
    const enrol = await inv.post(`/api/face-lists/${list.body.id}/persons`, {
      name: 'Nguyễn Văn A', reason: 'Truy nã theo quyết định', legalBasis: 'Quyết định truy nã số 12/QĐ-CSHS', expiresAtMs: Date.now() + 30 * 86_400_000, photos: [photo],
    });
    expect(enrol.status, JSON.stringify(enrol.body)).toBe(200);
    expect(enrol.body.photos).toHaveLength(1);
    const noFace = await inv.post(`/api/face-lists/${list.body.id}/persons`, {
      name: 'Không mặt', reason: 'thử ảnh không có mặt', legalBasis: 'QĐ 1', expiresAtMs: Date.now() + 86_400_000,
      photos: [(await readFile(join(dir, 'bg.png'))).toString('base64')],
    });
    expect(noFace.status).toBe(400);
    expect(noFace.body.error.message).toMatch(/photo 1: no face found/);

    for (const id of ['made', 'london', 'vn']) expect((await admin.request('PATCH', `/api/cameras/${id}`, { enabled: true })).status).toBe(200);

    // The made clip plays once through (12 s) and the real clips at least once; their faces are stored.
    const faces = await waitFor('faces of the three segments of the made clip, and of the London clip', async () => {
      const all = await t.store.listFaces({ limit: 1000 });
      const made = all.filter((f) => f.cameraId === 'made' && f.box && f.box.y2 - f.box.y1 >= 32);
      const bands = new Set(made.map((f) => (f.box!.y1 + f.box!.y2) / 2).map((y) => (y < 250 ? 1 : y > 420 ? 3 : 2)));
      return bands.size === 3 && all.some((f) => f.cameraId === 'london') ? all : undefined;
    }, 90_000);
    const alerts = (await t.store.listAlerts({ limit: 500, kinds: ['face_match'] })).items;
    const matchedFaces = await t.store.getFaces(alerts.map((a) => (a.payload as { faceId: string }).faceId));
    console.log(`faces: ${faces.length} stored (${faces.filter((f) => f.cameraId === 'london').length} London, ${faces.filter((f) => f.cameraId === 'vn').length} VN); matches: ${JSON.stringify(alerts.map((a) => [a.cameraId, (a.payload as { score: number }).score]))}`);
    expect(alerts.length).toBeGreaterThan(0);
    for (const a of alerts) expect(a.cameraId, 'a match on a real clip').toBe('made');
    for (const f of matchedFaces) expect(whoAt((f.box!.y1 + f.box!.y2) / 2), `face ${f.id} matched p01`).toBe('p01');
    // Both photos of p01 matched (the one enrolled from, and another photo of them), p03 never.
    const bandsMatched = new Set(matchedFaces.map((f) => ((f.box!.y1 + f.box!.y2) / 2 < 250 ? 'p01-a' : 'p01-b')));
    expect([...bandsMatched].sort()).toEqual(['p01-a', 'p01-b']);
    expect(faces.filter((f) => f.cameraId === 'made' && f.box!.y2 - f.box!.y1 >= 32 && whoAt((f.box!.y1 + f.box!.y2) / 2) === 'p03').every((f) => !f.matched)).toBe(true);

    // The operator sees both faces side by side and confirms once.
    const matches = await operator.get('/api/face-matches');
    expect(matches.status).toBe(200);
    const m = matches.body.items[0];
    expect(m.person.name).toBe('Nguyễn Văn A');
    expect(m.enrolledUrl).toMatch(/^\/api\/face-persons\//);
    expect(m.seen.cropUrl).toMatch(/^\/api\/faces\/.*\/image$/);
    const img = await operator.request('GET', m.seen.cropUrl);
    expect(img.status).toBe(200);
    const decided = await operator.post(`/api/face-matches/${m.alertId}/decision`, { decision: 'confirmed', note: 'đúng người' });
    expect(decided.status).toBe(200);
    expect(decided.body.decision).toMatchObject({ decision: 'confirmed', note: 'đúng người' });
    expect((await operator.post(`/api/face-matches/${m.alertId}/decision`, { decision: 'rejected' })).status).toBe(409);

    // Person search by photo: p01's sightings first, no p03, with the route through the camera.
    const search = await inv.post('/api/faces/search', { photo, reason: 'Xác minh lộ trình đối tượng' });
    expect(search.status, JSON.stringify(search.body)).toBe(200);
    expect(search.body.items.length).toBeGreaterThan(0);
    for (const h of search.body.items) {
      expect(h.cameraId).toBe('made');
      const [f] = await t.store.getFaces([h.id]);
      expect(whoAt((f!.box!.y1 + f!.box!.y2) / 2)).toBe('p01');
    }
    expect(search.body.route.properties.cameraIds).toEqual(['made']);
    expect((await inv.post('/api/faces/search', { photo })).status).toBe(400); // no reason

    // A viewer: no face anywhere.
    expect((await viewer.get('/api/face-lists')).status).toBe(403);
    expect((await viewer.request('GET', m.seen.cropUrl)).status).toBe(403);
    expect((await viewer.post('/api/faces/search', { photo, reason: 'tò mò' })).status).toBe(403);
    const viewerAlerts = await viewer.get('/api/alerts?kinds=face_match');
    expect(viewerAlerts.status).toBe(200);
    for (const a of viewerAlerts.body.items) expect(a).toMatchObject({ redacted: true, message: '', payload: {} });

    const audit = (await t.store.listAudit({ limit: 500 })).items.map((a) => a.action);
    for (const action of ['facelist.create', 'face.enrol', 'face.view', 'face.decide', 'faces.search']) expect(audit, action).toContain(action);
  }, 240_000);
});
