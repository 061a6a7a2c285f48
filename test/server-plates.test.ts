/**
 * Live plate reading in the service: a camera with `plates: true` (a looping slideshow of the hand-read
 * scene photos, played in real time like a stream) gets its vehicles' plates read by the site's worker pool;
 * the plate.read events become sightings an investigator finds with the plate search, and the search is audited.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configSchema } from '../src/config/schema.js';
import { isValidPlateKey } from '../src/plates/index.js';
import { startTestServer, TestClient } from '../src/server/testing/harness.js';
import { createServiceStages } from '../src/server/service-stages.js';
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
        // A camera without plates shares nothing with the pool.
        { id: 'view', name: 'Toàn cảnh', site: 'hn', kind: 'overview', source: clip, location: { lat: 21.04, lng: 105.85 }, analysis: { fps: 2, width: 320 } },
      ],
    });
    expect(config.cameras.map((c) => c.plates)).toEqual([true, false]);
    const svc = createServiceStages({ config, dataDir: dir, plateWorkers: 1 });
    const t = await startTestServer('sqlite', { config, startCameras: true, cameras: { stages: (camera, log) => svc.stages(camera, log) } });
    cleanup.push(async () => {
      await t.dispose();
      await svc.close();
    });

    const found = await waitFor(
      'two hand-read plates among the sightings',
      async () => {
        const items = (await t.store.listSightings({ limit: 200 })).items;
        return items.filter((s) => LEGIBLE.has(s.plateKey)).length >= 2 ? items : undefined;
      },
      90_000,
    );
    for (const s of found) {
      expect(s.cameraId).toBe('gate');
      expect(isValidPlateKey(s.plateKey), s.plateKey).toBe(true);
    }
    const hit = found.find((s) => LEGIBLE.has(s.plateKey))!;

    const inv = await TestClient.login(t.url, 'investigator');
    const res = await inv.get(`/api/plates/search?q=${encodeURIComponent(hit.display)}`);
    expect(res.status).toBe(200);
    expect(res.body.items[0].plateKey).toBe(hit.plateKey);
    expect(res.body.items[0].cameraId).toBe('gate');
    const audit = await t.store.listAudit({ action: 'plate.search' });
    expect(audit.items.some((a) => a.target === hit.display)).toBe(true);
    console.log(`live plates: ${found.map((s) => s.display).join(', ')}`);
  }, 150_000);
});
