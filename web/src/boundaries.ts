/**
 * The offline base map's administrative boundaries (`map.boundaries` of the service's config, served by
 * /api/map/boundaries): the province outlines and names, and the district borders and names around what is in view
 * (asked for by bounding box: the whole country's districts are 8 MB). Names are HTML labels, only those in view: the
 * offline style has no glyphs for symbol text, and no glyph server can be reached.
 */
import maplibregl from 'maplibre-gl/dist/maplibre-gl-csp.js';
import type { BoundaryLayerJson, MapSettings } from '@contract';
import { get } from './api';

type Feature = BoundaryLayerJson['features'][number];
type Box = [number, number, number, number];

/** Province names below this zoom, district names from DISTRICT_LABELS_FROM (both in between). */
const PROVINCE_LABELS_UNTIL = 10;
const DISTRICT_LABELS_FROM = 9;
/** District borders are fetched and drawn from this zoom (a view then spans a few provinces at most). */
const DISTRICTS_FROM = 7;
/** Labels drawn at once at most (the nearest the view's centre first). */
const MAX_LABELS = 120;

const contains = (outer: Box, inner: Box): boolean => outer[0] <= inner[0] && outer[1] <= inner[1] && outer[2] >= inner[2] && outer[3] >= inner[3];
const keyOf = (f: Feature): string => `${f.properties.province ?? ''}/${f.properties.name}/${f.properties.label.join(',')}`;

function addLayers(map: maplibregl.Map, beforeId: string, attribution: string, provinces: BoundaryLayerJson): void {
  map.addSource('provinces', { type: 'geojson', data: provinces as GeoJSON.FeatureCollection, attribution });
  map.addSource('districts', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  map.addLayer({ id: 'province-fill', type: 'fill', source: 'provinces', paint: { 'fill-color': '#12203a', 'fill-opacity': 0.85 } }, beforeId);
  map.addLayer({
    id: 'district-line', type: 'line', source: 'districts', minzoom: DISTRICTS_FROM,
    paint: { 'line-color': '#3d5a8a', 'line-width': ['interpolate', ['linear'], ['zoom'], DISTRICTS_FROM, 0.6, 13, 1.5], 'line-dasharray': [3, 2] },
  }, beforeId);
  map.addLayer({
    id: 'province-line', type: 'line', source: 'provinces', layout: { 'line-join': 'round' },
    paint: { 'line-color': '#6f8fc4', 'line-width': ['interpolate', ['linear'], ['zoom'], 5, 0.8, 10, 2, 14, 3] },
  }, beforeId);
}

/** HTML name labels of the features in view at the zoom their level is named at; returns the number drawn. */
function labeller(map: maplibregl.Map) {
  const markers = new Map<string, maplibregl.Marker>();
  return (levels: Array<{ features: readonly Feature[]; level: 'province' | 'district'; shown: boolean }>): number => {
    const b = map.getBounds();
    const c = map.getCenter();
    const want = new Map<string, { f: Feature; level: string; d: number }>();
    for (const { features, level, shown } of levels) {
      if (!shown) continue;
      for (const f of features) {
        const [lng, lat] = f.properties.label;
        if (f.properties.name && b.contains([lng, lat])) want.set(`${level}:${keyOf(f)}`, { f, level, d: Math.hypot(lng - c.lng, lat - c.lat) });
      }
    }
    const kept = new Set([...want.entries()].sort((x, y) => x[1].d - y[1].d).slice(0, MAX_LABELS).map(([k]) => k));
    for (const [k, m] of markers) if (!kept.has(k)) {
      m.remove();
      markers.delete(k);
    }
    for (const k of kept) {
      if (markers.has(k)) continue;
      const { f, level } = want.get(k)!;
      const el = document.createElement('div');
      el.className = `map-label map-label-${level}`;
      el.textContent = f.properties.name;
      el.setAttribute('aria-hidden', 'true');
      markers.set(k, new maplibregl.Marker({ element: el }).setLngLat(f.properties.label).addTo(map));
    }
    return kept.size;
  };
}

/**
 * Draws the boundaries under the layer `beforeId` (the graticule is hidden under them) with their attribution, and
 * keeps the district borders and the names in step with the view. Resolves false when the settings have none.
 */
export async function applyBoundaries(map: maplibregl.Map, s: MapSettings, beforeId: string, box: HTMLElement): Promise<boolean> {
  if (s.style !== 'blank' || !s.boundaries) return false;
  const provinces = await get<BoundaryLayerJson>('/api/map/boundaries/provinces');
  if (!map.getStyle()) return false; // removed meanwhile
  addLayers(map, beforeId, s.boundaries.attribution, provinces);
  for (const g of ['grid', 'grid10']) map.setLayoutProperty(g, 'visibility', 'none');
  map.addControl(new maplibregl.AttributionControl({ compact: false }), 'bottom-right');

  const districts = new Map<string, Feature>();
  let fetched: Box | null = null;
  let inFlight = false;
  const label = labeller(map);
  const update = () => {
    const z = map.getZoom();
    const n = label([
      { features: provinces.features, level: 'province', shown: z < PROVINCE_LABELS_UNTIL },
      { features: [...districts.values()], level: 'district', shown: z >= DISTRICT_LABELS_FROM },
    ]);
    box.setAttribute('data-boundary-labels', String(n));
    if (!s.boundaries?.districts || z < DISTRICTS_FROM || inFlight) return;
    const b = map.getBounds();
    const view: Box = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
    if (fetched && contains(fetched, view)) return;
    // The view and half of it again on each side, so that panning a little asks nothing more.
    const dx = (view[2] - view[0]) / 2;
    const dy = (view[3] - view[1]) / 2;
    const want: Box = [Math.max(-180, view[0] - dx), Math.max(-90, view[1] - dy), Math.min(180, view[2] + dx), Math.min(90, view[3] + dy)];
    inFlight = true;
    void get<BoundaryLayerJson>(`/api/map/boundaries/districts?bbox=${want.map((v) => v.toFixed(4)).join(',')}`)
      .then((layer) => {
        for (const f of layer.features) districts.set(keyOf(f), f);
        fetched = want;
        map.getSource<maplibregl.GeoJSONSource>('districts')?.setData({ type: 'FeatureCollection', features: [...districts.values()] as GeoJSON.Feature[] });
        box.setAttribute('data-districts', String(districts.size));
      })
      .catch((e: unknown) => {
        fetched = want; // not asked again until the view leaves this box
        console.warn('districts', e);
      })
      .finally(() => {
        inFlight = false;
        update();
      });
  };
  map.on('moveend', update);
  update();
  return true;
}
