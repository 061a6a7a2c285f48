/**
 * Ingest from outside: edge analysers and the ANPR cameras of partner systems post plate reads in batches with an
 * API key of scope `ingest.write`. The answer (200, with the ids) comes only after the batch is COMMITTED; ids are
 * the client's, so a batch retried after a timeout or a crash stores nothing twice. A read may carry its plate crop
 * (base64 JPEG, at most MAX_CROP_BYTES): it is written before the commit and becomes the sighting's thumbnail.
 *
 * What a key may post is bounded: only for cameras that exist and lie in the key's area (403/400 name them), only
 * reads timed within the skew bounds (a read from the year 2243 would make a day folder retention never prunes), and
 * a repeated id never replaces the stored sighting's crop. One bad row refuses the whole batch, naming every bad row.
 */
import { z } from 'zod';
import { ingestAnswer } from '../../contract/plates.js';
import { OBJECT_CLASSES } from '../../core/classes.js';
import type { PlateCategory, PlateReadEvent } from '../../core/plate.js';
import { displayPlate, normalizePlateText } from '../../plates/format.js';
import type { IngestLimitsConfig } from '../../config/service.js';
import type { Principal } from '../auth.js';
import type { ServerContext } from '../context.js';
import { cropRefOf, isJpeg, MAX_CROP_BYTES, removeCrop } from '../crops.js';
import { HttpError } from '../http.js';
import { idText } from '../schemas.js';
import { allowedCameraIds } from '../scope.js';

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

export interface IngestRouteOptions {
  /** `<data>/crops`: where the ingest wrote the crops of this batch (to remove those of rows it did not store). */
  readonly cropsDir: string | undefined;
  readonly limits: IngestLimitsConfig;
}

type SightingIn = z.output<typeof sightingIn>;
const MAX_NAMED = 20;
const listed = (items: readonly string[]): string => items.slice(0, MAX_NAMED).join('; ') + (items.length > MAX_NAMED ? `; … (${items.length} in all)` : '');

/** The batch's cameras: each must lie in the caller's area (403), and exist (400). */
async function checkCameras(ctx: ServerContext, principal: Principal, rows: readonly SightingIn[]): Promise<void> {
  const ids = [...new Set(rows.map((r) => r.cameraId))];
  const allowed = await allowedCameraIds(ctx.store, principal);
  const outside = allowed === null ? [] : ids.filter((id) => !allowed.has(id));
  if (outside.length > 0) throw new HttpError(403, 'forbidden', `camera(s) outside the area of this ${principal.kind === 'apikey' ? 'key' : 'user'}: ${listed(outside)}`);
  const unknown: string[] = [];
  for (const id of ids) if (!(await ctx.store.getCamera(id))) unknown.push(id);
  if (unknown.length > 0) throw new HttpError(400, 'invalid_request', `unknown camera(s): ${listed(unknown)}`);
}

/** Each read's time within [now − maxAge, now + maxFutureSkew]; a clear error per row otherwise. */
function checkTimes(rows: readonly SightingIn[], limits: IngestLimitsConfig, nowMs: number): void {
  const latest = nowMs + limits.maxFutureSkewSec * 1000;
  const earliest = nowMs - limits.maxAgeDays * 86_400_000;
  const bad: string[] = [];
  rows.forEach((r, i) => {
    if (r.atMs > latest) bad.push(`body.sightings.${i}.atMs: ${new Date(r.atMs).toISOString()} is more than ${limits.maxFutureSkewSec} s ahead of the server clock (${new Date(nowMs).toISOString()})`);
    else if (r.atMs < earliest) bad.push(`body.sightings.${i}.atMs: ${new Date(r.atMs).toISOString()} is more than ${limits.maxAgeDays} days old`);
  });
  if (bad.length > 0) throw new HttpError(400, 'invalid_request', listed(bad));
}

export const ingestRoutes = (opts: IngestRouteOptions) => (ctx: ServerContext): void => {
  ctx.router.add({
    method: 'POST', url: '/api/ingest/sightings', tag: 'ingest', permission: 'ingest.write', bodyLimit: MAX_INGEST_BODY, body: ingestBody,
    summary: `Store a batch of plate reads (at most ${MAX_INGEST_BATCH}) of cameras in the key's area, timed within the skew bounds; answers after the commit; idempotent on the ids`,
    response: ingestAnswer,
    handler: async ({ principal, body }) => {
      checkTimes(body.sightings, opts.limits, Date.now());
      await checkCameras(ctx, principal!, body.sightings);
      const events: PlateReadEvent[] = body.sightings.map((s) => ({
        id: s.id, cameraId: s.cameraId, atMs: s.atMs, ptsSec: 0, kind: 'plate.read', trackId: s.trackId, cls: s.cls, reads: 1,
        ...(s.direction ? { direction: s.direction } : {}),
        ...(s.cropJpeg ? { cropJpeg: s.cropJpeg } : {}),
        read: { plate: s.plate, display: s.display ?? displayPlate(s.plate) ?? s.plate, confidence: s.confidence, category: s.category, lines: [] },
      }));
      await ctx.ingest.handleMany(events);
      if (opts.cropsDir) await dropUnstoredCrops(ctx, opts.cropsDir, body.sightings);
      return { stored: events.length, ids: events.map((e) => e.id) };
    },
  });
};

/** After the commit: a crop written for an id that was already stored (its row names another crop) is removed. */
async function dropUnstoredCrops(ctx: ServerContext, cropsDir: string, rows: readonly SightingIn[]): Promise<void> {
  for (const r of rows) {
    if (!r.cropJpeg) continue;
    const ref = cropRefOf(r.id, r.atMs, r.cropJpeg);
    if ((await ctx.store.getSighting(r.id))?.cropRef !== ref) await removeCrop(cropsDir, ref);
  }
}
