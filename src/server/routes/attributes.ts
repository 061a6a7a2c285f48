/**
 * Attribute search: tracks by class, colours, time window and area (cameras, or a site's cameras), only in the
 * caller's scope. A search of people's movements: its own permission (`people.search`), and every search is audited
 * with its query (`search.attributes`). The best crop of a track is served through an audited route.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { attributeSearch, COLOUR_NAMES, type TrackHit } from '../../contract/attributes.js';
import { content } from '../../contract/common.js';
import { OBJECT_CLASSES } from '../../core/classes.js';
import type { TrackAttributesRecord } from '../../store/store.js';
import type { ServerContext } from '../context.js';
import { cropRefOf, resolveCrop, writeCrop } from '../crops.js';
import { notFound } from '../http.js';
import { LookThrottle } from '../look-throttle.js';
import { camerasQuery, idParams, pageQuery, timeQuery } from '../schemas.js';
import { assertCameraVisible, scopedCameraIds } from '../scope.js';

const colour = z.enum(COLOUR_NAMES);
const classes = z
  .string()
  .max(200)
  .transform((s) => s.split(',').map((x) => x.trim()).filter((x) => x !== ''))
  .pipe(z.array(z.enum(OBJECT_CLASSES)).min(1).max(OBJECT_CLASSES.length))
  .optional()
  .describe('Comma-separated classes: person, car, motorcycle, bus, truck, bicycle');

const searchQuery = z.strictObject({
  cls: classes,
  upper: colour.optional().describe("A person's upper-body colour"),
  lower: colour.optional().describe("A person's lower-body colour"),
  body: colour.optional().describe("A vehicle's body colour"),
  colour: colour.optional().describe('Any colour of the track (upper, lower or body)'),
  ...timeQuery,
  ...pageQuery,
  cameraId: camerasQuery,
  siteId: z.string().min(1).max(120).optional().describe("The site's cameras"),
});

/** A results page loads its crops and reloads them: one audit row per viewer and track per 5 minutes. */
const CROP_LOOK_MS = 5 * 60_000;

type Box = { x1: number; y1: number; x2: number; y2: number };
const boxOf = (v: unknown): Box | null => {
  const b = v as Partial<Box> | null | undefined;
  return b && [b.x1, b.y1, b.x2, b.y2].every((n) => typeof n === 'number') ? (b as Box) : null;
};

function hitOf(t: TrackAttributesRecord, cameraName: string | null): TrackHit {
  const d = (t.details ?? {}) as { startBox?: unknown; endBox?: unknown };
  const colours = (xs: readonly string[]) => xs.filter((x): x is TrackHit['upper'][number] => (COLOUR_NAMES as readonly string[]).includes(x));
  return {
    id: t.id, cameraId: t.cameraId, cameraName, trackId: t.trackId, cls: t.cls as TrackHit['cls'], firstMs: t.firstMs, lastMs: t.lastMs,
    upper: colours(t.upper), lower: colours(t.lower), body: colours(t.body), startBox: boxOf(d.startBox), endBox: boxOf(d.endBox),
    cropUrl: t.cropRef ? `/api/tracks/${encodeURIComponent(t.id)}/crop.jpg` : null,
  };
}

/**
 * Scaled mode: a crop stored by another replica is fetched from the crops object store (where the worker put it) and
 * kept here; bytes whose name (SHA-256 of the id and the bytes, as the ingest wrote it) is not the stored one are refused.
 */
async function fromBlobs(ctx: ServerContext, cropsRoot: string, t: TrackAttributesRecord): Promise<Buffer | null> {
  if (!ctx.runtimeCrops || !t.cropRef) return null;
  const bytes = await ctx.runtimeCrops.get(`${t.cameraId}/${t.id}.jpg`).catch((err: unknown) => {
    ctx.log.warn({ err, trackId: t.id }, 'track crop not fetched from the object store');
    return undefined;
  });
  if (!bytes || cropRefOf(t.id, t.lastMs, bytes) !== t.cropRef) return null;
  await writeCrop(cropsRoot, t.id, t.lastMs, bytes).catch((err: unknown) => ctx.log.warn({ err, trackId: t.id }, 'track crop not kept'));
  return Buffer.from(bytes);
}

/** `cropsRoot`: `<data>/crops`, where the ingest writes track crops beside plate crops. */
export function attributeRoutes(cropsRoot: string | undefined): (ctx: ServerContext) => void {
  return (ctx) => {
    const { router: r, store } = ctx;
    const looks = new LookThrottle(CROP_LOOK_MS);
    r.add({
      method: 'GET', url: '/api/search/attributes', tag: 'people', permission: 'people.search',
      summary: 'Search tracks by class, colours, time and area (audited)', query: searchQuery, response: attributeSearch,
      handler: async ({ req, principal, query }) => {
        let requested = query.cameraId;
        if (query.siteId !== undefined) {
          const ofSite = new Set((await store.listCameras({ siteId: query.siteId })).map((c) => c.id));
          requested = requested ? requested.filter((id) => ofSite.has(id)) : [...ofSite];
        }
        // A site (or a site and cameras) with no camera in common: nothing, not everything.
        const cameraIds = requested !== undefined && requested.length === 0 ? [] : await scopedCameraIds(store, principal!, requested);
        const page = await store.searchTrackAttributes({
          ...(query.cls ? { cls: query.cls } : {}), upper: query.upper, lower: query.lower, body: query.body, colour: query.colour,
          fromMs: query.from, toMs: query.to, cameraIds, limit: query.limit, cursor: query.cursor,
        });
        const names = new Map((await store.listCameras()).map((c) => [c.id, c.name]));
        await ctx.audit(req, principal, 'search.attributes', query.siteId ?? query.cameraId?.join(',') ?? 'all', {
          cls: query.cls ?? null, upper: query.upper ?? null, lower: query.lower ?? null, body: query.body ?? null, colour: query.colour ?? null,
          from: query.from ?? null, to: query.to ?? null, cameras: query.cameraId ?? null, siteId: query.siteId ?? null, hits: page.items.length,
        });
        return { items: page.items.map((t) => hitOf(t, names.get(t.cameraId) ?? null)), nextCursor: page.nextCursor };
      },
    });
    r.add({
      method: 'GET', url: '/api/tracks/:id/crop.jpg', tag: 'people', permission: 'people.search', summary: 'The best crop of a track, JPEG (audited)',
      params: idParams, response: content('image/jpeg', 'The crop'),
      handler: async ({ req, reply, principal, params }) => {
        const t = await store.getTrackAttributes(params.id);
        if (!t) throw notFound('track');
        await assertCameraVisible(store, principal!, t.cameraId);
        const file = cropsRoot && t.cropRef ? await resolveCrop(cropsRoot, t.cropRef) : null;
        const jpeg = file ? await readFile(file).catch(() => null) : cropsRoot && t.cropRef ? await fromBlobs(ctx, cropsRoot, t) : null;
        if (!jpeg) throw notFound('crop');
        await looks.cover(`${principal!.actor}|${t.id}`, () => ctx.audit(req, principal, 'footage.view', t.cameraId, { what: 'track-crop', trackId: t.id }));
        return reply.type('image/jpeg').send(jpeg);
      },
    });
  };
}
