/** Plate sightings: search (exact, prefix, wildcard, fuzzy), trace (timeline and route), and partner ingest. */
import { z } from 'zod';
import { PLATE_MATCH_KINDS } from '../core/plate.js';
import { latLng } from './common.js';

export const sighting = z.strictObject({
  id: z.string(),
  cameraId: z.string(),
  atMs: z.number(),
  /** Normalised `[0-9A-Z]` key, e.g. `30A12345`. */
  plateKey: z.string(),
  /** Vietnamese display form, e.g. `30A-123.45`. */
  display: z.string(),
  confidence: z.number(),
  /** Plate colour category, or null when unknown. */
  category: z.string().nullable(),
  cls: z.string().nullable(),
  trackId: z.number().nullable(),
  direction: z.string().nullable(),
  /** The sighting has a plate crop (served at /api/sightings/:id/crop.jpg), or null. */
  cropRef: z.string().nullable(),
});
export type Sighting = z.infer<typeof sighting>;

const matchKind = z.enum(PLATE_MATCH_KINDS);
export const plateHit = sighting.extend({ score: z.number(), distance: z.number(), matchKind });
export type PlateHit = z.infer<typeof plateHit>;

export const plateSearch = z.strictObject({
  items: z.array(plateHit),
  nextCursor: z.string().nullable(),
  /** The distinct matching plates, best first (at most 100). */
  plates: z.array(z.strictObject({ key: z.string(), score: z.number(), distance: z.number(), matchKind })),
});
export type PlateSearch = z.infer<typeof plateSearch>;

export const traceStop = sighting.extend({ cameraName: z.string().nullable(), location: latLng.nullable() });
export type TraceStop = z.infer<typeof traceStop>;

/** GeoJSON Feature: a LineString through the cameras in time order ([lng, lat]; repeats at one camera merged). */
export const traceRoute = z.strictObject({
  type: z.literal('Feature'),
  geometry: z.strictObject({ type: z.literal('LineString'), coordinates: z.array(z.tuple([z.number(), z.number()])) }),
  properties: z.strictObject({ times: z.array(z.number()), cameraIds: z.array(z.string()) }),
});
export type TraceRoute = z.infer<typeof traceRoute>;

export const trace = z.strictObject({
  plate: z.string(),
  timeline: z.array(traceStop),
  route: traceRoute,
  /** More sightings exist than `limit`. */
  truncated: z.boolean(),
});
export type Trace = z.infer<typeof trace>;

/** The answer of a partner's batch, after its commit. */
export const ingestAnswer = z.strictObject({ stored: z.number(), ids: z.array(z.string()) });
export type IngestAnswer = z.infer<typeof ingestAnswer>;
