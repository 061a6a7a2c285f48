/**
 * Sightings: the plate crop of one sighting as JPEG, the thumbnail of plate search and trace. Same permission as
 * the search, same camera scope as the sighting, audited as a footage view (repeats by
 * one viewer folded on the server); only files inside the crops root.
 */
import { readFile } from 'node:fs/promises';
import { content } from '../../contract/common.js';
import type { ServerContext } from '../context.js';
import { cropRefOf, resolveCrop, writeCrop } from '../crops.js';
import { notFound } from '../http.js';
import { idParams } from '../schemas.js';
import { LookThrottle } from '../look-throttle.js';
import { assertCameraVisible } from '../scope.js';

/** A search page loads dozens of thumbnails and reloads them: one audit row per viewer and sighting per 5 minutes. */
const CROP_LOOK_MS = 5 * 60_000;

/**
 * Scaled mode: a crop (a plate's, a face's) stored by another replica (in its own `<data>/crops`) is fetched from the crops object store,
 * where the worker put it, and kept here. Its `cropRef` names the SHA-256 of the sighting id and the bytes: bytes
 * that do not give the same name are not the crop that was stored, and are refused.
 */
export async function cropFromBlobs(ctx: ServerContext, cropsRoot: string, s: { id: string; cameraId: string; atMs: number; cropRef: string | null }): Promise<Buffer | null> {
  if (!ctx.runtimeCrops || !s.cropRef) return null;
  const bytes = await ctx.runtimeCrops.get(`${s.cameraId}/${s.id}.jpg`).catch((err: unknown) => {
    ctx.log.warn({ err, sightingId: s.id }, 'crop not fetched from the object store');
    return undefined;
  });
  if (!bytes) return null;
  if (cropRefOf(s.id, s.atMs, bytes) !== s.cropRef) {
    ctx.log.warn({ sightingId: s.id }, 'crop in the object store is not the one stored with its row: refused');
    return null;
  }
  await writeCrop(cropsRoot, s.id, s.atMs, bytes).catch((err: unknown) => ctx.log.warn({ err, sightingId: s.id }, 'crop not kept'));
  return Buffer.from(bytes);
}

/** `cropsRoot`: `<data>/crops` (undefined: the service keeps no crops, every crop is not found). */
export function sightingRoutes(cropsRoot: string | undefined): (ctx: ServerContext) => void {
  return (ctx) => {
    const { router: r, store } = ctx;
    const looks = new LookThrottle(CROP_LOOK_MS);
    r.add({
      method: 'GET', url: '/api/sightings/:id/crop.jpg', tag: 'plates', permission: 'plates.search', summary: 'The plate crop of a sighting, JPEG (audited)', params: idParams,
      response: content('image/jpeg', 'The plate crop'),
      handler: async ({ req, reply, principal, params }) => {
        const s = await store.getSighting(params.id);
        if (!s) throw notFound('sighting');
        await assertCameraVisible(store, principal!, s.cameraId);
        const file = cropsRoot && s.cropRef ? await resolveCrop(cropsRoot, s.cropRef) : null;
        const jpeg = file ? await readFile(file).catch(() => null) : cropsRoot && s.cropRef ? await cropFromBlobs(ctx, cropsRoot, s) : null;
        if (!jpeg) throw notFound('crop');
        await looks.cover(`${principal!.actor}|${s.id}`, () => ctx.audit(req, principal, 'footage.view', s.cameraId, { what: 'plate-crop', sightingId: s.id, plate: s.plateKey }));
        return reply.type('image/jpeg').send(jpeg);
      },
    });
  };
}
