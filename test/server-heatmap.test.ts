/**
 * Crowds on real footage (issue #24): the London street clip (people walking on the pavement at the left and in the
 * distance on the right; sky and building tops in the upper third) played as a looping camera through the real detector.
 * Checks the live status's person count per zone, the heatmap the runtime flushes through the bus into the store and the
 * API serves (hot cells where the people's feet are, nothing in the sky or on the buildings' tops), the crowd rule with a
 * low threshold raising its alert for real, and the route's permission and camera scope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../src/config/schema.js';
import { createStageProvider } from '../src/pipeline/runtime/stages.js';
import { heatmapResponse } from '../src/contract/heatmap.js';
import { startTestServer, TestClient, type TestServer } from '../src/server/testing/harness.js';
import { hasAssets, MODELS, video } from './assets.js';
import { waitFor } from './sse-client.js';

/** Picture regions (normalised x0, y0, x1, y1) seen in the clip's frames (0.5 s and 4.5 s, 640 px stills). */
const SKY_AND_ROOFS = { x0: 0, y0: 0, x1: 1, y1: 0.28 };

describe.skipIf(!hasAssets())('crowds on a real street clip', () => {
  let t: TestServer;
  let op: TestClient;
  const started = Date.now();
  const seen = { maxPersons: 0, maxPavement: 0, maxSky: 0, samples: 0 };

  beforeAll(async () => {
    const config = configSchema.parse({
      version: 1,
      sites: [{ id: 'hn', name: 'Công an TP Hà Nội' }],
      cameras: [
        {
          id: 'london', name: 'Phố London', site: 'hn', kind: 'face_crowd', source: video('london_street_bus_TestV4.mp4'), location: { lat: 21.03, lng: 105.85 },
          analysis: { fps: 5, width: 640 },
          zones: [
            { id: 'pavement', name: 'Vỉa hè', polygon: [[0, 0.35], [0.6, 0.35], [0.6, 1], [0, 1]] },
            { id: 'sky', name: 'Bầu trời', polygon: [[0.25, 0], [0.55, 0], [0.55, 0.2], [0.25, 0.2]] },
          ],
          rules: [{ id: 'crowd-pavement', kind: 'crowd', zone: 'pavement', minPeople: 2, minDurationMs: 200, rearmMs: 600_000 }],
        },
        { id: 'other', name: 'Khác', site: 'hn', kind: 'overview', source: video('london_street_bus_TestV4.mp4'), location: { lat: 21.04, lng: 105.85 }, enabled: false },
      ],
    });
    // The rules run as in `argus serve` (its stage provider; no evidence: a crowd alert has none).
    t = await startTestServer('sqlite', { config, startCameras: true, cameras: { modelsDir: MODELS, stages: createStageProvider({ config }) } });
    op = await TestClient.login(t.url, 'operator');
  }, 60_000);
  afterAll(async () => {
    await t?.dispose();
  });

  it('counts the persons per zone live, raises the crowd alert, and stores a heatmap whose hot cells are where people walk', async () => {
    const mgr = t.server.ctx.cameras;
    // Two loops of the 5 s clip at 5 frames/s, sampling the live status as an operator sees it.
    await waitFor('two loops analysed', async () => {
      const s = (await op.get('/api/cameras/status')).body as { items: Array<{ id: string; framesAnalysed: number; crowd?: { persons: number; zones: Array<{ id: string; persons: number; perM2: number | null; perFramePct: number }> } | null }> };
      const c = s.items.find((i) => i.id === 'london');
      if (c?.crowd) {
        seen.samples++;
        seen.maxPersons = Math.max(seen.maxPersons, c.crowd.persons);
        seen.maxPavement = Math.max(seen.maxPavement, c.crowd.zones.find((z) => z.id === 'pavement')!.persons);
        seen.maxSky = Math.max(seen.maxSky, c.crowd.zones.find((z) => z.id === 'sky')!.persons);
        expect(c.crowd.zones.every((z) => z.perM2 === null)).toBe(true); // no calibration on this camera
      }
      return (c?.framesAnalysed ?? 0) >= 50 ? true : undefined;
    }, 120_000);
    console.log(`live crowd: ${seen.samples} samples, max persons ${seen.maxPersons}, max on the pavement ${seen.maxPavement}, max in the sky ${seen.maxSky}`);
    expect(seen.maxPavement).toBeGreaterThanOrEqual(2);
    expect(seen.maxSky).toBe(0);

    // The crowd rule (2 people on the pavement for 200 ms: the detector loses walkers for a frame now and then, 1 s did not fire) fires for real.
    const alerts = await t.store.listAlerts({ limit: 50 });
    const crowd = alerts.items.filter((a) => a.kind === 'crowd' && a.cameraId === 'london');
    expect(crowd.length).toBeGreaterThanOrEqual(1);

    // While it runs, the route adds the camera's open bucket (nothing is stored before a bucket closes).
    const open = heatmapResponse.parse((await op.get(`/api/cameras/london/heatmap?from=${started - 600_000}&to=${Date.now() + 1}`)).body);
    const openTotal = open.cells.reduce((s, x) => s + x, 0);
    expect(openTotal).toBeGreaterThan(0);
    // Stopping the camera flushes its open bucket through the bus into the store.
    await mgr.remove('london');
    let body: ReturnType<typeof heatmapResponse.parse> | undefined;
    await waitFor('the heatmap stored', async () => {
      const r = await op.get(`/api/cameras/london/heatmap?from=${started - 600_000}&to=${Date.now() + 1}`);
      expect(r.status).toBe(200);
      body = heatmapResponse.parse(r.body);
      return body.buckets.length > 0 ? true : undefined;
    }, 20_000);
    const h = body!;
    expect([h.cols, h.rows, h.cells.length]).toEqual([32, 18, 576]);
    const total = h.cells.reduce((s, x) => s + x, 0);
    const at = (x0: number, y0: number, x1: number, y1: number): number => {
      let s = 0;
      for (let r = 0; r < 18; r++) for (let c = 0; c < 32; c++) {
        const cx = (c + 0.5) / 32;
        const cy = (r + 0.5) / 18;
        if (cx >= x0 && cx < x1 && cy >= y0 && cy < y1) s += h.cells[r * 32 + c]!;
      }
      return s;
    };
    const rowsText = Array.from({ length: 18 }, (_, r) => h.cells.slice(r * 32, r * 32 + 32).map((v) => (v === 0 ? '.' : v < 1 ? ':' : v < 5 ? 'o' : '#')).join('')).join('\n');
    console.log(`heatmap (person-seconds ${total.toFixed(1)} over ${h.seconds} s, buckets ${h.buckets.map((b) => `${b.meanCount}/${b.maxCount}`).join(' ')}):\n${rowsText}`);
    expect(total).toBeGreaterThan(5);
    expect(total).toBeGreaterThanOrEqual(openTotal);
    expect(at(SKY_AND_ROOFS.x0, SKY_AND_ROOFS.y0, SKY_AND_ROOFS.x1, SKY_AND_ROOFS.y1)).toBe(0);
    // The people walk on the near pavement at the left (feet low in the picture) and on the far pavement at the right
    // (feet about half-way down); the fenced road works in the middle and the road under the buses hold nobody.
    const nearLeft = at(0, 0.55, 0.45, 1);
    const farRight = at(0.6, 0.45, 1, 0.62);
    console.log(`near left ${nearLeft.toFixed(1)}, far right ${farRight.toFixed(1)}, works ${at(0.4, 0.62, 0.65, 1).toFixed(1)} of ${total.toFixed(1)}`);
    expect(nearLeft).toBeGreaterThan(1);
    expect(farRight).toBeGreaterThan(1);
    expect((nearLeft + farRight) / total).toBeGreaterThan(0.8);
    expect(at(0.4, 0.62, 0.65, 1) / total).toBeLessThan(0.05);
    const b = h.buckets.reduce((m, x) => (x.maxCount > m.maxCount ? x : m));
    expect(b.maxCount).toBeGreaterThanOrEqual(seen.maxPavement);
    expect(b.meanCount).toBeGreaterThan(0);
    // Vehicles are kept apart by class (the buses in the clip).
    const bus = heatmapResponse.parse((await op.get(`/api/cameras/london/heatmap?from=${started - 600_000}&to=${Date.now() + 1}&cls=bus`)).body);
    console.log(`bus: ${bus.cells.reduce((s, x) => s + x, 0).toFixed(1)} object-seconds, ${bus.buckets.map((x) => x.maxCount).join(' ')}`);
    const busTotal = bus.cells.reduce((s, x) => s + x, 0);
    expect(busTotal).toBeGreaterThan(0);
    // A bus's foot point is where its wheels meet the road: never on the near pavement where the walkers' feet are.
    const busNearLeft = bus.cells.reduce((s, x, i) => (i % 32 < 14 && Math.floor(i / 32) >= 10 ? s + x : s), 0);
    expect(busNearLeft).toBe(0);
  }, 180_000);

  it('answers with the counts permission, and nothing for a camera out of the caller\'s scope', async () => {
    const q = `from=${started - 600_000}&to=${Date.now() + 1}`;
    expect((await (await TestClient.login(t.url, 'viewer')).get(`/api/cameras/london/heatmap?${q}`)).status).toBe(200);
    expect((await (await TestClient.login(t.url, 'partner')).get(`/api/cameras/london/heatmap?${q}`)).status).toBe(403);
    const admin = await TestClient.login(t.url, 'admin');
    const u = await admin.post('/api/users', { username: 'scoped-op', password: 'scoped-password-123', roles: ['operator'], scope: { cameraIds: ['other'] } });
    expect(u.status).toBe(200);
    const scoped = await TestClient.login(t.url, 'scoped-op', 'scoped-password-123');
    expect((await scoped.get(`/api/cameras/london/heatmap?${q}`)).status).toBe(404);
    expect((await scoped.get(`/api/cameras/other/heatmap?${q}`)).status).toBe(200);
    expect((await op.get('/api/cameras/nope/heatmap')).status).toBe(404);
    expect((await op.get(`/api/cameras/london/heatmap?from=10&to=5`)).status).toBe(400);
  });
});
