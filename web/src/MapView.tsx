/**
 * MapLibre map of the cameras: one GeoJSON source with clustering drawn by WebGL layers (a province's 1 000 cameras
 * pan smoothly; only the cluster counts are HTML), markers coloured by health, each camera's field of view as a cone
 * (one more GeoJSON source, from zoom 11), an optional route line and a playhead. The base map (offline: the
 * province and district boundaries of boundaries.ts over a graticule; or tiles / PMTiles from the service config) is in
 * basemap.ts. The CSP build of MapLibre loads its worker from 'self'.
 */
import maplibregl from 'maplibre-gl/dist/maplibre-gl-csp.js';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-csp-worker.js?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { useEffect, useMemo, useRef, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import type { Camera, CameraStatus } from './api';
import { applyBaseMap, blankStyle, loadMapSettings } from './basemap';
import { applyBoundaries } from './boundaries';
import { conesGeoJson } from './cones';

maplibregl.setWorkerUrl(workerUrl);

export const HEALTH_COLOURS: Record<string, string> = {
  online: '#22c55e', degraded: '#f59e0b', offline: '#ef4444', starting: '#38bdf8', disabled: '#6b7280', unknown: '#a78bfa',
};
const healthColour = ['match', ['get', 'health'], ...Object.entries(HEALTH_COLOURS).filter(([k]) => k !== 'unknown').flat(), HEALTH_COLOURS['unknown']!] as unknown as maplibregl.ExpressionSpecification;

type LngLat = [number, number];
type Fc = GeoJSON.FeatureCollection;
const EMPTY: Fc = { type: 'FeatureCollection', features: [] };

export function camerasGeoJson(cameras: readonly Camera[], health: Record<string, CameraStatus>): Fc {
  return {
    type: 'FeatureCollection',
    features: cameras.filter((c) => c.location).map((c) => ({
      type: 'Feature', id: c.id,
      properties: { id: c.id, name: c.name, health: health[c.id]?.health ?? c.status?.health ?? 'unknown', owner: c.owner?.id ?? '', ...(c.view ? { headingDeg: c.view.headingDeg, fovDeg: c.view.fovDeg, rangeM: c.view.rangeM } : {}) },
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
  /** A moving marker (trace playback), drawn above the route. */
  playhead?: LngLat | null;
  /** Field incidents: a marker each, named for screen readers and on hover (few at a time: DOM markers). */
  incidents?: ReadonlyArray<{ id: string; at: LngLat; title: string; severe: boolean }>;
  /** Cameras with an active crowd alert (not acknowledged): a pulsing marker over the camera, until acknowledged. */
  crowds?: ReadonlyArray<{ cameraId: string; at: LngLat; title: string }>;
  label: string;
}

/** The lowest of the map's own layers: base maps and boundaries go under it. */
const FIRST_OVERLAY = 'cone-fill';
/** Cones are drawn from this zoom (a cone of 80 m is a few pixels below it). */
const CONES_FROM = 11;

function addOverlays(map: maplibregl.Map, cameras: Fc): void {
  map.addSource('cameras', { type: 'geojson', data: cameras, cluster: true, clusterRadius: 40, clusterMaxZoom: 12 });
  map.addSource('cones', { type: 'geojson', data: conesGeoJson(cameras) });
  map.addLayer({ id: 'cone-fill', type: 'fill', source: 'cones', minzoom: CONES_FROM, paint: { 'fill-color': healthColour, 'fill-opacity': 0.3 } });
  map.addLayer({ id: 'cone-line', type: 'line', source: 'cones', minzoom: CONES_FROM, paint: { 'line-color': healthColour, 'line-width': 1.5, 'line-opacity': 0.8 } });
  map.addSource('route', { type: 'geojson', data: EMPTY });
  map.addSource('playhead', { type: 'geojson', data: EMPTY });
  map.addLayer({ id: 'route-line', type: 'line', source: 'route', paint: { 'line-color': '#38bdf8', 'line-width': 4, 'line-opacity': 0.9 }, layout: { 'line-cap': 'round', 'line-join': 'round' } });
  map.addLayer({ id: 'clusters', type: 'circle', source: 'cameras', filter: ['has', 'point_count'],
    paint: { 'circle-color': '#2563eb', 'circle-opacity': 0.85, 'circle-stroke-color': '#93c5fd', 'circle-stroke-width': 2,
      'circle-radius': ['step', ['get', 'point_count'], 14, 10, 20, 100, 28] } });
  map.addLayer({ id: 'camera-halo', type: 'circle', source: 'cameras', filter: ['!', ['has', 'point_count']],
    paint: { 'circle-radius': 14, 'circle-color': healthColour, 'circle-opacity': 0.25 } });
  map.addLayer({ id: 'camera', type: 'circle', source: 'cameras', filter: ['!', ['has', 'point_count']],
    // A camera a district shares (federation): a white ring, the owner's name is in the list and the popup.
    paint: { 'circle-radius': 7, 'circle-color': healthColour, 'circle-stroke-color': ['case', ['!=', ['get', 'owner'], ''], '#ffffff', '#0b1220'], 'circle-stroke-width': 2 } });
  map.addLayer({ id: 'playhead', type: 'circle', source: 'playhead',
    paint: { 'circle-radius': 9, 'circle-color': '#facc15', 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 3 } });
}

/** Cluster counts as HTML labels over the visible clusters (the offline style has no glyphs for symbol text). */
function clusterLabels(map: maplibregl.Map, box: HTMLElement): () => void {
  const labels = new Map<number, maplibregl.Marker>();
  const update = () => {
    if (!map.getLayer('clusters')) return;
    const clusters = map.queryRenderedFeatures({ layers: ['clusters'] });
    const seen = new Set<number>();
    let clustered = 0;
    for (const f of clusters) {
      const id = Number(f.properties?.['cluster_id']);
      if (seen.has(id)) continue;
      seen.add(id);
      clustered += Number(f.properties?.['point_count'] ?? 0);
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
    const points = new Set(map.queryRenderedFeatures({ layers: ['camera'] }).map((f) => f.properties?.['id'])).size;
    box.setAttribute('data-rendered-cameras', String(points + clustered));
    box.setAttribute('data-clusters', String(seen.size));
  };
  map.on('idle', update);
  return () => map.off('idle', update);
}

export function MapView({ cameras, health, selected, onSelect, popup, route, playhead, incidents, crowds, label }: MapViewProps) {
  const box = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const popupNode = useRef<HTMLDivElement>(document.createElement('div'));
  const popupRef = useRef<maplibregl.Popup | null>(null);
  const onSelectRef = useRef(onSelect);
  onSelectRef.current = onSelect;
  /** The view was set (config centre, framing the cameras, a route, or the user): cameras arriving later do not move it. */
  const viewSet = useRef(false);
  // The GeoJSON is rebuilt only when the cameras or their health change, not on every render of the page.
  const healthSig = cameras.map((c) => health[c.id]?.health ?? '').join();
  const json = useMemo(() => JSON.stringify(camerasGeoJson(cameras, health)), [cameras, healthSig]);
  const jsonRef = useRef(json);
  jsonRef.current = json;

  useEffect(() => {
    const el = box.current!;
    const map = new maplibregl.Map({ container: el, style: blankStyle(), center: [108.225, 16.065], zoom: 13, attributionControl: false });
    mapRef.current = map;
    // The map object on its element, for browser tests and the console (what the page renders, not a second API).
    (el as HTMLDivElement & { __argusMap?: maplibregl.Map }).__argusMap = map;
    let removed = false;
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    map.on('dragstart', () => (viewSet.current = true));
    map.on('load', () => {
      addOverlays(map, JSON.parse(jsonRef.current) as Fc);
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
      el.setAttribute('data-ready', 'true');
      void loadMapSettings().then(async (s) => {
        if (removed) return;
        if (s.center && !viewSet.current) {
          viewSet.current = true;
          map.jumpTo({ center: [s.center.lng, s.center.lat], zoom: s.zoom ?? 12 });
        }
        const style = await applyBaseMap(map, s, FIRST_OVERLAY).catch((e: unknown) => {
          console.warn('base map', e);
          return 'error';
        });
        const drawn = style === 'blank' && !removed && await applyBoundaries(map, s, FIRST_OVERLAY, el).catch((e: unknown) => {
          console.warn('boundaries', e);
          return false;
        });
        if (!removed) el.setAttribute('data-base', drawn ? 'boundaries' : style);
      });
    });
    const offLabels = clusterLabels(map, el);
    return () => {
      removed = true;
      offLabels();
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

  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    const apply = () => {
      const data = JSON.parse(json) as Fc;
      map.getSource<maplibregl.GeoJSONSource>('cameras')?.setData(data);
      const cones = conesGeoJson(data);
      map.getSource<maplibregl.GeoJSONSource>('cones')?.setData(cones);
      box.current?.setAttribute('data-cones', String(cones.features.length));
      // Open on all the cameras (a province at a glance), unless the config, a route or the user placed the view.
      if (viewSet.current || data.features.length === 0) return;
      viewSet.current = true;
      const coords = data.features.map((f) => (f.geometry as GeoJSON.Point).coordinates as LngLat);
      map.fitBounds(coords.reduce((b, c) => b.extend(c), new maplibregl.LngLatBounds(coords[0], coords[0])), { padding: 60, maxZoom: 13, duration: 0 });
    };
    if (map.getSource('cameras')) apply();
    else void map.once('load', apply); // with a listener once() returns the map; its type says maybe a promise
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
        viewSet.current = true;
        const b = coords.reduce((acc, c) => acc.extend(c), new maplibregl.LngLatBounds(coords[0]!, coords[0]!));
        map.fitBounds(b, { padding: 80, maxZoom: 15, duration: 0 });
      }
    };
    if (map.getSource('route')) apply();
    else void map.once('load', apply); // with a listener once() returns the map; its type says maybe a promise
  }, [routeJson]);

  const [headLng, headLat] = playhead ?? [NaN, NaN];
  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    const at = Number.isFinite(headLng) ? [headLng, headLat] : null;
    box.current?.setAttribute('data-playhead', at ? at.map((v) => v.toFixed(5)).join(',') : '');
    const apply = () => map.getSource<maplibregl.GeoJSONSource>('playhead')?.setData(at ? { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: at } }] } : EMPTY);
    if (map.getSource('playhead')) apply();
    else void map.once('load', apply); // with a listener once() returns the map; its type says maybe a promise
  }, [headLng, headLat]);

  const incidentsJson = JSON.stringify(incidents ?? []);
  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    const list = JSON.parse(incidentsJson) as NonNullable<MapViewProps['incidents']>;
    const markers = list.slice(0, 200).map((i) => {
      const el = document.createElement('div');
      el.className = `incident-marker${i.severe ? ' severe' : ''}`;
      el.title = i.title;
      el.setAttribute('role', 'img');
      el.setAttribute('aria-label', i.title);
      el.dataset['incident'] = i.id;
      el.textContent = '!';
      return new maplibregl.Marker({ element: el }).setLngLat(i.at).addTo(map);
    });
    box.current?.setAttribute('data-incidents', String(markers.length));
    return () => {
      for (const m of markers) m.remove();
    };
  }, [incidentsJson]);

  const crowdsJson = JSON.stringify(crowds ?? []);
  const selectRef = useRef(onSelect);
  selectRef.current = onSelect;
  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    const list = JSON.parse(crowdsJson) as NonNullable<MapViewProps['crowds']>;
    const markers = list.slice(0, 200).map((c) => {
      const el = document.createElement('button');
      el.type = 'button';
      el.className = 'crowd-marker';
      el.title = c.title;
      el.setAttribute('aria-label', c.title);
      el.dataset['crowd'] = c.cameraId;
      el.addEventListener('click', (e) => {
        e.stopPropagation();
        selectRef.current(c.cameraId);
      });
      return new maplibregl.Marker({ element: el }).setLngLat(c.at).addTo(map);
    });
    box.current?.setAttribute('data-crowd-alerts', String(markers.length));
    return () => {
      for (const m of markers) m.remove();
    };
  }, [crowdsJson]);

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
    viewSet.current = true;
    map.easeTo({ center: [cam.location.lng, cam.location.lat], duration: 300 });
  }, [selected, cameras]);

  return (
    <>
      <div ref={box} className="map" role="region" aria-label={label} data-testid="map" />
      {createPortal(popup, popupNode.current)}
    </>
  );
}
