import { describe, expect, it } from 'vitest';
import { GEOBOUNDARIES_ATTRIBUTION, mapOrigins, mapSchema } from './map.js';
import { configSchema } from './schema.js';

const problems = (v: unknown): string[] => {
  const r = mapSchema.safeParse(v);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('the map section of the config', () => {
  it('is optional, and blank (offline) when present without a source', () => {
    const cfg = configSchema.parse({ version: 1, sites: [{ id: 'qnam', name: 'Quảng Nam' }] });
    expect(cfg.map).toBeUndefined();
    expect(mapSchema.parse({})).toEqual({ style: 'blank', tileType: 'raster' });
    expect(mapOrigins(undefined)).toEqual([]);
  });

  it('takes a tile URL template and allows its origin in the page', () => {
    const m = mapSchema.parse({ style: 'tiles', url: 'https://tiles.example.vn:8443/osm/{z}/{x}/{y}.png', attribution: '© OpenStreetMap' });
    expect(mapOrigins(m)).toEqual(['https://tiles.example.vn:8443']);
  });

  it('takes a local PMTiles file (served by the service: no external origin) or a remote one', () => {
    expect(mapOrigins(mapSchema.parse({ style: 'pmtiles', file: 'maps/quang-nam.pmtiles' }))).toEqual([]);
    expect(mapOrigins(mapSchema.parse({ style: 'pmtiles', url: 'https://cdn.example.vn/vn.pmtiles' }))).toEqual(['https://cdn.example.vn']);
  });

  it('refuses incomplete or contradictory sources, naming the field', () => {
    expect(problems({ style: 'tiles' })).toEqual(['url: style `tiles` needs a `url` template']);
    expect(problems({ style: 'tiles', url: 'https://t.example.vn/tiles.png' })).toEqual(['url: a tile URL template needs {z}, {x} and {y}']);
    expect(problems({ style: 'tiles', url: 'https://{s}.tile.example.vn/{z}/{x}/{y}.png' })[0]).toMatch(/^url: must be an http\(s\) URL with one fixed host/);
    expect(problems({ style: 'tiles', url: 'ftp://t.example.vn/{z}/{x}/{y}.png' })[0]).toMatch(/^url: must be an http/);
    expect(problems({ style: 'pmtiles' })).toEqual(['file: style `pmtiles` needs either a local `file` or a remote `url`, not both']);
    expect(problems({ style: 'pmtiles', file: 'a.pmtiles', url: 'https://x.vn/a.pmtiles' })).toHaveLength(1);
    expect(problems({ url: 'https://x.vn/{z}/{x}/{y}.png' })[0]).toMatch(/^style: style `blank` uses no `url`/);
    expect(problems({ style: 'blank', zoom: 30 })[0]).toMatch(/^zoom:/);
    expect(problems({ style: 'blank', centre: { lat: 1, lng: 2 } })).toHaveLength(1);
  });

  it('takes offline boundaries with the geoBoundaries attribution by default, or none, and refuses them under tiles', () => {
    expect(mapSchema.parse({ boundaries: { dir: '/srv/maps' } }).boundaries).toEqual({
      dir: '/srv/maps', provinces: 'vn_provinces_adm1_geoboundaries.geojson', districts: 'vn_districts_2009.geojson', attribution: GEOBOUNDARIES_ATTRIBUTION,
    });
    expect(GEOBOUNDARIES_ATTRIBUTION).toMatch(/geoBoundaries.*CC BY 4\.0/);
    expect(GEOBOUNDARIES_ATTRIBUTION).toContain('href="https://www.geoboundaries.org"');
    expect(mapSchema.parse({ boundaries: false }).boundaries).toBe(false);
    expect(problems({ style: 'tiles', url: 'https://t.vn/{z}/{x}/{y}.png', boundaries: { dir: '/srv/maps' } })).toEqual(['boundaries: the boundaries are the offline base map (style `blank`): tiles replace them']);
    expect(problems({ boundaries: { dir: '' } })[0]).toMatch(/^boundaries/);
  });
});

describe("a camera's view (its cone on the map)", () => {
  const camera = (view: unknown) => configSchema.safeParse({
    version: 1, sites: [{ id: 's', name: 'S' }],
    cameras: [{ id: 'c', name: 'C', site: 's', kind: 'security', source: 'rtsp://10.0.0.1/1', location: { lat: 16, lng: 108 }, ...(view === undefined ? {} : { view }) }],
  });
  it('is optional, takes a heading with a 60° field and 80 m by default, and refuses headings and fields out of range', () => {
    const none = camera(undefined);
    expect(none.success && none.data.cameras[0]!.view).toBeUndefined();
    const v = camera({ headingDeg: 135 });
    expect(v.success && v.data.cameras[0]!.view).toEqual({ headingDeg: 135, fovDeg: 60, rangeM: 80 });
    for (const bad of [{ headingDeg: 360 }, { headingDeg: -1 }, { headingDeg: 10, fovDeg: 0 }, { headingDeg: 10, rangeM: -5 }, { fovDeg: 60 }, { headingDeg: 10, tilt: 3 }]) {
      expect(camera(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
