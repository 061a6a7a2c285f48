/** Plate search (exact, prefix, wildcard, fuzzy) and trace (timeline + GeoJSON route). Both audited. */
import { z } from 'zod';
import { plateSearch, trace, type TraceRoute } from '../../contract/plates.js';
import { toPlateKey } from '../../plates/match.js';
import type { SightingRecord } from '../../store/store.js';
import type { ServerContext } from '../context.js';
import { HttpError } from '../http.js';
import { camerasQuery, pageQuery, timeQuery } from '../schemas.js';
import { scopedCameraIds } from '../scope.js';

const plateText = z.string().trim().min(1).max(32).regex(/^[0-9A-Za-z*?.\- ]+$/, 'letters, digits, "-", ".", spaces and the wildcards * ?');
const searchQuery = z.strictObject({
  q: plateText.describe('Plate or pattern, e.g. 30A-123.45, 30A*, 51?12345'),
  mode: z.enum(['exact', 'prefix', 'wildcard', 'fuzzy']).default('exact'),
  maxDistance: z.coerce.number().int().min(1).max(2).optional(),
  ...timeQuery, ...pageQuery, cameras: camerasQuery,
});
const traceQuery = z.strictObject({ plate: plateText, ...timeQuery, cameras: camerasQuery, limit: z.coerce.number().int().min(1).max(1000).default(500) });

export function plateRoutes(ctx: ServerContext): void {
  const { router: r, store } = ctx;
  r.add({
    method: 'GET', url: '/api/plates/search', tag: 'plates', permission: 'plates.search', summary: 'Search sightings by plate (audited)', query: searchQuery,
    response: plateSearch,
    handler: async ({ req, principal, query }) => {
      const cameraIds = await scopedCameraIds(store, principal!, query.cameras);
      const res = await store.searchPlates({
        query: query.q, mode: query.mode, maxDistance: query.maxDistance, fromMs: query.from, toMs: query.to, limit: query.limit, cursor: query.cursor, cameraIds,
      });
      await ctx.audit(req, principal, 'plate.search', query.q, { mode: query.mode, hits: res.items.length, cameras: query.cameras, from: query.from, to: query.to });
      return res;
    },
  });
  r.add({
    method: 'GET', url: '/api/plates/trace', tag: 'plates', permission: 'plates.trace', summary: "A plate's sightings as a timeline and a GeoJSON route (audited)", query: traceQuery,
    response: trace,
    handler: async ({ req, principal, query }) => {
      const key = toPlateKey(query.plate);
      if (key === null || /[*?]/.test(query.plate)) throw new HttpError(400, 'invalid_request', 'query.plate: a full plate is needed for a trace (no wildcards)');
      const cameraIds = await scopedCameraIds(store, principal!, query.cameras);
      const page = await store.listSightings({ plateKey: key, fromMs: query.from, toMs: query.to, cameraIds, limit: query.limit });
      const timeline = [...page.items].sort((a, b) => a.atMs - b.atMs);
      const cams = new Map((await store.listCameras()).map((c) => [c.id, c]));
      await ctx.audit(req, principal, 'plate.trace', key, { sightings: timeline.length });
      return { plate: key, timeline: timeline.map((s) => ({ ...s, cameraName: cams.get(s.cameraId)?.name ?? null, location: cams.get(s.cameraId)?.location ?? null })), route: routeOf(timeline, cams), truncated: page.nextCursor !== null };
    },
  });
}

/** GeoJSON Feature with a LineString through the cameras in time order (repeats at the same camera merged). */
export function routeOf(timeline: ReadonlyArray<Pick<SightingRecord, 'cameraId' | 'atMs'>>, cams: ReadonlyMap<string, { location: { lat: number; lng: number } | null }>): TraceRoute {
  const coordinates: Array<[number, number]> = [];
  const times: number[] = [];
  const cameraIds: string[] = [];
  for (const s of timeline) {
    const loc = cams.get(s.cameraId)?.location;
    if (!loc || cameraIds.at(-1) === s.cameraId) continue;
    coordinates.push([loc.lng, loc.lat]);
    times.push(s.atMs);
    cameraIds.push(s.cameraId);
  }
  return { type: 'Feature', geometry: { type: 'LineString', coordinates }, properties: { times, cameraIds } };
}
