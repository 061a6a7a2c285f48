/**
 * Live plate reading in the service: a camera with `plates: true` (a looping slideshow of the hand-read
 * scene photos, played in real time like a stream) gets its vehicles' plates read by the site's worker pool,
 * and an ANPR camera (`plates: anpr`) on the same pictures reads them on the whole frame with no detector;
 * the plate.read events become sightings an investigator finds with the plate search, and the search is audited.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configSchema } from '../src/config/schema.js';
import { isValidPlateKey } from '../src/plates/index.js';
import { startTestServer, TestClient } from '../src/server/testing/harness.js';
import { createStageProvider, serviceEvidence } from '../src/pipeline/runtime/stages.js';
import type { SightingRecord } from '../src/store/types.js';
import { scenesSlideshow } from './assets.js';
import { SCENES } from './plates-scenes.fixture.js';
import { waitFor } from './sse-client.js';

const PHOTOS = ['4.jpg', '119.jpg', '101.jpg'];
const LEGIBLE = new Set(SCENES.filter((s) => PHOTOS.includes(s.file)).flatMap((s) => s.legible.map((p) => p.plate)));

const cleanup: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const f of cleanup.reverse()) await f();
});

describe('plates on a live camera of the service', () => {
  it('reads the plates of a plate camera into sightings that the plate search finds (audited)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'argus-svc-plates-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const clip = scenesSlideshow(PHOTOS, join(dir, 'scenes.mp4'), 3);
    const config = configSchema.parse({
      version: 1,
      sites: [{ id: 'hn', name: 'Công an TP Hà Nội', provinces: [29, 30] }],
      cameras: [
        { id: 'gate', name: 'Cổng kiểm soát', site: 'hn', kind: 'gateway', source: clip, location: { lat: 21.03, lng: 105.85 }, analysis: { fps: 5, width: 1280 }, plates: true },
        // An ANPR camera: the whole picture read when it moves, no detector; it shares the site's pool.
        { id: 'anpr', name: 'Camera ANPR', site: 'hn', kind: 'gateway', source: clip, location: { lat: 21.04, lng: 105.86 }, analysis: { fps: 5 }, plates: 'anpr' },
        // A camera without plates shares nothing with the pool.
        { id: 'view', name: 'Toàn cảnh', site: 'hn', kind: 'overview', source: clip, location: { lat: 21.04, lng: 105.85 }, analysis: { fps: 2, width: 320 } },
      ],
    });
    expect(config.cameras.map((c) => c.plates)).toEqual([true, 'anpr', false]);
    const svc = createStageProvider({ config, evidence: serviceEvidence(dir), plateWorkers: 1 });
    const t = await startTestServer('sqlite', { config, startCameras: true, footage: { dataDir: dir }, cameras: { stages: svc } });
    cleanup.push(async () => {
      await t.dispose();
      await svc.close();
    });

    const legibleOn = (items: readonly SightingRecord[], cameraId: string) => new Set(items.filter((s) => s.cameraId === cameraId && LEGIBLE.has(s.plateKey)).map((s) => s.plateKey));
    const found = await waitFor(
      'two hand-read plates from each plate camera',
      async () => {
        const items = (await t.store.listSightings({ limit: 500 })).items;
        return legibleOn(items, 'gate').size >= 2 && legibleOn(items, 'anpr').size >= 2 ? items : undefined;
      },
      90_000,
    );
    for (const s of found) {
      expect(['gate', 'anpr']).toContain(s.cameraId);
      expect(isValidPlateKey(s.plateKey), s.plateKey).toBe(true);
    }
    // Both kinds of plate camera keep the plate's picture with the sighting.
    for (const cameraId of ['gate', 'anpr']) expect(found.some((s) => s.cameraId === cameraId && s.cropRef !== null), cameraId).toBe(true);
    // The camera status says how plate reading goes (what the operator's camera page shows).
    const op = await TestClient.login(t.url, 'operator');
    const status = (await op.get('/api/cameras/status')).body.items as Array<{ id: string; analysis: string; plates: { mode: string; read: number; skipped: number; plates: number } | null }>;
    const of = (id: string) => status.find((c) => c.id === id)!;
    expect(of('anpr')).toMatchObject({ analysis: 'running', plates: { mode: 'anpr' } });
    expect(of('gate').plates).toMatchObject({ mode: 'vehicles' });
    for (const id of ['gate', 'anpr']) expect(of(id).plates!.plates, id).toBeGreaterThanOrEqual(legibleOn(found, id).size);
    // One vehicle crop gives at most one plate; one ANPR frame may show several.
    expect(of('gate').plates!.read).toBeGreaterThanOrEqual(of('gate').plates!.plates);
    expect(of('anpr').plates!.read).toBeGreaterThan(0);
    expect(of('view').plates).toBeNull();
    const hit = found.find((s) => s.cameraId === 'gate' && LEGIBLE.has(s.plateKey))!;

    const inv = await TestClient.login(t.url, 'investigator');
    const res = await inv.get(`/api/plates/search?q=${encodeURIComponent(hit.display)}`);
    expect(res.status).toBe(200);
    expect(res.body.items[0].plateKey).toBe(hit.plateKey);
    expect(res.body.items.some((i: { cameraId: string }) => i.cameraId === 'gate')).toBe(true);
    const audit = await t.store.listAudit({ action: 'plate.search' });
    expect(audit.items.some((a) => a.target === hit.display)).toBe(true);
    for (const cameraId of ['gate', 'anpr']) console.log(`live plates on ${cameraId}: ${[...legibleOn(found, cameraId)].join(', ')} (${found.filter((s) => s.cameraId === cameraId).length} sightings)`);
  }, 150_000);
});
