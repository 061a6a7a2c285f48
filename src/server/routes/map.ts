/**
 * The base map of the UI: `GET /api/map` tells the UI what to draw under the cameras (from the config's `map:`;
 * blank offline outline by default), and `GET /api/map/tiles.pmtiles` serves a local PMTiles archive with HTTP range
 * requests, so the browser reads it from the service itself (CSP `connect-src 'self'`).
 */
import { resolve } from 'node:path';
import { content } from '../../contract/common.js';
import { mapSettings as mapSettingsSchema, type MapSettings } from '../../contract/system.js';
import type { MapConfig } from '../../config/map.js';
import { ArgusError } from '../../core/errors.js';
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
  };
}

/** The map routes for a config's `map:` (a factory, so app.ts registers them with the other route modules). */
export function mapRoutes(map: MapConfig | undefined): (ctx: ServerContext) => void {
  const settings = mapSettings(map);
  const file = map?.style === 'pmtiles' && map.file !== undefined ? resolve(map.file) : null;
  return (ctx) => {
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
