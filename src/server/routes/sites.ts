/** Sites and cameras: list/detail for everyone allowed; add/edit/remove at run time (admin), live status. */
import { z } from 'zod';
import { cameraDetail, cameras, camerasStatus, publicCamera as publicCameraSchema, site, sites } from '../../contract/cameras.js';
import { ok } from '../../contract/common.js';
import { cameraSchema, siteSchema } from '../../config/schema.js';
import { ArgusError } from '../../core/errors.js';
import { applyCameraPatch, cameraGeometry, cameraPatchSchema } from '../camera-edit.js';
import type { CameraSourcePolicy } from '../camera-source.js';
import { cameraToRecord, publicCamera, recordToCamera } from '../cameras.js';
import type { ServerContext } from '../context.js';
import { HttpError, notFound } from '../http.js';
import { idParams, idText, latLng } from '../schemas.js';
import { allowedCameraIds, assertCameraVisible } from '../scope.js';

const siteBody = z.strictObject({
  id: idText,
  name: z.string().trim().min(1).max(200),
  timeZone: z.string().min(1).max(64).default('Asia/Ho_Chi_Minh'),
  district: z.string().trim().min(1).max(200).nullable().default(null),
  ward: z.string().trim().min(1).max(200).nullable().default(null),
  location: latLng.nullable().default(null),
  /** As `sites[].provinces` in the site file: the site's own plates' province codes, seed of the plate reader's site prior. */
  provinces: siteSchema.shape.provinces.unwrap().default([]),
});

/** A camera as in the site config file (same schema, same checks). */
const cameraBody = cameraSchema;

/** `sources`: what a camera source set through the API may be (schemes, networks; no files). */
export const siteRoutes = (sources: CameraSourcePolicy) => (ctx: ServerContext): void => {
  const { router: r, store } = ctx;
  r.add({
    method: 'GET', url: '/api/sites', tag: 'sites', permission: 'sites.read', summary: 'Sites',
    response: sites,
    handler: async () => ({ items: await store.listSites() }),
  });
  r.add({
    method: 'GET', url: '/api/sites/:id', tag: 'sites', permission: 'sites.read', summary: 'One site', params: idParams,
    response: site,
    handler: async ({ params }) => (await store.getSite(params.id)) ?? Promise.reject(notFound('site')),
  });
  r.add({
    method: 'PUT', url: '/api/sites/:id', tag: 'sites', permission: 'sites.write', summary: 'Create or replace a site', params: idParams, body: siteBody,
    response: site,
    handler: async ({ req, principal, params, body }) => {
      if (body.id !== params.id) throw new HttpError(400, 'invalid_request', 'body.id must equal the id in the path');
      await store.upsertSite(body);
      await ctx.audit(req, principal, 'site.upsert', body.id, { name: body.name });
      return body;
    },
  });
  r.add({
    method: 'DELETE', url: '/api/sites/:id', tag: 'sites', permission: 'sites.write', summary: 'Remove a site without cameras', params: idParams,
    response: ok,
    handler: async ({ req, principal, params }) => {
      if (!(await store.deleteSite(params.id))) throw notFound('site');
      await ctx.audit(req, principal, 'site.delete', params.id, {});
      return { ok: true };
    },
  });

  r.add({
    method: 'GET', url: '/api/cameras', tag: 'cameras', permission: 'cameras.read', summary: 'Cameras visible to the caller, with live status',
    response: cameras,
    query: z.strictObject({ site: idText.optional() }),
    handler: async ({ principal, query }) => {
      const allowed = await allowedCameraIds(store, principal!);
      const sites = new Map((await store.listSites()).map((s) => [s.id, s]));
      const rows = (await store.listCameras(query.site ? { siteId: query.site } : {})).filter((c) => allowed === null || allowed.has(c.id));
      const status = new Map(ctx.status.status().map((s) => [s.id, s]));
      return { items: rows.map((c) => ({ ...publicCamera(c, sites.get(c.siteId), ctx.federation?.ownerOf(c.id) ?? null), status: status.get(c.id) ?? null })) };
    },
  });
  r.add({
    method: 'GET', url: '/api/cameras/status', tag: 'cameras', permission: 'cameras.status', summary: 'Live health of every visible camera, and the detectors',
    response: camerasStatus,
    handler: async ({ principal }) => {
      const allowed = await allowedCameraIds(store, principal!);
      return { items: ctx.status.status().filter((s) => allowed === null || allowed.has(s.id)), detectors: ctx.status.detectorStatus() };
    },
  });
  r.add({
    method: 'GET', url: '/api/cameras/:id', tag: 'cameras', permission: 'cameras.read', summary: 'One camera with its live status', params: idParams,
    response: cameraDetail,
    handler: async ({ principal, params }) => {
      const c = await store.getCamera(params.id);
      if (!c) throw notFound('camera');
      await assertCameraVisible(store, principal!, c.id);
      const site = (await store.getSite(c.siteId)) ?? undefined;
      // `managedBy: 'config'`: the config file defines this camera and rewrites it at the next start (edits are temporary).
      const managedBy = ctx.configCameraIds.has(c.id) ? 'config' : 'store';
      return { ...publicCamera(c, site, ctx.federation?.ownerOf(c.id) ?? null), ...cameraGeometry(c), managedBy, status: ctx.status.status(c.id)[0] ?? null };
    },
  });
  r.add({
    method: 'POST', url: '/api/cameras', tag: 'cameras', permission: 'cameras.write', summary: 'Add a camera (starts at once; others untouched)', body: cameraBody,
    response: publicCameraSchema,
    handler: async ({ req, principal, body }) => {
      if (await store.getCamera(body.id)) throw new ArgusError('conflict', `camera ${body.id} exists (PATCH it)`);
      if (!(await store.getSite(body.site))) throw new HttpError(400, 'invalid_request', `unknown site "${body.site}"`);
      await sources.check(body.source);
      const rec = cameraToRecord(body);
      await store.upsertCamera(rec);
      await ctx.directory.add(body);
      await ctx.audit(req, principal, 'camera.add', body.id, { name: body.name, site: body.site });
      return publicCamera(rec, (await store.getSite(rec.siteId)) ?? undefined);
    },
  });
  r.add({
    method: 'PATCH', url: '/api/cameras/:id', tag: 'cameras', permission: 'cameras.write', summary: 'Edit a camera, its geometry and rules (restarts only this camera)', params: idParams, body: cameraPatchSchema,
    response: publicCameraSchema,
    handler: async ({ req, principal, params, body }) => {
      const old = await store.getCamera(params.id);
      if (!old) throw notFound('camera');
      await assertCameraVisible(store, principal!, old.id);
      const merged = applyCameraPatch(recordToCamera(old), body);
      // A new source is held to the API's rule; a config camera keeps the source its file gave it (even a file).
      if (body.source !== undefined && body.source !== old.url) await sources.check(body.source);
      else if (!ctx.configCameraIds.has(old.id)) sources.checkStored(old.url);
      const rec = cameraToRecord(merged);
      await store.upsertCamera(rec);
      await ctx.directory.update(merged);
      await ctx.audit(req, principal, 'camera.edit', params.id, { fields: Object.keys(body) });
      return publicCamera(rec, (await store.getSite(rec.siteId)) ?? undefined);
    },
  });
  r.add({
    method: 'DELETE', url: '/api/cameras/:id', tag: 'cameras', permission: 'cameras.write', summary: 'Remove a camera (stops only this camera)', params: idParams,
    response: ok,
    handler: async ({ req, principal, params }) => {
      const running = await ctx.directory.remove(params.id);
      const deleted = await store.deleteCamera(params.id);
      if (!deleted && !running) throw notFound('camera');
      await ctx.audit(req, principal, 'camera.remove', params.id, {});
      return { ok: true };
    },
  });
};
