import { describe, expect, it } from 'vitest';
import { mapOrigins, mapSchema } from './map.js';
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
});
