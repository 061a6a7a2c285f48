/**
 * The analysis overlay of a real camera (a looping road clip, the real detector from ARGUS_MODELS) over real HTTP
 * streaming: frames with tracks whose boxes are normalised, the counting line's counts moving exactly as the line
 * counter's crossings (the events the store keeps), nothing built while nobody watches, nothing for a camera out of
 * the caller's scope, and the stream audited as a live look.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../src/config/schema.js';
import { overlayFrame } from '../src/contract/overlay.js';
import { startTestServer, TestClient, type TestServer } from '../src/server/testing/harness.js';
import { hasAssets, MODELS, video } from './assets.js';
import { sse, waitFor, type SseStream } from './sse-client.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!hasAssets())('the analysis overlay of a camera', () => {
  let t: TestServer;
  let op: TestClient;
  const open: SseStream[] = [];
  const stream = (c: TestClient, id: string): SseStream => {
    const s = sse(`${t.url}/api/cameras/${id}/overlay`, c.cookie);
    open.push(s);
    return s;
  };

  beforeAll(async () => {
    const config = configSchema.parse({
      version: 1,
      sites: [{ id: 'qn', name: 'Công an tỉnh Quảng Nam' }],
      cameras: [
        {
          id: 'loop', name: 'Vòng lặp', site: 'qn', kind: 'overview', source: video('opencv4nodejs_traffic.mp4'), location: { lat: 15.57, lng: 108.2 },
          analysis: { fps: 5, width: 320 },
          // The traffic of this clip crosses the picture left to right.
          lines: [{ id: 'L1', name: 'Giữa', points: [[0.5, 0], [0.5, 1]] }],
          zones: [{ id: 'Z1', polygon: [[0.1, 0.1], [0.4, 0.1], [0.4, 0.4]] }],
        },
        { id: 'other', name: 'Khác', site: 'qn', kind: 'overview', source: video('opencv4nodejs_traffic.mp4'), location: { lat: 15.58, lng: 108.2 }, enabled: false },
      ],
    });
    t = await startTestServer('sqlite', { config, startCameras: true, cameras: { modelsDir: MODELS } });
    op = await TestClient.login(t.url, 'operator');
  }, 60_000);
  afterAll(async () => {
    for (const s of open) s.close();
    await t?.dispose();
  });

  it('builds nothing while nobody watches, then streams frames of tracks, lines with counts and zones to a viewer', async () => {
    const mgr = t.server.ctx.cameras;
    await waitFor('the camera analysing', async () => (mgr.status('loop')[0]?.framesAnalysed ?? 0) > 10, 60_000);
    const analysedBefore = mgr.status('loop')[0]!.framesAnalysed;
    await sleep(1500);
    expect(mgr.status('loop')[0]!.framesAnalysed).toBeGreaterThan(analysedBefore);
    expect(mgr.overlay.published).toBe(0);

    const s = stream(op, 'loop');
    expect(await s.status).toBe(200);
    // Long enough for vehicles to cross the line (the clip is busy; 5 fps on two shared cores).
    await waitFor('overlay frames with a crossing', async () => {
      const f = s.messages.filter((m) => m.event === 'overlay');
      if (f.length < 10) return undefined;
      const first = f[0]!.data.lines[0];
      const last = f.at(-1)!.data.lines[0];
      return last.pos + last.neg > first.pos + first.neg ? true : undefined;
    }, 90_000);
    const frames = s.messages.filter((m) => m.event === 'overlay').map((m) => overlayFrame.parse(m.data));
    expect(mgr.overlay.published).toBeGreaterThanOrEqual(frames.length);
    for (const f of frames) {
      expect(f.cameraId).toBe('loop');
      expect(f.zones).toEqual([{ id: 'Z1', name: null, polygon: [[0.1, 0.1], [0.4, 0.1], [0.4, 0.4]], persons: expect.any(Number) }]);
      expect(f.lines.map((l) => [l.id, l.name, l.a, l.b])).toEqual([['L1', 'Giữa', [0.5, 0], [0.5, 1]]]);
      for (const tr of f.tracks) {
        for (const v of tr.box) expect(v).toBeGreaterThanOrEqual(0);
        for (const v of tr.box) expect(v).toBeLessThanOrEqual(1);
        expect(tr.box[2]).toBeGreaterThan(tr.box[0]);
        expect(tr.box[3]).toBeGreaterThan(tr.box[1]);
      }
    }
    const withTracks = frames.filter((f) => f.tracks.length > 0);
    console.log(`overlay: ${frames.length} frames, ${withTracks.length} with tracks, classes ${[...new Set(frames.flatMap((f) => f.tracks.map((x) => x.cls)))].join(',')}`);
    expect(withTracks.length).toBeGreaterThan(frames.length / 2);
    // Capture times move forward, frame after frame.
    for (let i = 1; i < frames.length; i++) expect(frames[i]!.capturedAtMs).toBeGreaterThan(frames[i - 1]!.capturedAtMs);
    // No plate text travels with the overlay.
    expect(s.raw()).not.toMatch(/plate/i);

    // The counts move exactly as the line counter's crossings between the first and the last frame (the stored events).
    const first = frames[0]!;
    const last = frames.at(-1)!;
    const total = (f: typeof first): number => f.lines[0]!.pos + f.lines[0]!.neg;
    const crossings = async (): Promise<number> =>
      (await t.store.listEvents({ cameraIds: ['loop'], kinds: ['line.cross'], fromMs: first.capturedAtMs + 1, toMs: last.capturedAtMs + 1, limit: 1000 })).items.length;
    await waitFor('the crossings stored', async () => ((await crossings()) === total(last) - total(first) ? true : undefined), 10_000).catch(() => undefined);
    expect(await crossings()).toBe(total(last) - total(first));

    // The stream is a look at the camera.
    const looks = (await t.store.listAudit({ action: 'footage.view', limit: 50 })).items.filter((a) => a.target === 'loop');
    expect(looks.length).toBe(1);

    // Once the viewer leaves, nothing more is built.
    s.close();
    await waitFor('the watch to end', async () => (mgr.overlay.viewers('loop') === 0 ? true : undefined), 5000);
    const after = mgr.overlay.published;
    const analysed = mgr.status('loop')[0]!.framesAnalysed;
    await sleep(1500);
    expect(mgr.status('loop')[0]!.framesAnalysed).toBeGreaterThan(analysed);
    expect(mgr.overlay.published).toBe(after);
  }, 150_000);

  it('answers nothing for a camera out of the caller\'s scope, and 409 for a camera not analysed here', async () => {
    const admin = await TestClient.login(t.url, 'admin');
    const u = await admin.post('/api/users', { username: 'scoped-op', password: 'scoped-password-123', roles: ['operator'], scope: { cameraIds: ['other'] } });
    expect(u.status).toBe(200);
    const scoped = await TestClient.login(t.url, 'scoped-op', 'scoped-password-123');
    const before = t.server.ctx.cameras.overlay.published;
    const s = stream(scoped, 'loop');
    // Out of scope reads as absent (the service's rule for every camera route), as for live view.
    expect(await s.status).toBe(404);
    await s.ended;
    expect(s.messages).toHaveLength(0);
    expect(t.server.ctx.cameras.overlay.viewers('loop')).toBe(0);
    expect(t.server.ctx.cameras.overlay.published).toBe(before);
    const off = stream(scoped, 'other');
    expect(await off.status).toBe(409);
    const noone = await TestClient.login(t.url, 'partner');
    const p = stream(noone, 'loop');
    expect([403, 404]).toContain(await p.status);
  }, 30_000);
});
