/**
 * Monitoring centres (contract/centres.ts): the admin keeps the centres, their areas and members (`centres.write`);
 * every user reads their own centre with its shared wall layouts and alert filters; a supervisor of a centre saves
 * and deletes them (`centres.views`). A layout or filter may name only cameras the saver may see (the centre's, within
 * their own scope); a reader gets the cameras they may see, the others as empty tiles. Every change is audited; a
 * change of a centre's area or members re-checks the open live streams at once.
 */
import { z } from 'zod';
import { ok } from '../../contract/common.js';
import { alertFilter, alertFilterInput, centre, centres, myCentre, wallLayout, wallLayoutInput, type AlertFilter, type WallLayout } from '../../contract/centres.js';
import { ulid } from '../../core/ids.js';
import type { CentreRecord, CentreViewKind, CentreViewRecord, JsonValue } from '../../store/store.js';
import type { ServerContext } from '../context.js';
import { HttpError, notFound } from '../http.js';
import { can, type Principal } from '../rbac.js';
import { idParams, idText } from '../schemas.js';
import { allowedCameraIds } from '../scope.js';
import { scopeSchema } from '../users.js';

const name = z.string().trim().min(1).max(100);
const memberIds = z.array(idText).max(1000).describe('The users of the centre (a user of another centre moves here)');
const createBody = z.strictObject({ name, scope: scopeSchema.default({}), memberIds: memberIds.default([]) });
const patchBody = z.strictObject({ name: name.optional(), scope: scopeSchema.optional(), memberIds: memberIds.optional() });

const scopeDetails = (s: CentreRecord['scope']): Record<string, JsonValue> => JSON.parse(JSON.stringify(s)) as Record<string, JsonValue>;

export function centreRoutes(ctx: ServerContext): void {
  const { router: r, store } = ctx;

  const view = async (c: CentreRecord) => ({ ...c, memberIds: await store.listCentreMembers(c.id) });
  /** Refuses before anything is written: an unknown member, a name another centre has. */
  const check = async (b: { name?: string; memberIds?: readonly string[] }, self: string | null): Promise<void> => {
    for (const id of b.memberIds ?? []) if (!(await store.getUser(id))) throw new HttpError(400, 'invalid_request', `body.memberIds: no user ${id}`);
    if (b.name !== undefined && (await store.listCentres()).some((c) => c.name === b.name && c.id !== self)) {
      throw new HttpError(409, 'conflict', `a centre named ${JSON.stringify(b.name)} exists`);
    }
  };

  r.add({
    method: 'GET', url: '/api/centres', tag: 'centres', permission: 'users.read', summary: 'Monitoring centres with their areas and members',
    response: centres,
    handler: async () => ({ items: await Promise.all((await store.listCentres()).map(view)) }),
  });
  r.add({
    method: 'POST', url: '/api/centres', tag: 'centres', permission: 'centres.write', summary: 'Create a monitoring centre (audited)', body: createBody,
    response: centre,
    handler: async ({ req, principal, body }) => {
      const now = Date.now();
      await check(body, null);
      const rec: CentreRecord = { id: ulid(now), name: body.name, scope: body.scope, createdAtMs: now, updatedAtMs: now };
      await store.createCentre(rec);
      await store.setCentreMembers(rec.id, body.memberIds);
      await ctx.hub.recheck(); // members moved from another centre see its area no longer
      await ctx.audit(req, principal, 'centre.create', rec.id, { name: rec.name, scope: scopeDetails(rec.scope), memberIds: body.memberIds });
      return view(rec);
    },
  });
  r.add({
    method: 'PATCH', url: '/api/centres/:id', tag: 'centres', permission: 'centres.write', summary: 'Rename a centre, change its area or its members (audited)', params: idParams, body: patchBody,
    response: centre,
    handler: async ({ req, principal, params, body }) => {
      if (!(await store.getCentre(params.id))) throw notFound('centre');
      await check(body, params.id);
      const before = await store.listCentreMembers(params.id);
      if (body.memberIds !== undefined) await store.setCentreMembers(params.id, body.memberIds);
      const c = await store.updateCentre(params.id, {
        ...(body.name !== undefined ? { name: body.name } : {}), ...(body.scope !== undefined ? { scope: body.scope } : {}), updatedAtMs: Date.now(),
      });
      await ctx.hub.recheck(); // live streams of members (joined, left, or whose centre's area changed) are narrowed or end now
      await ctx.audit(req, principal, 'centre.edit', c.id, {
        fields: Object.keys(body), ...(body.scope !== undefined ? { scope: scopeDetails(body.scope) } : {}),
        ...(body.memberIds !== undefined ? { membersBefore: before, memberIds: body.memberIds } : {}),
      });
      return view(c);
    },
  });
  r.add({
    method: 'DELETE', url: '/api/centres/:id', tag: 'centres', permission: 'centres.write', summary: 'Delete a centre with its layouts and filters; its members keep their own scope (audited)', params: idParams,
    response: ok,
    handler: async ({ req, principal, params }) => {
      const members = await store.listCentreMembers(params.id);
      if (!(await store.deleteCentre(params.id))) throw notFound('centre');
      await ctx.hub.recheck();
      await ctx.audit(req, principal, 'centre.delete', params.id, { memberIds: members });
      return { ok: true };
    },
  });

  /** The caller's centre, or a 409 for a caller of none. */
  const ownCentre = (p: Principal): NonNullable<Principal['centre']> => {
    if (!p.centre) throw new HttpError(409, 'no_centre', 'you belong to no monitoring centre');
    return p.centre;
  };

  r.add({
    method: 'GET', url: '/api/centres/mine', tag: 'centres', permission: 'authenticated', summary: "The caller's monitoring centre, its wall layouts and alert filters (cameras narrowed to the caller's)",
    response: myCentre,
    handler: async ({ principal }) => {
      const p = principal!;
      if (!p.centre) return { centre: null, canEdit: false, layouts: [], filters: [] };
      const visible = await visibleCameras(ctx, p);
      const [layouts, filters] = await Promise.all([store.listCentreViews(p.centre.id, 'layout'), store.listCentreViews(p.centre.id, 'filter')]);
      return {
        centre: { id: p.centre.id, name: p.centre.name, scope: p.centre.scope }, canEdit: can(p, 'centres.views'),
        layouts: layouts.map((v) => layoutOf(v, visible)), filters: filters.map((v) => filterOf(v, visible)),
      };
    },
  });

  const saveView = async (req: Parameters<ServerContext['audit']>[0], p: Principal, kind: CentreViewKind, viewName: string, body: JsonValue, cameraIds: readonly string[]): Promise<CentreViewRecord> => {
    const c = ownCentre(p);
    const visible = await visibleCameras(ctx, p);
    const outside = [...new Set(cameraIds)].filter((id) => !visible.has(id));
    if (outside.length > 0) throw new HttpError(400, 'invalid_request', `cameras outside your centre's area (or unknown): ${outside.join(', ')}`);
    const now = Date.now();
    const saved = await store.saveCentreView({ id: ulid(now), centreId: c.id, kind, name: viewName, body, updatedBy: p.username, updatedAtMs: now });
    await ctx.audit(req, p, `centre.${kind}.save`, saved.id, { centreId: c.id, name: viewName, cameraIds: [...cameraIds] });
    return saved;
  };
  const deleteView = async (req: Parameters<ServerContext['audit']>[0], p: Principal, kind: CentreViewKind, id: string): Promise<{ ok: true }> => {
    const c = ownCentre(p);
    const found = (await store.listCentreViews(c.id, kind)).find((v) => v.id === id);
    if (!found || !(await store.deleteCentreView(c.id, id))) throw notFound(kind === 'layout' ? 'layout' : 'filter');
    await ctx.audit(req, p, `centre.${kind}.delete`, id, { centreId: c.id, name: found.name });
    return { ok: true };
  };

  r.add({
    method: 'PUT', url: '/api/centres/mine/layouts', tag: 'centres', permission: 'centres.views', body: wallLayoutInput,
    summary: "Save a wall layout for the caller's centre (replaces the one of the same name); only the centre's cameras (audited)",
    response: wallLayout,
    handler: async ({ req, principal, body }) => {
      if (body.tiles.length > body.size) throw new HttpError(400, 'invalid_request', `body.tiles: at most ${body.size} tiles in a layout of ${body.size}`);
      const cams = body.tiles.filter((t): t is string => t !== null);
      const saved = await saveView(req, principal!, 'layout', body.name, { size: body.size, tiles: body.tiles }, cams);
      return layoutOf(saved, await visibleCameras(ctx, principal!));
    },
  });
  r.add({
    method: 'DELETE', url: '/api/centres/mine/layouts/:id', tag: 'centres', permission: 'centres.views', params: idParams,
    summary: "Delete a wall layout of the caller's centre (audited)", response: ok,
    handler: async ({ req, principal, params }) => deleteView(req, principal!, 'layout', params.id),
  });
  r.add({
    method: 'PUT', url: '/api/centres/mine/filters', tag: 'centres', permission: 'centres.views', body: alertFilterInput,
    summary: "Save an alert filter for the caller's centre (replaces the one of the same name); only the centre's cameras (audited)",
    response: alertFilter,
    handler: async ({ req, principal, body }) => {
      const { name: n, ...rest } = body;
      const saved = await saveView(req, principal!, 'filter', n, rest as unknown as JsonValue, body.cameraIds);
      return filterOf(saved, await visibleCameras(ctx, principal!));
    },
  });
  r.add({
    method: 'DELETE', url: '/api/centres/mine/filters/:id', tag: 'centres', permission: 'centres.views', params: idParams,
    summary: "Delete an alert filter of the caller's centre (audited)", response: ok,
    handler: async ({ req, principal, params }) => deleteView(req, principal!, 'filter', params.id),
  });
}

/** The cameras that exist and that the principal may see. */
async function visibleCameras(ctx: ServerContext, p: Principal): Promise<Set<string>> {
  const [cameras, allowed] = await Promise.all([ctx.store.listCameras(), allowedCameraIds(ctx.store, p)]);
  return new Set(cameras.map((c) => c.id).filter((id) => allowed === null || allowed.has(id)));
}

function layoutOf(v: CentreViewRecord, visible: ReadonlySet<string>): WallLayout {
  const b = v.body as { size: WallLayout['size']; tiles: Array<string | null> };
  const tiles = Array.from({ length: b.size }, (_, i) => {
    const id = b.tiles[i] ?? null;
    return id !== null && visible.has(id) ? id : null;
  });
  return { id: v.id, name: v.name, size: b.size, tiles, updatedBy: v.updatedBy, updatedAtMs: v.updatedAtMs };
}

function filterOf(v: CentreViewRecord, visible: ReadonlySet<string>): AlertFilter {
  const b = v.body as Omit<AlertFilter, 'id' | 'name' | 'updatedBy' | 'updatedAtMs'>;
  return {
    id: v.id, name: v.name, kinds: [...b.kinds], minSeverity: b.minSeverity, cameraIds: b.cameraIds.filter((id) => visible.has(id)),
    districts: [...b.districts], updatedBy: v.updatedBy, updatedAtMs: v.updatedAtMs,
  };
}
