/**
 * The offline base map's administrative boundaries (config `map.boundaries`): GeoJSON polygon files read once, reduced
 * to what the map draws (a name, the province, a label point inside the polygon, coordinates to 5 decimals, ~1 m) and
 * served to the UI (routes/map.ts). The districts of a whole country are ~8 MB: the UI asks only for those around its
 * cameras (a bounding box).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BoundariesConfig } from '../config/map.js';
import { ArgusError } from '../core/errors.js';

type Ring = Array<[number, number]>;
type PolygonCoords = Ring[];
export interface BoundaryFeature {
  readonly type: 'Feature';
  readonly properties: { readonly name: string; readonly province: string | null; readonly label: [number, number] };
  readonly geometry: { readonly type: 'Polygon'; readonly coordinates: PolygonCoords } | { readonly type: 'MultiPolygon'; readonly coordinates: PolygonCoords[] };
}
/** A layer, with each feature's bounding box [west, south, east, north] kept beside it for the box queries. */
export interface BoundaryLayer {
  readonly features: readonly BoundaryFeature[];
  readonly boxes: ReadonlyArray<readonly [number, number, number, number]>;
}
export type Bbox = readonly [number, number, number, number];

const NAME_KEYS = ['shapeName', 'Ten_Huyen', 'name', 'NAME', 'ten'];
const PROVINCE_KEYS = ['Ten_Tinh', 'province'];
const round5 = (x: number): number => Math.round(x * 1e5) / 1e5;

function firstString(props: Record<string, unknown>, keys: readonly string[]): string | null {
  for (const k of keys) {
    const v = props[k];
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
  }
  return null;
}

/** Twice the signed area of a ring (shoelace), in degrees². */
function ringArea(r: Ring): number {
  let a = 0;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) a += (r[j]![0] - r[i]![0]) * (r[j]![1] + r[i]![1]);
  return a;
}

/**
 * A point inside the polygon for its name: on the horizontal line through the outer ring's vertex-mean latitude, the
 * middle of the widest stretch that lies inside (holes included), so a crescent or a C-shaped district still gets
 * its label on land of its own.
 */
export function labelPoint(poly: PolygonCoords): [number, number] {
  const outer = poly[0]!;
  let [west, south, east, north] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of outer) [west, south, east, north] = [Math.min(west, x), Math.min(south, y), Math.max(east, x), Math.max(north, y)];
  const open = outer.length > 1 && outer[0]![0] === outer.at(-1)![0] && outer[0]![1] === outer.at(-1)![1] ? outer.slice(0, -1) : outer;
  const meanY = open.reduce((s, p) => s + p[1], 0) / open.length;
  let best: [number, number] = [(west + east) / 2, (south + north) / 2];
  let bestWidth = -1;
  // The mean latitude first, then a few others: the widest inside stretch over them wins (ties: the first).
  for (const y of [meanY, ...[0.5, 0.35, 0.65, 0.2, 0.8].map((f) => south + f * (north - south))]) {
    const xs: number[] = [];
    for (const ring of poly) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = ring[i]!;
        const [xj, yj] = ring[j]!;
        if ((yi > y) !== (yj > y)) xs.push(xi + ((y - yi) / (yj - yi)) * (xj - xi));
      }
    }
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const w = xs[k + 1]! - xs[k]!;
      if (w > bestWidth * 1.5) { // prefer the mean latitude unless another line is clearly wider
        bestWidth = w;
        best = [(xs[k]! + xs[k + 1]!) / 2, y];
      }
    }
  }
  return [round5(best[0]), round5(best[1])];
}

function roundPolygon(p: unknown): PolygonCoords {
  if (!Array.isArray(p)) throw new Error('a polygon is not an array of rings');
  return p.map((ring: unknown) => {
    if (!Array.isArray(ring)) throw new Error('a ring is not an array of points');
    const out: Ring = [];
    for (const pt of ring as unknown[]) {
      if (!Array.isArray(pt) || typeof pt[0] !== 'number' || typeof pt[1] !== 'number') throw new Error('a point is not [lng, lat]');
      const q: [number, number] = [round5(pt[0]), round5(pt[1])];
      const last = out[out.length - 1];
      if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q);
    }
    return out;
  });
}

/**
 * Reduces a parsed GeoJSON FeatureCollection of (multi)polygons to a boundary layer; other geometries are skipped. The
 * pieces of one area (the same name in the same province: a district's islands, often separate features) become one
 * feature, labelled once on its largest piece.
 */
export function boundaryLayer(json: unknown, what: string): BoundaryLayer {
  const fc = json as { type?: unknown; features?: unknown };
  if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features)) throw new ArgusError('config_invalid', `${what}: not a GeoJSON FeatureCollection`);
  const areas = new Map<string, { name: string; province: string | null; polys: PolygonCoords[] }>();
  let unnamed = 0;
  for (const f of fc.features as Array<{ properties?: Record<string, unknown> | null; geometry?: { type?: string; coordinates?: unknown } | null }>) {
    const g = f.geometry;
    if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon') || !Array.isArray(g.coordinates)) continue;
    const polys = (g.type === 'Polygon' ? [roundPolygon(g.coordinates)] : (g.coordinates as unknown[]).map(roundPolygon)).filter((p) => p.length > 0 && p[0]!.length >= 4);
    if (polys.length === 0) continue;
    const props = f.properties ?? {};
    const name = firstString(props, NAME_KEYS) ?? '';
    const province = firstString(props, PROVINCE_KEYS);
    const key = name === '' ? `\u0000${unnamed++}` : `${province ?? ''}\u0000${name}`;
    const area = areas.get(key);
    if (area) area.polys.push(...polys);
    else areas.set(key, { name, province, polys });
  }
  const features: BoundaryFeature[] = [];
  const boxes: Array<[number, number, number, number]> = [];
  for (const { name, province, polys } of areas.values()) {
    const largest = polys.reduce((a, b) => (Math.abs(ringArea(b[0]!)) > Math.abs(ringArea(a[0]!)) ? b : a));
    const box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const p of polys) for (const [x, y] of p[0]!) [box[0], box[1], box[2], box[3]] = [Math.min(box[0], x), Math.min(box[1], y), Math.max(box[2], x), Math.max(box[3], y)];
    features.push({
      type: 'Feature',
      properties: { name, province, label: labelPoint(largest) },
      geometry: polys.length === 1 ? { type: 'Polygon', coordinates: polys[0]! } : { type: 'MultiPolygon', coordinates: polys },
    });
    boxes.push(box);
  }
  return { features, boxes };
}

/** The features whose bounding box meets `bbox` (at most `limit`, the nearest to its centre first when more do). */
export function featuresIn(layer: BoundaryLayer, bbox: Bbox | null, limit: number): BoundaryFeature[] {
  if (bbox === null) return layer.features.slice(0, limit);
  const [w, s, e, n] = bbox;
  const hits: Array<{ f: BoundaryFeature; d: number }> = [];
  const cx = (w + e) / 2;
  const cy = (s + n) / 2;
  layer.boxes.forEach((b, i) => {
    if (b[0] <= e && b[2] >= w && b[1] <= n && b[3] >= s) {
      const f = layer.features[i]!;
      hits.push({ f, d: Math.hypot(f.properties.label[0] - cx, f.properties.label[1] - cy) });
    }
  });
  if (hits.length > limit) hits.sort((a, b) => a.d - b.d);
  return hits.slice(0, limit).map((h) => h.f);
}

export interface Boundaries {
  provinces(): Promise<BoundaryLayer>;
  /** Null when the config names no district file. */
  districts(): Promise<BoundaryLayer | null>;
}

/** The layers of `map.boundaries`, each read and reduced on first use (a missing or broken file: not_found / config_invalid). */
export function boundariesOf(cfg: BoundariesConfig): Boundaries {
  const cache = new Map<string, Promise<BoundaryLayer>>();
  const layer = (file: string): Promise<BoundaryLayer> => {
    let p = cache.get(file);
    if (!p) {
      const path = join(cfg.dir, file);
      p = readFile(path, 'utf8').then(
        (text) => boundaryLayer(JSON.parse(text), path),
        (e: unknown) => {
          throw new ArgusError('not_found', `the boundary layer ${path} cannot be read`, { cause: e });
        },
      );
      p.catch(() => cache.delete(file)); // a file put in place later is read then
      cache.set(file, p);
    }
    return p;
  };
  return {
    provinces: () => layer(cfg.provinces),
    districts: async () => (cfg.districts === null ? null : layer(cfg.districts)),
  };
}
