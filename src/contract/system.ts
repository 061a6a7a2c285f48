/** Health, the OpenAPI document and the base map settings. */
import { z } from 'zod';

export const detectorStatus = z.strictObject({ model: z.string(), ok: z.boolean(), message: z.string().nullable() });
export type DetectorStatus = z.infer<typeof detectorStatus>;

/** A worker of the scaled mode as its heartbeat says: capacity and load in camera-frames per second. */
export const workerHealth = z.strictObject({
  name: z.string(),
  host: z.string(),
  capacity: z.number(),
  load: z.number(),
  cameras: z.number(),
  rssMb: z.number(),
  /** Time since its last heartbeat, ms. */
  heartbeatAgeMs: z.number(),
  startedAtMs: z.number(),
});
export type WorkerHealth = z.infer<typeof workerHealth>;

export const health = z.strictObject({
  status: z.enum(['ok', 'degraded']),
  uptimeSec: z.number(),
  store: z.enum(['sqlite', 'postgres']),
  detectors: z.array(detectorStatus),
  cameras: z.strictObject({ total: z.number(), online: z.number(), offline: z.number() }),
  /** What is wrong, in words (a detector that failed to load, cameras offline). */
  problems: z.array(z.string()),
  /** Scaled mode only: the live workers (argus_workers), absent on the single box. */
  workers: z.array(workerHealth).optional(),
});
export type Health = z.infer<typeof health>;

export const openApiDocument = z.looseObject({ openapi: z.literal('3.1.0'), paths: z.record(z.string(), z.unknown()) });
export type OpenApiDocument = z.infer<typeof openApiDocument>;

/** What the UI draws under the cameras. */
export const mapSettings = z.strictObject({
  style: z.enum(['blank', 'tiles', 'pmtiles']),
  /** Tile URL template (`tiles`) or archive URL (`pmtiles`); null for `blank`. */
  url: z.string().nullable(),
  tileType: z.enum(['raster', 'vector']),
  attribution: z.string().nullable(),
  /** Where the map opens; null: frame the cameras. */
  center: z.strictObject({ lat: z.number(), lng: z.number() }).nullable(),
  zoom: z.number().nullable(),
  /** The offline boundaries drawn on the `blank` map (null: none): whether there are districts, and their attribution. */
  boundaries: z.strictObject({ districts: z.boolean(), attribution: z.string() }).nullable(),
});
export type MapSettings = z.infer<typeof mapSettings>;

/** One administrative area of the offline base map: its name, its province (districts) and a point inside it for the label. */
export const boundaryFeature = z.strictObject({
  type: z.literal('Feature'),
  properties: z.strictObject({ name: z.string(), province: z.string().nullable(), label: z.tuple([z.number(), z.number()]) }),
  geometry: z.strictObject({ type: z.enum(['Polygon', 'MultiPolygon']), coordinates: z.array(z.array(z.unknown())) }),
});
export const boundaryLayer = z.strictObject({ type: z.literal('FeatureCollection'), features: z.array(boundaryFeature) });
export type BoundaryLayerJson = z.infer<typeof boundaryLayer>;

/** `bbox=west,south,east,north` (degrees): the districts around the cameras, not the country's 8 MB. */
export const boundaryQuery = z.strictObject({
  bbox: z
    .string()
    .regex(/^-?\d+(\.\d+)?(,-?\d+(\.\d+)?){3}$/, 'west,south,east,north in degrees')
    .transform((s) => s.split(',').map(Number) as [number, number, number, number])
    .refine(([w, s, e, n]) => w <= e && s <= n && w >= -180 && e <= 180 && s >= -90 && n <= 90, 'west ≤ east and south ≤ north, in range')
    .optional(),
});
