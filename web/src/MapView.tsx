/**
 * MapLibre map of the cameras: a GeoJSON source with clustering, markers coloured by health, an optional route line.
 * Offline by default (a dark blank style with a graticule, no tile server); a raster tile URL is used when configured
 * (build-time VITE_TILE_URL or localStorage "argus.tiles"). The CSP build of MapLibre loads its worker from 'self'.
 */
import maplibregl from 'maplibre-gl/dist/maplibre-gl-csp.js';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-csp-worker.js?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { useEffect, useRef, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import type { Camera, CameraStatus } from './api';

maplibregl.setWorkerUrl(workerUrl);

const healthColour = ['match', ['get', 'health'], ...Object.entries({ online: '#22c55e', degraded: '#f59e0b', offline: '#ef4444', starting: '#38bdf8', disabled: '#6b7280' }).flat(), '#a78bfa'] as unknown as maplibregl.ExpressionSpecification;

export const HEALTH_COLOURS: Record<string, string> = {
  online: '#22c55e', degraded: '#f59e0b', offline: '#ef4444', starting: '#38bdf8', disabled: '#6b7280', unknown: '#a78bfa',
};

type LngLat = [number, number];
type Fc = GeoJSON.FeatureCollection;

function tileUrl(): string | null {
  const fromEnv = (import.meta.env['VITE_TILE_URL'] as string | undefined) ?? '';
  return localStorage.getItem('argus.tiles') ?? (fromEnv || null);
}

function graticule(stepDeg: number): Fc {
  const features: GeoJSON.Feature[] = [];
  for (let x = 102; x <= 110; x += stepDeg) features.push({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: [[x, 8], [x, 24]] } });
  for (let y = 8; y <= 24; y += stepDeg) features.push({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: [[102, y], [110, y]] } });
  return { type: 'FeatureCollection', features };
}

function baseStyle(): maplibregl.StyleSpecification {
  const tiles = tileUrl();
  const style: maplibregl.StyleSpecification = {
    version: 8,
    sources: { grid: { type: 'geojson', data: graticule(0.01) }, grid10: { type: 'geojson', data: graticule(0.1) } },
    layers: [
      { id: 'bg', type: 'background', paint: { 'background-color': '#0b1220' } },
      { id: 'grid', type: 'line', source: 'grid', minzoom: 12, paint: { 'line-color': '#1c2a44', 'line-width': 1 } },
      { id: 'grid10', type: 'line', source: 'grid10', paint: { 'line-color': '#18263f', 'line-width': 1 } },
    ],
  };
  if (tiles) {
    style.sources['tiles'] = { type: 'raster', tiles: [tiles], tileSize: 256 };
    style.layers.push({ id: 'tiles', type: 'raster', source: 'tiles', paint: { 'raster-brightness-max': 0.7 } });
  }
  return style;
}

export function camerasGeoJson(cameras: readonly Camera[], health: Record<string, CameraStatus>): Fc {
  return {
    type: 'FeatureCollection',
    features: cameras.filter((c) => c.location).map((c) => ({
      type: 'Feature', id: c.id,
      properties: { id: c.id, name: c.name, health: health[c.id]?.health ?? c.status?.health ?? 'unknown' },
      geometry: { type: 'Point', coordinates: [c.location!.lng, c.location!.lat] },
    })),
  };
}

export interface MapViewProps {
  cameras: readonly Camera[];
  health: Record<string, CameraStatus>;
  selected: string | null;
  onSelect(id: string | null): void;
  popup?: ReactNode;
  route?: LngLat[];
  label: string;
}

export function MapView({ cameras, health, selected, onSelect, popup, route, label }: MapViewProps) {
  const box = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const popupNode = useRef<HTMLDivElement>(document.createElement('div'));
  const popupRef = useRef<maplibregl.Popup | null>(null);
  const onSelectRef = useRef(onSelect);
  onSelectRef.current = onSelect;
  const data = camerasGeoJson(cameras, health);
  const dataRef = useRef(data);
  dataRef.current = data;

  useEffect(() => {
    const map = new maplibregl.Map({ container: box.current!, style: baseStyle(), center: [108.225, 16.065], zoom: 13, attributionControl: false });
    mapRef.current = map;
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    map.on('load', () => {
      map.addSource('cameras', { type: 'geojson', data: dataRef.current, cluster: true, clusterRadius: 40, clusterMaxZoom: 12 });
      map.addSource('route', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
      map.addLayer({ id: 'route-line', type: 'line', source: 'route', paint: { 'line-color': '#38bdf8', 'line-width': 4, 'line-opacity': 0.9 }, layout: { 'line-cap': 'round', 'line-join': 'round' } });
      map.addLayer({ id: 'clusters', type: 'circle', source: 'cameras', filter: ['has', 'point_count'],
        paint: { 'circle-color': '#2563eb', 'circle-opacity': 0.85, 'circle-stroke-color': '#93c5fd', 'circle-stroke-width': 2,
          'circle-radius': ['step', ['get', 'point_count'], 14, 10, 20, 100, 28] } });
      map.addLayer({ id: 'camera-halo', type: 'circle', source: 'cameras', filter: ['!', ['has', 'point_count']],
        paint: { 'circle-radius': 14, 'circle-color': healthColour, 'circle-opacity': 0.25 } });
      map.addLayer({ id: 'camera', type: 'circle', source: 'cameras', filter: ['!', ['has', 'point_count']],
        paint: { 'circle-radius': 7, 'circle-color': healthColour,
          'circle-stroke-color': '#0b1220', 'circle-stroke-width': 2 } });
      map.on('click', 'camera', (e) => onSelectRef.current(String(e.features?.[0]?.properties?.['id'] ?? '')));
      map.on('click', 'clusters', (e) => {
        const f = e.features?.[0];
        const src = map.getSource<maplibregl.GeoJSONSource>('cameras');
        if (!f || !src) return;
        void src.getClusterExpansionZoom(Number(f.properties?.['cluster_id'])).then((z) => map.easeTo({ center: (f.geometry as GeoJSON.Point).coordinates as LngLat, zoom: z }));
      });
      for (const l of ['camera', 'clusters']) {
        map.on('mouseenter', l, () => (map.getCanvas().style.cursor = 'pointer'));
        map.on('mouseleave', l, () => (map.getCanvas().style.cursor = ''));
      }
      box.current?.setAttribute('data-ready', 'true');
    });
    // Cluster counts as HTML labels (the offline style has no glyphs for symbol text).
    const labels = new Map<number, maplibregl.Marker>();
    map.on('idle', () => {
      if (!map.getLayer('camera')) return;
      const seen = new Set<number>();
      for (const f of map.querySourceFeatures('cameras', { filter: ['has', 'point_count'] })) {
        const id = Number(f.properties?.['cluster_id']);
        if (seen.has(id)) continue;
        seen.add(id);
        if (labels.has(id)) continue;
        const el = document.createElement('div');
        el.className = 'cluster-count';
        el.textContent = String(f.properties?.['point_count'] ?? '');
        labels.set(id, new maplibregl.Marker({ element: el }).setLngLat((f.geometry as GeoJSON.Point).coordinates as LngLat).addTo(map));
      }
      for (const [id, m] of labels) if (!seen.has(id)) {
        m.remove();
        labels.delete(id);
      }
      const pts = map.queryRenderedFeatures({ layers: ['camera'] }).length;
      const clustered = map.queryRenderedFeatures({ layers: ['clusters'] }).reduce((n, f) => n + Number(f.properties?.['point_count'] ?? 0), 0);
      box.current?.setAttribute('data-rendered-cameras', String(pts + clustered));
      box.current?.setAttribute('data-clusters', String(map.queryRenderedFeatures({ layers: ['clusters'] }).length));
    });
    return () => {
      map.remove();
      mapRef.current = null;
    };
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && popupRef.current) onSelectRef.current(null);
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);

  const json = JSON.stringify(data);
  useEffect(() => {
    const src = mapRef.current?.getSource<maplibregl.GeoJSONSource>('cameras');
    if (src) src.setData(JSON.parse(json) as Fc);
  }, [json]);

  const routeJson = JSON.stringify(route ?? []);
  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    const apply = () => {
      const coords = JSON.parse(routeJson) as LngLat[];
      box.current?.setAttribute('data-route-points', String(coords.length));
      map.getSource<maplibregl.GeoJSONSource>('route')?.setData({ type: 'FeatureCollection', features: coords.length > 1 ? [{ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: coords } }] : [] });
      if (coords.length > 0) {
        const b = coords.reduce((acc, c) => acc.extend(c), new maplibregl.LngLatBounds(coords[0]!, coords[0]!));
        map.fitBounds(b, { padding: 80, maxZoom: 15, duration: 0 });
      }
    };
    if (map.getSource('route')) apply();
    else map.once('load', apply);
  }, [routeJson]);

  useEffect(() => {
    const map = mapRef.current;
    const old = popupRef.current;
    popupRef.current = null;
    old?.remove();
    const cam = cameras.find((c) => c.id === selected);
    if (!map || !cam?.location) return;
    const p = new maplibregl.Popup({ closeButton: true, maxWidth: '340px', offset: 14, focusAfterOpen: true })
      .setLngLat([cam.location.lng, cam.location.lat]).setDOMContent(popupNode.current).addTo(map);
    p.on('close', () => {
      if (popupRef.current === p) onSelectRef.current(null);
    });
    popupRef.current = p;
    map.easeTo({ center: [cam.location.lng, cam.location.lat], duration: 300 });
  }, [selected, cameras]);

  return (
    <>
      <div ref={box} className="map" role="region" aria-label={label} data-testid="map" />
      {createPortal(popup, popupNode.current)}
    </>
  );
}
