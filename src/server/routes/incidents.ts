/**
 * Field incidents (contract/incidents.ts): posted by officers (operators, supervisors) or by other systems with an API
 * key scoped `incidents.write`; each raises an `incident` alert at once (the alert feed, SSE, the map), and can be
 * linked to cameras and events, or closed. A user whose area is limited sees the incidents of that area: linked to one
 * of their cameras, or in one of their districts. Every look at an incident's photo is audited.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { content } from '../../contract/common.js';
import { incident, incidents } from '../../contract/incidents.js';
import { ArgusError } from '../../core/errors.js';
import { ulid } from '../../core/ids.js';
import { INCIDENT_TYPES } from '../../core/violation.js';
import { INCIDENT_LABELS } from '../../core/labels.js';
import type { IncidentRecord } from '../../store/store.js';
import type { ServerContext } from '../context.js';
import { isJpeg } from '../crops.js';
import { HttpError, notFound } from '../http.js';
import type { Principal } from '../rbac.js';
import { idParams, idText, latLng, pageQuery, timeQuery } from '../schemas.js';
import { allowedCameraIds, districtInScope } from '../scope.js';

const MAX_PHOTOS = 4;
const MAX_PHOTO_BYTES = 2 * 1024 * 1024;
/** Base64 of the photos plus the rest. */
const BODY_LIMIT = Math.ceil((MAX_PHOTOS * MAX_PHOTO_BYTES * 4) / 3) + 64 * 1024;
const SEVERITY = { accident: 'critical', fire: 'critical', fight: 'critical', flood: 'warning', crowd: 'warning', road_damage: 'info', breakdown: 'info', other: 'warning' } as const;

const postBody = z.strictObject({
  type: z.enum(INCIDENT_TYPES),
  description: z.string().trim().max(4000).default(''),
  location: latLng,
  atMs: z.number().int().min(0).optional().describe('When it happened (default: now); at most 5 minutes ahead'),
  district: z.string().trim().min(1).max(100).nullable().default(null),
  cameraIds: z.array(idText).max(50).default([]),
  eventIds: z.array(idText).max(200).default([]),
  photos: z.array(z.string().max(Math.ceil((MAX_PHOTO_BYTES * 4) / 3) + 4, `a photo is at most ${MAX_PHOTO_BYTES / 1024 / 1024} MB`)).max(MAX_PHOTOS).default([])
    .describe('JPEG photos, base64'),
});
const patchBody = z.strictObject({
  cameraIds: z.array(idText).max(50).optional(),
  eventIds: z.array(idText).max(200).optional(),
  status: z.enum(['open', 'closed']).optional(),
});
const listQuery = z.strictObject({ ...timeQuery, limit: pageQuery.limit });
const photoParams = z.strictObject({ id: idText, n: z.coerce.number().int().min(0).max(MAX_PHOTOS - 1) });

/** Whether the principal's area covers the incident (everyone sees everything when their scope is unlimited). */
async function visible(ctx: ServerContext, p: Principal, i: Pick<IncidentRecord, 'cameraIds' | 'district'>): Promise<boolean> {
  const allowed = await allowedCameraIds(ctx.store, p);
  if (allowed === null) return true;
  return i.cameraIds.some((id) => allowed.has(id)) || (i.district !== null && districtInScope(p, i.district));
}

const view = (i: IncidentRecord) => ({ ...i, type: i.type as (typeof INCIDENT_TYPES)[number], cameraIds: [...i.cameraIds], eventIds: [...i.eventIds], photos: [...i.photos] });

export function incidentRoutes(ctx: ServerContext): void {
  const { router: r, store } = ctx;
  /** The cameras must exist and be in the caller's area (an incident is linked only where the caller may look). */
  const checkCameras = async (p: Principal, ids: readonly string[]): Promise<void> => {
    const allowed = await allowedCameraIds(store, p);
    for (const id of ids) {
      if (!(await store.getCamera(id)) || (allowed !== null && !allowed.has(id))) throw new HttpError(400, 'invalid_request', `camera ${id}: no such camera in your area`);
    }
  };

  r.add({
    method: 'POST', url: '/api/incidents', tag: 'incidents', permission: 'incidents.write', body: postBody, bodyLimit: BODY_LIMIT,
    summary: 'Report a field incident (type, place, time, JPEG photos); raises an `incident` alert at once (audited)',
    response: incident,
    handler: async ({ req, principal, body }) => {
      const now = Date.now();
      const atMs = body.atMs ?? now;
      if (atMs > now + 300_000) throw new HttpError(400, 'invalid_request', 'atMs is more than 5 minutes in the future');
      await checkCameras(principal!, body.cameraIds);
      if (!(await visible(ctx, principal!, { cameraIds: body.cameraIds, district: body.district }))) {
        throw new HttpError(403, 'forbidden', 'the incident is outside your area: link one of your cameras or name one of your districts');
      }
      const photos = body.photos.map((b64, n) => {
        const bytes = new Uint8Array(Buffer.from(b64, 'base64'));
        if (!isJpeg(bytes)) throw new HttpError(400, 'invalid_request', `photo ${n}: not a JPEG`);
        if (bytes.byteLength > MAX_PHOTO_BYTES) throw new HttpError(413, 'too_large', `photo ${n}: more than ${MAX_PHOTO_BYTES} bytes`);
        return { sha256: createHash('sha256').update(bytes).digest('hex'), content: bytes };
      });
      const rec = {
        id: ulid(now), type: body.type, description: body.description, location: body.location, atMs, district: body.district, reportedBy: principal!.actor,
        cameraIds: body.cameraIds, eventIds: body.eventIds, status: 'open' as const, createdAtMs: now, updatedAtMs: now,
      };
      await store.insertIncident(rec, photos);
      await ctx.audit(req, principal, 'incident.report', rec.id, { type: rec.type, lat: rec.location.lat, lng: rec.location.lng, photos: photos.length, cameras: rec.cameraIds });
      await ctx.ingest.raiseAlert({
        cameraId: rec.cameraIds[0] ?? null, atMs, kind: 'incident', severity: SEVERITY[rec.type],
        message: `${INCIDENT_LABELS[rec.type].vi}${rec.description ? `: ${rec.description.slice(0, 160)}` : ''}`,
        payload: { incidentId: rec.id, type: rec.type, location: rec.location, district: rec.district, photos: photos.length },
      });
      const stored = await store.getIncident(rec.id);
      if (!stored) throw new ArgusError('io_failed', 'incident not stored');
      return view(stored);
    },
  });
  r.add({
    method: 'GET', url: '/api/incidents', tag: 'incidents', permission: 'alerts.read', query: listQuery,
    summary: 'Field incidents in your area, newest first', response: incidents,
    handler: async ({ principal, query }) => {
      const all = await store.listIncidents({ ...(query.from !== undefined ? { fromMs: query.from } : {}), ...(query.to !== undefined ? { toMs: query.to } : {}), limit: query.limit ?? 200 });
      const items = [];
      for (const i of all) if (await visible(ctx, principal!, i)) items.push(view(i));
      return { items, nextCursor: null };
    },
  });
  r.add({
    method: 'GET', url: '/api/incidents/:id', tag: 'incidents', permission: 'alerts.read', params: idParams, summary: 'A field incident', response: incident,
    handler: async ({ principal, params }) => {
      const i = await store.getIncident(params.id);
      if (!i || !(await visible(ctx, principal!, i))) throw notFound('incident');
      return view(i);
    },
  });
  r.add({
    method: 'PATCH', url: '/api/incidents/:id', tag: 'incidents', permission: 'incidents.write', params: idParams, body: patchBody,
    summary: 'Link an incident to cameras and events, or close it (audited)', response: incident,
    handler: async ({ req, principal, params, body }) => {
      const i = await store.getIncident(params.id);
      if (!i || !(await visible(ctx, principal!, i))) throw notFound('incident');
      if (body.cameraIds) await checkCameras(principal!, body.cameraIds);
      const u = await store.updateIncident(i.id, body, Date.now());
      await ctx.audit(req, principal, 'incident.update', i.id, { cameras: body.cameraIds, events: body.eventIds, status: body.status });
      return view(u!);
    },
  });
  r.add({
    method: 'GET', url: '/api/incidents/:id/photos/:n', tag: 'incidents', permission: 'alerts.read', params: photoParams,
    summary: "An incident's photo (JPEG; every look audited)", response: content('image/jpeg', 'The photo'),
    handler: async ({ req, reply, principal, params }) => {
      const i = await store.getIncident(params.id);
      if (!i || !(await visible(ctx, principal!, i))) throw notFound('incident');
      const p = await store.getIncidentPhoto(i.id, params.n);
      if (!p) throw notFound('photo');
      await ctx.audit(req, principal, 'incident.photo.view', i.id, { n: params.n, sha256: p.sha256 });
      return reply.header('content-type', 'image/jpeg').header('cache-control', 'private, no-store').send(Buffer.from(p.content));
    },
  });
}
