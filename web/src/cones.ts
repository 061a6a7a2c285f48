/**
 * Each camera's field of view on the ground, as a cone: from the camera, `rangeM` metres out, `fovDeg` wide around
 * `headingDeg` (degrees clockwise from north). Built from the camera points' properties (MapView's GeoJSON), only for
 * cameras whose heading is known. Metres to degrees on a local flat earth (a cone is at most a few km long).
 */
const M_PER_DEG_LAT = 111_320;
/** Points along the arc (a smooth edge at street zoom, few vertices for 1 000 cameras). */
const ARC_STEPS = 12;

export function conePolygon(lng: number, lat: number, headingDeg: number, fovDeg: number, rangeM: number): Array<[number, number]> {
  const mPerDegLng = M_PER_DEG_LAT * Math.cos((lat * Math.PI) / 180);
  const at = (bearingDeg: number): [number, number] => {
    const b = (bearingDeg * Math.PI) / 180;
    return [lng + (rangeM * Math.sin(b)) / mPerDegLng, lat + (rangeM * Math.cos(b)) / M_PER_DEG_LAT];
  };
  const fov = Math.min(360, fovDeg);
  const arc = Array.from({ length: ARC_STEPS + 1 }, (_, i) => at(headingDeg - fov / 2 + (fov * i) / ARC_STEPS));
  return fov >= 360 ? [...arc, arc[0]!] : [[lng, lat], ...arc, [lng, lat]];
}

export function conesGeoJson(cameras: GeoJSON.FeatureCollection): GeoJSON.FeatureCollection {
  const features: GeoJSON.Feature[] = [];
  for (const f of cameras.features) {
    const p = f.properties ?? {};
    if (f.geometry.type !== 'Point' || typeof p['headingDeg'] !== 'number') continue;
    const [lng, lat] = f.geometry.coordinates as [number, number];
    features.push({
      type: 'Feature', properties: { id: p['id'], health: p['health'] },
      geometry: { type: 'Polygon', coordinates: [conePolygon(lng, lat, p['headingDeg'], Number(p['fovDeg'] ?? 60), Number(p['rangeM'] ?? 80))] },
    });
  }
  return { type: 'FeatureCollection', features };
}
