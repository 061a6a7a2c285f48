/**
 * Attribute search against a real server: track summaries (as a camera emits them, with a real crop cut from a road
 * video frame) go through the real ingest into their own table, never into the events list; an investigator finds
 * them by class, colour, window and site, only on the cameras of their scope; every search is audited with its query;
 * viewer, operator, reviewer and partner may not search; the crop is served audited.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackAttributesEvent } from '../src/core/events.js';
import { startTestServer, TestClient, TEST_PASSWORD, type TestServer } from '../src/server/testing/harness.js';
import { createUser } from '../src/server/users.js';
import { hasAssets, video } from './assets.js';

const T0 = Date.now() - 3_600_000;
let t: TestServer;
let dataDir = '';
let crop: Uint8Array;

const summary = (id: string, cameraId: string, cls: TrackAttributesEvent['cls'], colours: TrackAttributesEvent['colours'], atMs: number, withCrop = false): TrackAttributesEvent => ({
  id, kind: 'track.attributes', cameraId, atMs, ptsSec: 1, trackId: 7, cls, firstMs: atMs - 4000, lastMs: atMs, colours,
  startBox: { x1: 10, y1: 20, x2: 60, y2: 140 }, endBox: { x1: 300, y1: 30, x2: 340, y2: 130 }, samples: 4, ...(withCrop ? { cropJpeg: crop } : {}),
});
const red = [{ colour: 'red', share: 0.7 }] as const;
const blue = [{ colour: 'blue', share: 0.8 }] as const;
const white = [{ colour: 'white', share: 0.9 }] as const;

describe.skipIf(!hasAssets())('attribute search', () => {
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'argus-attr-srv-'));
    // A real crop: the lower-left of a frame of the Vietnamese street clip, as the stage would keep it.
    const frame = execFileSync('ffmpeg', ['-v', 'error', '-ss', '2', '-i', video('vn_street_cctv_wrong_way_nguoc_chieu.mp4'), '-frames:v', '1', '-f', 'image2pipe', '-vcodec', 'png', '-'], { maxBuffer: 1 << 26 });
    crop = new Uint8Array(await sharp(frame).extract({ left: 1100, top: 400, width: 100, height: 180 }).jpeg({ quality: 80 }).toBuffer());
    t = await startTestServer('sqlite', { footage: { dataDir } });
    await t.store.upsertSite({ id: 'hcm', name: 'TP HCM', timeZone: 'Asia/Ho_Chi_Minh', district: null, ward: null, location: null });
    await t.store.upsertSite({ id: 'dn', name: 'Đà Nẵng', timeZone: 'Asia/Ho_Chi_Minh', district: null, ward: null, location: null });
    for (const [id, site, district] of [['cho-lon', 'hcm', 'Quận 5'], ['ben-thanh', 'hcm', 'Quận 1'], ['han', 'dn', 'Hải Châu']] as const) {
      await t.store.upsertCamera({ id, siteId: site, name: `Cam ${id}`, kind: 'security', url: '/dev/null', enabled: true, location: null, zones: { area: { district } }, rules: [], updatedAtMs: Date.now() });
    }
    await createUser(t.store, { username: 'q5', password: TEST_PASSWORD, roles: ['investigator'], scope: { districts: ['Quận 5'] } });
    await t.server.ctx.ingest.handleMany([
      summary('p-red', 'cho-lon', 'person', { upper: red, lower: blue }, T0, true),
      summary('p-blue', 'cho-lon', 'person', { upper: blue, lower: [{ colour: 'black', share: 0.6 }] }, T0 + 60_000),
      summary('p-red-q1', 'ben-thanh', 'person', { upper: red, lower: white }, T0 + 120_000),
      summary('car-white', 'han', 'car', { body: white }, T0 + 180_000, true),
    ]);
  }, 60_000);
  afterAll(async () => {
    await t?.dispose();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const ids = (body: { items: Array<{ id: string }> }): string[] => body.items.map((h) => h.id);

  it('finds "a person in a red top" and "a white car", newest first, with the crop URL, and audits each search', async () => {
    const inv = await TestClient.login(t.url, 'investigator');
    const r = await inv.get('/api/search/attributes?cls=person&upper=red');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(ids(r.body)).toEqual(['p-red-q1', 'p-red']);
    expect(r.body.items[1]).toMatchObject({ cameraId: 'cho-lon', cameraName: 'Cam cho-lon', cls: 'person', upper: ['red'], lower: ['blue'], cropUrl: '/api/tracks/p-red/crop.jpg' });
    expect(r.body.items[0].cropUrl).toBeNull();
    expect(ids((await inv.get('/api/search/attributes?cls=car&colour=white')).body)).toEqual(['car-white']);
    expect(ids((await inv.get('/api/search/attributes?lower=black')).body)).toEqual(['p-blue']);
    // Near Chợ Lớn (the site's cameras, or one camera) between two times.
    expect(ids((await inv.get(`/api/search/attributes?upper=red&siteId=hcm&from=${T0 - 1000}&to=${T0 + 30_000}`)).body)).toEqual(['p-red']);
    expect(ids((await inv.get('/api/search/attributes?cameraId=ben-thanh')).body)).toEqual(['p-red-q1']);
    expect(ids((await inv.get('/api/search/attributes?siteId=nowhere')).body)).toEqual([]);
    expect((await inv.get('/api/search/attributes?upper=mauve')).status).toBe(400);
    const audits = (await t.store.listAudit({ action: 'search.attributes', limit: 100 })).items;
    expect(audits.length).toBe(6); // each search that ran (the refused colour never reached the store)
    expect(audits.map((a) => a.details)).toContainEqual(expect.objectContaining({ cls: ['person'], upper: 'red', hits: 2 }));
  });

  it('keeps the summaries out of the events list', async () => {
    const admin = await TestClient.login(t.url, 'admin');
    const ev = await admin.get('/api/events?limit=1000');
    expect(ev.status).toBe(200);
    expect(ev.body.items.filter((e: { kind: string }) => e.kind === 'track.attributes')).toEqual([]);
    expect((await t.store.listEvents({ limit: 1000 })).items.length).toBe(0);
  });

  it('searches only the cameras of the caller\'s scope, and only with people.search', async () => {
    const q5 = await TestClient.login(t.url, 'q5');
    expect(ids((await q5.get('/api/search/attributes?upper=red')).body)).toEqual(['p-red']);
    expect(ids((await q5.get('/api/search/attributes?cameraId=ben-thanh')).body)).toEqual([]);
    for (const role of ['viewer', 'operator', 'reviewer', 'partner']) {
      expect((await (await TestClient.login(t.url, role)).get('/api/search/attributes?upper=red')).status, role).toBe(403);
    }
    for (const role of ['supervisor', 'admin']) expect((await (await TestClient.login(t.url, role)).get('/api/search/attributes?upper=red')).status, role).toBe(200);
  });

  it('serves the crop written by the ingest, audited, and hides one outside the scope', async () => {
    const get = async (c: TestClient, id: string) => {
      const res = await fetch(`${t.url}/api/tracks/${id}/crop.jpg`, { headers: { cookie: c.cookie } });
      return { status: res.status, body: new Uint8Array(await res.arrayBuffer()) };
    };
    const inv = await TestClient.login(t.url, 'investigator');
    const got = await get(inv, 'p-red');
    expect(got.status).toBe(200);
    expect(got.body).toEqual(crop);
    const looks = (await t.store.listAudit({ action: 'footage.view', limit: 100 })).items.filter((a) => (a.details as { what?: string }).what === 'track-crop');
    expect(looks.length).toBe(1);
    expect((await get(inv, 'p-blue')).status).toBe(404); // no crop kept
    expect((await get(await TestClient.login(t.url, 'q5'), 'car-white')).status).toBe(404);
    expect((await get(await TestClient.login(t.url, 'viewer'), 'p-red')).status).toBe(403);
  });
});

describe.skipIf(!hasAssets())('attribute search on a camera of the service', () => {
  it('summarises the tracks of a live camera into the search (camera runtime → bus → ingest → table), crops included', async () => {
    const { configSchema } = await import('../src/config/schema.js');
    const { createStageProvider } = await import('../src/pipeline/runtime/stages.js');
    const config = configSchema.parse({
      version: 1,
      sites: [{ id: 'ldn', name: 'London' }],
      cameras: [{ id: 'oxford-st', name: 'Oxford Street', site: 'ldn', kind: 'security', source: video('london_street_bus_TestV4.mp4'), location: { lat: 51.515, lng: -0.142 }, analysis: { fps: 5, width: 960 } }],
    });
    const stages = createStageProvider({ config, attributes: true });
    const srv = await startTestServer('sqlite', { config, startCameras: true, footageInDataDir: true, cameras: { stages } });
    try {
      const deadline = Date.now() + 120_000;
      let items: Array<{ id: string; cls: string; cropUrl: string | null; upper: string[]; body: string[] }> = [];
      const inv = await TestClient.login(srv.url, 'investigator');
      while (Date.now() < deadline) {
        items = (await inv.get('/api/search/attributes?cameraId=oxford-st')).body.items;
        if (items.some((i) => i.cls === 'person' && i.cropUrl) && items.some((i) => i.cls === 'bus')) break;
        await new Promise((r) => setTimeout(r, 2000));
      }
      expect(items.some((i) => i.cls === 'person' && i.cropUrl !== null && i.upper.length > 0), JSON.stringify(items)).toBe(true);
      // The red London bus, by its colour.
      const buses = (await inv.get('/api/search/attributes?cls=bus&body=red')).body.items;
      expect(buses.length, JSON.stringify(items)).toBeGreaterThan(0);
      const person = items.find((i) => i.cls === 'person' && i.cropUrl)!;
      const res = await fetch(`${srv.url}${person.cropUrl!}`, { headers: { cookie: inv.cookie } });
      expect(res.status).toBe(200);
      expect((await sharp(Buffer.from(await res.arrayBuffer())).metadata()).format).toBe('jpeg');
      // None of it is in the events list.
      expect((await srv.store.listEvents({ limit: 1000 })).items.filter((e) => e.kind === 'track.attributes')).toEqual([]);
    } finally {
      await srv.dispose();
      await stages.close();
    }
  }, 180_000);
});
