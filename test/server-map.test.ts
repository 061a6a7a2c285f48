/**
 * The base map over the real service: `GET /api/map` from the config's `map:`, the CSP that follows it, and a real
 * PMTiles archive (written by the test, with PNG tiles made by sharp) served with HTTP range requests and read back
 * by the `pmtiles` library the UI uses.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, type ArgusConfig } from '../src/config/schema.js';
import { startTestServer, TestClient, type TestServer } from '../src/server/testing/harness.js';
import { loadConfigFile } from '../src/config/load.js';
import { ASSETS, REPO_ROOT } from './assets.js';
import { flatRasterArchive, QUANG_NAM, tilesCovering, type PmTile } from './fixtures/pmtiles.js';

const PMTILES_LIB = join(REPO_ROOT, 'web/node_modules/pmtiles/dist/esm/index.js');

const configWith = (map: unknown): ArgusConfig => configSchema.parse({ version: 1, sites: [{ id: 'qnam', name: 'Công an tỉnh Quảng Nam' }], map });
const csp = (h: Headers, directive: string): string[] =>
  (h.get('content-security-policy') ?? '').split(';').map((d) => d.trim().split(/\s+/)).find((d) => d[0] === directive)?.slice(1) ?? [];

describe('the base map settings', () => {
  let blank: TestServer;
  let tiles: TestServer;
  beforeAll(async () => {
    blank = await startTestServer('sqlite');
    tiles = await startTestServer('sqlite', { config: configWith({ style: 'tiles', url: 'https://tiles.example.vn/osm/{z}/{x}/{y}.png', attribution: '© OpenStreetMap', center: { lat: 15.57, lng: 108.47 }, zoom: 9 }) });
  });
  afterAll(async () => {
    await blank?.dispose();
    await tiles?.dispose();
  });

  it('are the offline blank map without a map section, and the page may fetch only from itself', async () => {
    const c = await TestClient.login(blank.url, 'viewer');
    const r = await c.get('/api/map');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ style: 'blank', url: null, tileType: 'raster', attribution: null, center: null, zoom: null, boundaries: null });
    expect((await c.get('/api/map/boundaries/provinces')).status).toBe(404);
    expect(csp(r.headers, 'connect-src')).toEqual(["'self'"]);
    expect(csp(r.headers, 'img-src')).toEqual(["'self'", 'data:', 'blob:']);
    expect((await c.get('/api/map/tiles.pmtiles')).status).toBe(404);
    expect((await new TestClient(blank.url).get('/api/map')).status).toBe(401);
  });

  it('give a configured tile server to the UI and allow its origin, and only it, in the CSP', async () => {
    const c = await TestClient.login(tiles.url, 'viewer');
    const r = await c.get('/api/map');
    expect(r.body).toEqual({ style: 'tiles', url: 'https://tiles.example.vn/osm/{z}/{x}/{y}.png', tileType: 'raster', attribution: '© OpenStreetMap', center: { lat: 15.57, lng: 108.47 }, zoom: 9, boundaries: null });
    // The UI page itself carries the same policy.
    const page = await fetch(`${tiles.url}/`);
    for (const h of [r.headers, page.headers]) {
      expect(csp(h, 'connect-src')).toEqual(["'self'", 'https://tiles.example.vn']);
      expect(csp(h, 'img-src')).toEqual(["'self'", 'data:', 'blob:', 'https://tiles.example.vn']);
      expect(csp(h, 'default-src')).toEqual(["'self'"]);
    }
  });
});

const MAPS = join(ASSETS, 'maps');

describe.skipIf(!existsSync(MAPS))('the offline boundaries (shared assets/maps)', () => {
  let t: TestServer;
  let dir = '';
  beforeAll(async () => {
    // As `argus serve --config` loads it: a config without a map section gets the assets' boundaries by default.
    dir = await mkdtemp(join(tmpdir(), 'argus-bounds-'));
    await writeFile(join(dir, 'site.yaml'), 'version: 1\nsites: [{ id: qnam, name: Công an tỉnh Quảng Nam }]\n');
    const loaded = await loadConfigFile(join(dir, 'site.yaml'), { ARGUS_ASSETS: ASSETS });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    expect(loaded.config.map?.boundaries).toMatchObject({ dir: MAPS, provinces: 'vn_provinces_adm1_geoboundaries.geojson', districts: 'vn_districts_2009.geojson' });
    // No default where the assets have no maps, or where tiles replace the boundaries.
    const bare = await loadConfigFile(join(dir, 'site.yaml'), { ARGUS_ASSETS: dir });
    expect(bare.ok && bare.config.map).toBeUndefined();
    await writeFile(join(dir, 'tiles.yaml'), 'version: 1\nsites: [{ id: qnam, name: Q }]\nmap: { style: tiles, url: "https://t.example.vn/{z}/{x}/{y}.png" }\n');
    const tiled = await loadConfigFile(join(dir, 'tiles.yaml'), { ARGUS_ASSETS: ASSETS });
    expect(tiled.ok && tiled.config.map?.boundaries).toBeUndefined();
    t = await startTestServer('sqlite', { config: loaded.config });
  });
  afterAll(async () => {
    await t?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('are announced with their CC BY attribution, provinces whole and districts by bounding box, to signed-in users only', async () => {
    const c = await TestClient.login(t.url, 'viewer');
    const settings = (await c.get('/api/map')).body as { style: string; boundaries: { districts: boolean; attribution: string } };
    expect(settings.style).toBe('blank');
    expect(settings.boundaries.districts).toBe(true);
    expect(settings.boundaries.attribution).toContain('geoBoundaries');
    expect(settings.boundaries.attribution).toContain('https://www.geoboundaries.org');
    expect(settings.boundaries.attribution).toContain('CC BY 4.0');

    const provinces = await c.get('/api/map/boundaries/provinces');
    expect(provinces.status).toBe(200);
    const pf = (provinces.body as { features: Array<{ properties: { name: string; label: [number, number] } }> }).features;
    expect(pf.length).toBe(64);
    const qn = pf.find((f) => f.properties.name === 'Quảng Nam')!;
    expect(qn.properties.label[0]).toBeGreaterThan(107.2);
    expect(qn.properties.label[0]).toBeLessThan(108.8);
    expect(qn.properties.label[1]).toBeGreaterThan(14.9);
    expect(qn.properties.label[1]).toBeLessThan(16.1);

    // The districts around Tam Kỳ and Hội An: Quảng Nam's, with Đà Nẵng's next door, not the country's 1 561.
    const near = await c.get('/api/map/boundaries/districts?bbox=108.2,15.5,108.5,15.9');
    const df = (near.body as { features: Array<{ properties: { name: string; province: string | null } }> }).features;
    expect(df.length).toBeGreaterThan(3);
    expect(df.length).toBeLessThan(40);
    expect(df.some((f) => f.properties.province === 'Quảng Nam')).toBe(true);
    expect(df.every((f) => ['Quảng Nam', 'Đà Nẵng', 'Quảng Ngãi', 'Kon Tum'].includes(f.properties.province ?? ''))).toBe(true);

    // Gzipped for a browser (fetch here asks for it and unzips), plain JSON for a client that does not take gzip.
    const raw = await fetch(`${t.url}/api/map/boundaries/provinces`, { headers: { cookie: c.cookie } });
    expect(raw.headers.get('content-encoding')).toBe('gzip');
    expect(Number(raw.headers.get('content-length'))).toBeLessThan(120_000);
    expect(((await raw.json()) as { features: unknown[] }).features.length).toBe(64);
    const plain = await fetch(`${t.url}/api/map/boundaries/provinces`, { headers: { cookie: c.cookie, 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(((await plain.json()) as { features: unknown[] }).features.length).toBe(64);

    expect((await c.get('/api/map/boundaries/districts?bbox=108.5,15.5,108.2,15.9')).status).toBe(400); // west > east
    expect((await c.get('/api/map/boundaries/districts?bbox=abc')).status).toBe(400);
    expect((await new TestClient(t.url).get('/api/map/boundaries/provinces')).status).toBe(401);
  });
});

describe('a local PMTiles archive', () => {
  let t: TestServer;
  let dir = '';
  let archive: Buffer;
  let tileList: PmTile[];
  beforeAll(async () => {
    ({ bytes: archive, tiles: tileList } = await flatRasterArchive(QUANG_NAM, 8));
    dir = await mkdtemp(join(tmpdir(), 'argus-map-'));
    const file = join(dir, 'quang-nam.pmtiles');
    await writeFile(file, archive);
    t = await startTestServer('sqlite', { config: configWith({ style: 'pmtiles', file }) });
  });
  afterAll(async () => {
    await t?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is served by the service itself, whole or by byte ranges, to signed-in users only', async () => {
    const c = await TestClient.login(t.url, 'viewer');
    expect((await c.get('/api/map')).body).toMatchObject({ style: 'pmtiles', url: '/api/map/tiles.pmtiles' });
    const get = (headers: Record<string, string>) => fetch(`${t.url}/api/map/tiles.pmtiles`, { headers: { cookie: c.cookie, ...headers } });

    const whole = await get({});
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer()).equals(archive)).toBe(true);

    const part = await get({ range: 'bytes=0-126' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 0-126/${archive.length}`);
    const header = Buffer.from(await part.arrayBuffer());
    expect(header.equals(archive.subarray(0, 127))).toBe(true);
    expect(header.subarray(0, 7).toString()).toBe('PMTiles');

    const tail = await get({ range: 'bytes=-10' });
    expect(Buffer.from(await tail.arrayBuffer()).equals(archive.subarray(archive.length - 10))).toBe(true);

    const beyond = await get({ range: `bytes=${archive.length}-` });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${archive.length}`);

    const etag = whole.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect((await get({ range: 'bytes=0-9', 'if-range': '"stale"' })).status).toBe(200);
    expect((await get({ range: 'bytes=0-9', 'if-range': etag })).status).toBe(206);

    expect((await fetch(`${t.url}/api/map/tiles.pmtiles`, { headers: { range: 'bytes=0-9' } })).status).toBe(401);
  });

  it.skipIf(!existsSync(PMTILES_LIB))('reads back tile by tile with the pmtiles library over HTTP ranges', async () => {
    const c = await TestClient.login(t.url, 'viewer');
    const { PMTiles, FetchSource } = (await import(PMTILES_LIB)) as typeof import('../web/node_modules/pmtiles/dist/esm/index.js');
    const p = new PMTiles(new FetchSource(`${t.url}/api/map/tiles.pmtiles`, new Headers({ cookie: c.cookie })));
    const h = await p.getHeader();
    expect(h).toMatchObject({ specVersion: 3, tileType: 2, minZoom: 0, maxZoom: 8, minLon: 107.2, maxLat: 16.2 });
    expect(await p.getMetadata()).toEqual({ name: 'Argus test map' });
    for (const want of [tileList[0]!, tileList.at(-1)!, tileList[Math.floor(tileList.length / 2)]!]) {
      const got = await p.getZxy(want.z, want.x, want.y);
      expect(got, `tile ${want.z}/${want.x}/${want.y}`).toBeDefined();
      expect(Buffer.from(got!.data).equals(Buffer.from(want.data))).toBe(true);
    }
    const [x, y] = tilesCovering(8, QUANG_NAM)[0]!;
    expect(await p.getZxy(8, x - 1, y)).toBeUndefined(); // outside the archive
  });
});
