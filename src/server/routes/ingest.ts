/**
 * Ingest from outside: edge analysers and the ANPR cameras of partner systems post plate reads in batches with an
 * API key of scope `ingest.write`. The answer (200, with the ids) comes only after the batch is COMMITTED; ids are
 * the client's, so a batch retried after a timeout or a crash stores nothing twice. A read may carry its plate crop
 * (base64 JPEG, at most MAX_CROP_BYTES): it is written before the commit and becomes the sighting's thumbnail.
 */
import { z } from 'zod';
import { OBJECT_CLASSES } from '../../core/classes.js';
import type { PlateCategory, PlateReadEvent } from '../../core/plate.js';
import { displayPlate, normalizePlateText } from '../../plates/format.js';
import type { ServerContext } from '../context.js';
import { isJpeg, MAX_CROP_BYTES } from '../crops.js';
import { idText } from '../schemas.js';

/** Sightings per request at most (one request = one transaction). */
export const MAX_INGEST_BATCH = 1000;
/** Largest request: a full batch of reads, or fewer reads with their crops. */
export const MAX_INGEST_BODY = 8 * 1024 * 1024;

const CATEGORIES = ['private', 'commercial', 'state', 'military', 'diplomatic', 'unknown'] as const satisfies readonly PlateCategory[];

const cropIn = z.string().max(Math.ceil(MAX_CROP_BYTES / 3) * 4, `at most ${MAX_CROP_BYTES} bytes`).regex(/^[A-Za-z0-9+/]+={0,2}$/, 'base64')
  .transform((b64, c) => {
    const jpeg = new Uint8Array(Buffer.from(b64, 'base64'));
    if (!isJpeg(jpeg)) c.addIssue({ code: 'custom', message: 'not a JPEG (it must start with FF D8 FF)' });
    return jpeg;
  });

const sightingIn = z.strictObject({
  id: idText.describe('Unique id chosen by the sender (e.g. a ULID): a retried batch with the same ids stores nothing twice'),
  cameraId: idText.describe('Camera that read the plate'),
  atMs: z.number().int().min(0).max(8_640_000_000_000).describe('Capture time, ms since epoch (UTC)'),
  plate: z.string().min(2).max(24)
    .transform(normalizePlateText)
    .pipe(z.string().regex(/^[0-9A-Z]{4,12}$/, 'a plate of 4–12 letters and digits, e.g. 30A-123.45'))
    .describe('The plate as read, in any punctuation (30A-123.45, 30A12345)'),
  display: z.string().trim().min(2).max(24).optional().describe('Display form; derived from the plate when left out'),
  confidence: z.number().min(0).max(1).describe('0–1'),
  category: z.enum(CATEGORIES).default('unknown').describe('Plate colour category'),
  cls: z.enum(OBJECT_CLASSES).default('car').describe('Vehicle class'),
  direction: z.enum(['pos', 'neg']).optional().describe('Direction of travel across the camera line, when known'),
  trackId: z.number().int().min(0).max(2 ** 31).default(0).describe('Track id of the sender, when it has one'),
  cropJpeg: cropIn.optional().describe(`The plate crop as base64 JPEG (at most ${MAX_CROP_BYTES / 1024} KiB): the thumbnail of search and trace`),
});

const ingestBody = z.strictObject({
  sightings: z.array(sightingIn).min(1).max(MAX_INGEST_BATCH)
    .refine((rows) => new Set(rows.map((r) => r.id)).size === rows.length, 'ids must be unique within a batch'),
});

export function ingestRoutes(ctx: ServerContext): void {
  ctx.router.add({
    method: 'POST', url: '/api/ingest/sightings', tag: 'ingest', permission: 'ingest.write', bodyLimit: MAX_INGEST_BODY, body: ingestBody,
    summary: `Store a batch of plate reads (at most ${MAX_INGEST_BATCH}); answers after the commit; idempotent on the ids`,
    handler: async ({ body }) => {
      const events: PlateReadEvent[] = body.sightings.map((s) => ({
        id: s.id, cameraId: s.cameraId, atMs: s.atMs, ptsSec: 0, kind: 'plate.read', trackId: s.trackId, cls: s.cls, reads: 1,
        ...(s.direction ? { direction: s.direction } : {}),
        ...(s.cropJpeg ? { cropJpeg: s.cropJpeg } : {}),
        read: { plate: s.plate, display: s.display ?? displayPlate(s.plate) ?? s.plate, confidence: s.confidence, category: s.category, lines: [] },
      }));
      await ctx.ingest.handleMany(events);
      return { stored: events.length, ids: events.map((e) => e.id) };
    },
  });
}
