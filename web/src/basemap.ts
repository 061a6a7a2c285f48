/**
 * The base map under the cameras. Offline by default: a dark blank style with a graticule (and the boundaries of
 * boundaries.ts over it when the service has them), no tile server. The
 * service's config may give a tile URL template (raster or vector) or a PMTiles archive (`GET /api/map`); the
 * `pmtiles` reader is imported only when an archive is used, so the first load stays small. The service puts the
 * tile origin in its CSP; a local archive is read from the service itself with range requests.
 */
import maplibregl from 'maplibre-gl/dist/maplibre-gl-csp.js';
import type { MapSettings } from '@contract';
import { get } from './api';

export type { MapSettings };

const BLANK: MapSettings = { style: 'blank', url: null, tileType: 'raster', attribution: null, center: null, zoom: null, boundaries: null };
let settings: Promise<MapSettings> | null = null;

/** The service's map settings (asked once per page load; blank when they cannot be had). */
export function loadMapSettings(): Promise<MapSettings> {
  settings ??= get<MapSettings>('/api/map').catch((e: unknown) => {
    console.warn('map settings', e);
    settings = null;
    return BLANK;
  });
  return settings;
}

function graticule(stepDeg: number): GeoJSON.FeatureCollection {
  const features: GeoJSON.Feature[] = [];
  for (let x = 102; x <= 110; x += stepDeg) features.push({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: [[x, 8], [x, 24]] } });
  for (let y = 8; y <= 24; y += stepDeg) features.push({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: [[102, y], [110, y]] } });
  return { type: 'FeatureCollection', features };
}

/** The offline style: background and a graticule over Việt Nam (0.1° always, 0.01° from zoom 12). */
export function blankStyle(): maplibregl.StyleSpecification {
  return {
    version: 8,
    sources: { grid: { type: 'geojson', data: graticule(0.01) }, grid10: { type: 'geojson', data: graticule(0.1) } },
    layers: [
      { id: 'bg', type: 'background', paint: { 'background-color': '#0b1220' } },
      { id: 'grid', type: 'line', source: 'grid', minzoom: 12, paint: { 'line-color': '#1c2a44', 'line-width': 1 } },
      { id: 'grid10', type: 'line', source: 'grid10', paint: { 'line-color': '#18263f', 'line-width': 1 } },
    ],
  };
}

type Layer = maplibregl.LayerSpecification;

/** A dark rendering of vector tiles in either common schema (Protomaps basemap, OpenMapTiles); absent layers draw nothing. */
function vectorLayers(): Layer[] {
  const fill = (id: string, layer: string, color: string, opacity = 1): Layer => ({ id: `base-${id}`, type: 'fill', source: 'base', 'source-layer': layer, paint: { 'fill-color': color, 'fill-opacity': opacity } });
  const line = (id: string, layer: string, color: string, width: maplibregl.ExpressionSpecification | number, dash?: number[]): Layer => ({
    id: `base-${id}`, type: 'line', source: 'base', 'source-layer': layer, layout: { 'line-join': 'round', 'line-cap': 'round' },
    paint: { 'line-color': color, 'line-width': width, ...(dash ? { 'line-dasharray': dash } : {}) },
  });
  const roadWidth: maplibregl.ExpressionSpecification = ['interpolate', ['linear'], ['zoom'], 8, 0.5, 12, 1.5, 16, 6];
  return [
    fill('earth', 'earth', '#0f1a2e'),
    ...['landcover', 'landuse', 'park', 'natural'].map((l) => fill(l, l, '#13233a', 0.6)),
    fill('water', 'water', '#0a2747'),
    line('waterway', 'waterway', '#0a2747', 1.5),
    fill('buildings', 'buildings', '#1a2942'), fill('building', 'building', '#1a2942'),
    line('roads', 'roads', '#2d4166', roadWidth), line('transportation', 'transportation', '#2d4166', roadWidth),
    line('boundaries', 'boundaries', '#4b5d80', 1, [2, 2]), line('boundary', 'boundary', '#4b5d80', 1, [2, 2]),
  ];
}

let pmtilesProtocol: Promise<import('pmtiles').Protocol> | null = null;

/** The `pmtiles://` protocol, registered once, on first use (the reader is a lazy chunk). */
function pmtiles(): Promise<import('pmtiles').Protocol> {
  pmtilesProtocol ??= import('pmtiles').then(({ Protocol }) => {
    const protocol = new Protocol();
    maplibregl.addProtocol('pmtiles', protocol.tilev4 as unknown as Parameters<typeof maplibregl.addProtocol>[1]);
    return protocol;
  });
  return pmtilesProtocol;
}

/** Source and layers of the configured base map; null for the blank map. */
async function baseLayers(s: MapSettings): Promise<{ source: maplibregl.SourceSpecification; layers: Layer[] } | null> {
  if (s.style === 'blank' || !s.url) return null;
  const attribution = s.attribution ?? undefined;
  const raster = (): Layer[] => [{ id: 'base-raster', type: 'raster', source: 'base', paint: { 'raster-brightness-max': 0.8, 'raster-saturation': -0.2 } }];
  if (s.style === 'tiles') {
    return s.tileType === 'vector'
      ? { source: { type: 'vector', tiles: [s.url], attribution }, layers: vectorLayers() }
      : { source: { type: 'raster', tiles: [s.url], tileSize: 256, attribution }, layers: raster() };
  }
  const url = new URL(s.url, location.href).href;
  const protocol = await pmtiles();
  const { PMTiles, TileType } = await import('pmtiles');
  const archive = protocol.get(url) ?? new PMTiles(url);
  protocol.add(archive);
  const header = await archive.getHeader();
  return header.tileType === TileType.Mvt
    ? { source: { type: 'vector', url: `pmtiles://${url}`, attribution }, layers: vectorLayers() }
    : { source: { type: 'raster', url: `pmtiles://${url}`, tileSize: 256, attribution }, layers: raster() };
}

/** Draws the configured base map under the layer `beforeId` (the graticule is hidden under a real map); resolves to its style. */
export async function applyBaseMap(map: maplibregl.Map, s: MapSettings, beforeId: string): Promise<MapSettings['style']> {
  const base = await baseLayers(s);
  if (!base || !map.getStyle()) return 'blank';
  map.addSource('base', base.source);
  for (const l of base.layers) map.addLayer(l, beforeId);
  for (const g of ['grid', 'grid10']) map.setLayoutProperty(g, 'visibility', 'none');
  map.addControl(new maplibregl.AttributionControl({ compact: true }), 'bottom-right');
  return s.style;
}
