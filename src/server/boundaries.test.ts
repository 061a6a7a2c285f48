import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { boundariesSchema } from '../config/map.js';
import { boundariesOf, boundaryLayer, featuresIn, labelPoint, type BoundaryFeature } from './boundaries.js';

const MAPS = join(process.env['ARGUS_ASSETS'] ?? join(process.cwd(), '../shared/assets'), 'maps');

/** Even-odd rule over every ring (holes count as outside). */
function inside([x, y]: readonly [number, number], poly: ReadonlyArray<ReadonlyArray<readonly [number, number]>>): boolean {
  let odd = false;
  for (const ring of poly) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i]!;
      const [xj, yj] = ring[j]!;
      if ((yi > y) !== (yj > y) && x < xi + ((y - yi) / (yj - yi)) * (xj - xi)) odd = !odd;
    }
  }
  return odd;
}
const polygonsOf = (f: BoundaryFeature) => (f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates);

describe('the boundaries of the offline base map', () => {
  it('labels a C-shaped area on its own land, not in the bay its centre falls in', () => {
    // A "C" open to the east: the middle of its box (2, 2) is in the bay.
    const c: Array<[number, number]> = [[0, 0], [4, 0], [4, 1], [1, 1], [1, 3], [4, 3], [4, 4], [0, 4], [0, 0]];
    const at = labelPoint([c]);
    expect(inside(at, [c])).toBe(true);
    // A square with a big hole: the label is on the ring, not in the hole.
    const sq: Array<[number, number]> = [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]];
    const hole: Array<[number, number]> = [[2, 2], [8, 2], [8, 8], [2, 8], [2, 2]];
    expect(inside(labelPoint([sq, hole]), [sq, hole])).toBe(true);
  });

  it('keeps names and polygons, skips other geometries and refuses what is not a FeatureCollection', () => {
    const layer = boundaryLayer({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { Ten_Tinh: 'Đà Nẵng', Ten_Huyen: 'Hai Chau' }, geometry: { type: 'Polygon', coordinates: [[[108.2, 16.0], [108.25, 16.0], [108.25, 16.08], [108.2, 16.08], [108.2, 16.0]]] } },
        { type: 'Feature', properties: { shapeName: 'Điểm' }, geometry: { type: 'Point', coordinates: [108, 16] } },
        { type: 'Feature', properties: { Ten_Tinh: 'Đà Nẵng', Ten_Huyen: 'Hai Chau' }, geometry: { type: 'Polygon', coordinates: [[[108.3, 16.0], [108.31, 16.0], [108.31, 16.01], [108.3, 16.0]]] } },
      ],
    }, 'test');
    expect(layer.features.map((f) => f.properties)).toEqual([{ name: 'Hai Chau', province: 'Đà Nẵng', label: [108.225, expect.closeTo(16.04, 5)] }]);
    expect(layer.boxes).toEqual([[108.2, 16.0, 108.31, 16.08]]); // the two pieces of Hai Chau, one area
    expect(layer.features[0]!.geometry.type).toBe('MultiPolygon');
    expect(() => boundaryLayer({ type: 'Feature' }, 'x.geojson')).toThrow(/x.geojson: not a GeoJSON FeatureCollection/);
  });

  it.skipIf(!existsSync(MAPS))('reads the 64 provinces and 702 districts (1 561 pieces) of the shared assets, each labelled once inside its area, districts by box', async () => {
    const b = boundariesOf(boundariesSchema.parse({ dir: MAPS }));
    const provinces = await b.provinces();
    expect(provinces.features.length).toBe(64);
    expect(provinces.features.map((f) => f.properties.name)).toContain('Quảng Nam');
    const districts = (await b.districts())!;
    expect(districts.features.length).toBe(702);
    expect(districts.features.reduce((n, f) => n + polygonsOf(f).length, 0)).toBe(1561);
    // Hội An's islands (Cù Lao Chàm) are pieces of Hội An, one name on the map.
    expect(districts.features.filter((f) => f.properties.province === 'Quảng Nam' && f.properties.name === 'Hoi An').length).toBe(1);
    let outside = 0;
    for (const f of [...provinces.features, ...districts.features]) if (!polygonsOf(f).some((p) => inside(f.properties.label, p))) outside++;
    expect(new Set(districts.features.map((f) => `${f.properties.province}/${f.properties.name}`)).size).toBe(702);
    expect(outside).toBe(0);
    // Around Đà Nẵng's centre (Hải Châu): Đà Nẵng's own districts are in, Hà Nội's are not.
    const near = featuresIn(districts, [108.15, 16.0, 108.3, 16.1], 400);
    expect(near.some((f) => f.properties.province === 'Đà Nẵng' && f.properties.name === 'Hai Chau')).toBe(true);
    expect(near.some((f) => f.properties.province === 'Hà Nội')).toBe(false);
    expect(near.length).toBeLessThan(30);
    expect(featuresIn(districts, [100, 8, 110, 24], 50).length).toBe(50);
  });
});
