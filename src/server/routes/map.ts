/**
 * The base map of the UI: `GET /api/map` tells the UI what to draw under the cameras (from the config's `map:`;
 * offline by default: the province and district boundaries of `map.boundaries` over an outline),
 * `GET /api/map/boundaries/{provinces,districts}` serve those boundaries (districts by bounding box), and
 * `GET /api/map/tiles.pmtiles` serves a local PMTiles archive with HTTP range requests, so the browser reads it from the
 * service itself (CSP `connect-src 'self'`).
 */
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { content } from '../../contract/common.js';
import { boundaryLayer, boundaryQuery, mapSettings as mapSettingsSchema, type MapSettings } from '../../contract/system.js';
import type { MapConfig } from '../../config/map.js';
import { ArgusError } from '../../core/errors.js';
import { boundariesOf, featuresIn, type BoundaryFeature } from '../boundaries.js';
import type { ServerContext } from '../context.js';
import { sendFileRange } from '../range.js';

export const PMTILES_PATH = '/api/map/tiles.pmtiles';

/** What the UI needs to draw the base map (src/contract/system.ts). */
export type { MapSettings };

export function mapSettings(map: MapConfig | undefined): MapSettings {
  const style = map?.style ?? 'blank';
  return {
    style,
    url: style === 'blank' ? null : map?.file !== undefined ? PMTILES_PATH : (map?.url ?? null),
    tileType: map?.tileType ?? 'raster',
    attribution: map?.attribution ?? null,
    center: map?.center ?? null,
    zoom: map?.center ? (map.zoom ?? 12) : null,
    boundaries: style === 'blank' && map?.boundaries ? { districts: map.boundaries.districts !== null, attribution: map.boundaries.attribution } : null,
  };
}

/** Districts answered for one box at most (a province has ≤ 30; a box over the whole country is cut, nearest first). */
const MAX_DISTRICTS = 400;
const collection = (features: readonly BoundaryFeature[]) => ({ type: 'FeatureCollection' as const, features: [...features] });

/**
 * A boundary layer as JSON, gzipped when the browser takes it (the provinces are 250 KB of coordinates, 80 KB gzipped;
 * the service has no general compression). The layer is checked against the contract here, since a sent buffer skips
 * the serializer's check.
 */
function sendLayer(req: FastifyRequest, reply: FastifyReply, features: readonly BoundaryFeature[], gz?: { cached?: Buffer }): FastifyReply | ReturnType<typeof collection> {
  const body = collection(features);
  reply.header('cache-control', 'private, max-age=3600').header('vary', 'accept-encoding');
  if (!/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) return body;
  let bytes = gz?.cached;
  if (!bytes) {
    boundaryLayer.parse(body);
    bytes = gzipSync(JSON.stringify(body), { level: 6 });
    if (gz) gz.cached = bytes;
  }
  return reply.header('content-type', 'application/json; charset=utf-8').header('content-encoding', 'gzip').send(bytes);
}

/** The map routes for a config's `map:` (a factory, so app.ts registers them with the other route modules). */
export function mapRoutes(map: MapConfig | undefined): (ctx: ServerContext) => void {
  const settings = mapSettings(map);
  const file = map?.style === 'pmtiles' && map.file !== undefined ? resolve(map.file) : null;
  const boundaries = map?.style !== 'pmtiles' && map?.style !== 'tiles' && map?.boundaries ? boundariesOf(map.boundaries) : null;
  const provincesGz: { cached?: Buffer } = {};
  const noBoundaries = (): never => {
    throw new ArgusError('not_found', 'no offline boundaries are configured (map.boundaries)');
  };
  return (ctx) => {
    ctx.router.add({
      method: 'GET', url: '/api/map/boundaries/provinces', tag: 'map', permission: 'authenticated', summary: 'Province boundaries of the offline base map (GeoJSON, names and label points)',
      response: boundaryLayer,
      handler: async ({ req, reply }) => sendLayer(req, reply, (await (boundaries ?? noBoundaries()).provinces()).features, provincesGz),
    });
    ctx.router.add({
      method: 'GET', url: '/api/map/boundaries/districts', tag: 'map', permission: 'authenticated', query: boundaryQuery,
      summary: `District boundaries of the offline base map (GeoJSON) meeting bbox=west,south,east,north (at most ${MAX_DISTRICTS}, nearest its centre first)`,
      response: boundaryLayer,
      handler: async ({ req, query, reply }) => {
        const layer = await (boundaries ?? noBoundaries()).districts();
        if (layer === null) noBoundaries();
        return sendLayer(req, reply, featuresIn(layer!, query.bbox ?? null, MAX_DISTRICTS));
      },
    });
    ctx.router.add({
      method: 'GET', url: '/api/map', tag: 'map', permission: 'authenticated', summary: 'Base map settings of the UI: style (blank, tiles, pmtiles), URL, attribution, initial view',
      response: mapSettingsSchema,
      handler: async () => settings,
    });
    ctx.router.add({
      method: 'GET', url: PMTILES_PATH, tag: 'map', permission: 'authenticated', summary: 'The local PMTiles archive of the base map (HTTP range requests)',
      response: content('application/vnd.pmtiles', 'The archive, or the range of it asked for'),
      handler: async ({ req, reply }) => {
        if (file === null) throw new ArgusError('not_found', 'no local map archive is configured (map.style pmtiles with map.file)');
        reply.header('cache-control', 'private, max-age=300');
        try {
          return await sendFileRange(req, reply, file, 'application/vnd.pmtiles');
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
          ctx.log.warn({ file }, 'map archive not found');
          throw new ArgusError('not_found', 'the configured map archive (map.file) is missing on the server', { cause: e });
        }
      },
    });
  };
}

/** Origins the page's CSP must allow (img-src, connect-src) for the configured base map. */
export { mapOrigins } from '../../config/map.js';
