/**
 * Sightings: the plate crop of one sighting as JPEG, the thumbnail of plate search and trace. Same permission as
 * the search, same camera scope as the sighting, audited as a footage view (repeats by
 * one viewer folded on the server); only files inside the crops root.
 */
import { readFile } from 'node:fs/promises';
import { content } from '../../contract/common.js';
import type { ServerContext } from '../context.js';
import { resolveCrop } from '../crops.js';
import { notFound } from '../http.js';
import { idParams } from '../schemas.js';
import { LookThrottle } from '../look-throttle.js';
import { assertCameraVisible } from '../scope.js';

/** A search page loads dozens of thumbnails and reloads them: one audit row per viewer and sighting per 5 minutes. */
const CROP_LOOK_MS = 5 * 60_000;

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
        const jpeg = file ? await readFile(file).catch(() => null) : null;
        if (!jpeg) throw notFound('crop');
        await looks.cover(`${principal!.actor}|${s.id}`, () => ctx.audit(req, principal, 'footage.view', s.cameraId, { what: 'plate-crop', sightingId: s.id, plate: s.plateKey }));
        return reply.type('image/jpeg').send(jpeg);
      },
    });
  };
}
