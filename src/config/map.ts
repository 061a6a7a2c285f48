import { z } from 'zod';

/**
 * The base map of the command centre (`map:` in the site config). Without tiles the UI draws an offline map (no tile
 * server needed): the province and district boundaries of `boundaries` (GeoJSON files the service serves; by default the
 * geoBoundaries provinces and the 2009 districts in `${ARGUS_ASSETS}/maps`) over a graticule; with tiles, a tile URL template or one PMTiles archive (a local file the service serves itself with
 * HTTP range requests, or a remote URL). External origins are added to the page's Content-Security-Policy.
 */

const TEMPLATE_VARS = ['{z}', '{x}', '{y}'] as const;

/** An http(s) URL with a fixed host (MapLibre expands no `{s}` subdomains, and the CSP needs one origin). */
const httpUrl = (s: string): boolean => {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && !/[{}]/.test(u.host);
  } catch {
    return false;
  }
};

/** The attribution CC BY 4.0 asks of the geoBoundaries layer (the term and a link), and the source of the district layer. */
export const GEOBOUNDARIES_ATTRIBUTION =
  'Ranh giới tỉnh / Province boundaries: <a href="https://www.geoboundaries.org" target="_blank" rel="noopener">geoBoundaries</a> (CC BY 4.0); quận/huyện / districts: 2009';

export const boundariesSchema = z
  .strictObject({
    dir: z.string().min(1).describe('Folder of the boundary layers (GeoJSON, WGS84), absolute or relative to the config file; default: `${ARGUS_ASSETS}/maps` when it holds the provinces file'),
    provinces: z.string().min(1).default('vn_provinces_adm1_geoboundaries.geojson').describe('Province (ADM1) polygons in `dir`; the name is read from `shapeName`, `Ten_Tinh` or `name`'),
    districts: z
      .string()
      .min(1)
      .nullable()
      .default('vn_districts_2009.geojson')
      .describe('District polygons in `dir` (null: none); the name is read from `shapeName`, `Ten_Huyen` or `name`, the province from `Ten_Tinh`'),
    attribution: z.string().min(1).max(500).default(GEOBOUNDARIES_ATTRIBUTION).describe('Attribution shown on the map (the licence of the layers: CC BY 4.0 requires it for geoBoundaries)'),
  })
  .describe('Offline administrative boundaries drawn as the base map when no tiles are configured');
export type BoundariesConfig = z.infer<typeof boundariesSchema>;

export const mapSchema = z
  .strictObject({
    style: z
      .enum(['blank', 'tiles', 'pmtiles'])
      .default('blank')
      .describe('Base map: `blank` (offline outline, no tile server), `tiles` (a tile URL template), `pmtiles` (one PMTiles archive)'),
    url: z
      .string()
      .refine(httpUrl, { message: 'must be an http(s) URL with one fixed host (no {s})' })
      .optional()
      .describe('`tiles`: URL template with {z}/{x}/{y}, e.g. https://tiles.example.vn/{z}/{x}/{y}.png; `pmtiles`: URL of a remote archive (instead of `file`)'),
    tileType: z
      .enum(['raster', 'vector'])
      .default('raster')
      .describe('`tiles`: raster images (png/jpg/webp) or vector tiles (MVT, OpenMapTiles or Protomaps layer names); a PMTiles archive says its own type'),
    file: z
      .string()
      .min(1)
      .optional()
      .describe('`pmtiles`: path of a local .pmtiles archive (absolute, or relative to the working directory); the service serves it at /api/map/tiles.pmtiles'),
    attribution: z.string().max(500).optional().describe('Attribution shown on the map, e.g. "© OpenStreetMap contributors"'),
    center: z
      .strictObject({
        lat: z.number().min(-90).max(90).describe('Latitude, degrees WGS84'),
        lng: z.number().min(-180).max(180).describe('Longitude, degrees WGS84'),
      })
      .optional()
      .describe('Where the map opens (default: framing all cameras)'),
    zoom: z.number().min(0).max(22).optional().describe('Zoom the map opens at (with `center`; default 12)'),
    boundaries: z
      .union([boundariesSchema, z.literal(false)])
      .optional()
      .describe('Offline province and district boundaries under the cameras (style `blank` only: tiles replace them); false: none'),
  })
  .superRefine((m, ctx) => {
    if (m.style === 'tiles') {
      if (m.url === undefined) ctx.addIssue({ code: 'custom', path: ['url'], message: 'style `tiles` needs a `url` template' });
      else if (TEMPLATE_VARS.some((v) => !m.url!.includes(v))) ctx.addIssue({ code: 'custom', path: ['url'], message: 'a tile URL template needs {z}, {x} and {y}' });
      if (m.file !== undefined) ctx.addIssue({ code: 'custom', path: ['file'], message: '`file` is for style `pmtiles`' });
    }
    if (m.style === 'pmtiles' && (m.file === undefined) === (m.url === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['file'], message: 'style `pmtiles` needs either a local `file` or a remote `url`, not both' });
    }
    if (m.style !== 'blank' && m.boundaries) {
      ctx.addIssue({ code: 'custom', path: ['boundaries'], message: 'the boundaries are the offline base map (style `blank`): tiles replace them' });
    }
    if (m.style === 'blank' && (m.url !== undefined || m.file !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['style'], message: 'style `blank` uses no `url` or `file`: set style to `tiles` or `pmtiles`' });
    }
  })
  .describe('Base map of the command centre (default: offline boundaries and outline, no tile server)');

export type MapConfig = z.infer<typeof mapSchema>;

/** Origins the browser must be allowed to fetch for this base map (CSP img-src and connect-src); none for local maps. */
export function mapOrigins(map: MapConfig | undefined): string[] {
  if (!map || map.url === undefined || map.style === 'blank') return [];
  return [new URL(map.url).origin];
}
