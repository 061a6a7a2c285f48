/** Watch lists (CRUD; a live sighting matching an entry raises an alert at once) and alerts (list, acknowledge). */
import { z } from 'zod';
import { alert, alerts } from '../../contract/alerts.js';
import { ok } from '../../contract/common.js';
import { watchEntriesAdded, watchList, watchListDetail, watchLists } from '../../contract/watchlists.js';
import { ulid } from '../../core/ids.js';
import { parsePlateQuery } from '../../plates/match.js';
import type { ServerContext } from '../context.js';
import { alertView, auditPlateView } from '../data-class.js';
import { HttpError, notFound } from '../http.js';
import { readableClasses } from '../rbac.js';
import { camerasQuery, idParams, idText, kindsQuery, pageQuery, severity, timeQuery } from '../schemas.js';
import { assertCameraVisible, scopedCameraIds } from '../scope.js';
import { watchImportRoute } from './watch-import.js';

const listBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).default(''),
  severity: severity.default('warning'),
});
const entryBody = z.strictObject({
  entries: z.array(z.strictObject({
    pattern: z.string().trim().min(2).max(32).regex(/^[0-9A-Za-z*?.\- ]+$/, 'a plate or a wildcard pattern (* ?)'),
    note: z.string().max(500).default(''),
    expiresAtMs: z.number().int().min(0).nullable().default(null),
  })).min(1).max(1000),
});
const entryParams = z.strictObject({ id: idText, entryId: idText });
const alertsQuery = z.strictObject({ ...timeQuery, ...pageQuery, cameras: camerasQuery, kinds: kindsQuery, acknowledged: z.enum(['true', 'false']).optional() });

export function watchRoutes(ctx: ServerContext): void {
  const { router: r, store } = ctx;
  r.add({ method: 'GET', url: '/api/watchlists', tag: 'watchlists', permission: 'watchlists.read', summary: 'Watch lists',
    response: watchLists,
    handler: async () => ({ items: await store.listWatchLists() }) });
  r.add({
    method: 'POST', url: '/api/watchlists', tag: 'watchlists', permission: 'watchlists.write', summary: 'Create a watch list', body: listBody,
    response: watchList,
    handler: async ({ req, principal, body }) => {
      const list = { id: ulid(), createdAtMs: Date.now(), ...body };
      await store.upsertWatchList(list);
      await ctx.audit(req, principal, 'watchlist.create', list.id, { name: list.name });
      return list;
    },
  });
  r.add({
    method: 'GET', url: '/api/watchlists/:id', tag: 'watchlists', permission: 'watchlists.read', summary: 'A watch list with its entries (plates and notes: audited)', params: idParams,
    response: watchListDetail,
    handler: async ({ req, principal, params }) => {
      const list = await store.getWatchList(params.id);
      if (!list) throw notFound('watch list');
      const entries = await store.listWatchEntries(list.id);
      await ctx.audit(req, principal, 'watchlist.view', list.id, { entries: entries.length });
      return { ...list, entries };
    },
  });
  r.add({
    method: 'PATCH', url: '/api/watchlists/:id', tag: 'watchlists', permission: 'watchlists.write', summary: 'Edit a watch list', params: idParams, body: listBody.partial(),
    response: watchList,
    handler: async ({ req, principal, params, body }) => {
      const list = await store.getWatchList(params.id);
      if (!list) throw notFound('watch list');
      const next = { ...list, ...Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) };
      await store.upsertWatchList(next);
      ctx.ingest.invalidateWatchLists();
      await ctx.audit(req, principal, 'watchlist.edit', list.id, { fields: Object.keys(body) });
      return next;
    },
  });
  r.add({
    method: 'DELETE', url: '/api/watchlists/:id', tag: 'watchlists', permission: 'watchlists.write', summary: 'Delete a watch list and its entries', params: idParams,
    response: ok,
    handler: async ({ req, principal, params }) => {
      if (!(await store.deleteWatchList(params.id))) throw notFound('watch list');
      ctx.ingest.invalidateWatchLists();
      await ctx.audit(req, principal, 'watchlist.delete', params.id, {});
      return { ok: true };
    },
  });
  r.add({
    method: 'POST', url: '/api/watchlists/:id/entries', tag: 'watchlists', permission: 'watchlists.write', summary: 'Add plates or patterns', params: idParams, body: entryBody,
    response: watchEntriesAdded,
    handler: async ({ req, principal, params, body }) => {
      const now = Date.now();
      const entries = body.entries.map((e) => {
        const q = parsePlateQuery(e.pattern);
        if (q.pattern.length < 2) throw new HttpError(400, 'invalid_request', `pattern "${e.pattern}" is too short`);
        return { id: ulid(now), pattern: q.pattern, note: e.note, expiresAtMs: e.expiresAtMs, createdAtMs: now };
      });
      await store.addWatchEntries(params.id, entries);
      ctx.ingest.invalidateWatchLists();
      await ctx.audit(req, principal, 'watchlist.entries_add', params.id, { patterns: entries.map((e) => e.pattern) });
      return { items: entries };
    },
  });
  r.add({
    method: 'DELETE', url: '/api/watchlists/:id/entries/:entryId', tag: 'watchlists', permission: 'watchlists.write', summary: 'Remove an entry', params: entryParams,
    response: ok,
    handler: async ({ req, principal, params }) => {
      const entries = await store.listWatchEntries(params.id);
      if (!entries.some((e) => e.id === params.entryId) || !(await store.removeWatchEntry(params.entryId))) throw notFound('watch entry');
      ctx.ingest.invalidateWatchLists();
      await ctx.audit(req, principal, 'watchlist.entry_remove', params.entryId, { listId: params.id });
      return { ok: true };
    },
  });
  watchImportRoute(ctx);

  r.add({
    method: 'GET', url: '/api/alerts', tag: 'alerts', permission: 'alerts.read', query: alertsQuery,
    summary: "Alerts, newest first; a watch-list hit's plate, list, pattern, note and message need watchlists.read and plates.search (else `redacted: true`); those served are audited",
    response: alerts,
    handler: async ({ req, principal, query }) => {
      const cameraIds = await scopedCameraIds(store, principal!, query.cameras);
      const page = await store.listAlerts({
        fromMs: query.from, toMs: query.to, limit: query.limit, cursor: query.cursor, cameraIds, kinds: query.kinds,
        ...(query.acknowledged !== undefined ? { acknowledged: query.acknowledged === 'true' } : {}),
      });
      // THE place where the REST alerts channel applies the data classes (the live push does it in live.ts).
      const readable = readableClasses(principal!.permissions);
      const views = page.items.map((a) => alertView(a, readable));
      await auditPlateView(ctx, req, principal!, 'alerts', null, views.filter((v) => v.plates).length, { cameras: query.cameras, kinds: query.kinds, from: query.from, to: query.to });
      return { ...page, items: views.map((v) => v.value) };
    },
  });
  r.add({
    method: 'POST', url: '/api/alerts/:id/ack', tag: 'alerts', permission: 'alerts.ack', summary: 'Acknowledge an alert', params: idParams, body: z.strictObject({}).optional(),
    response: alert,
    handler: async ({ req, principal, params }) => {
      const a = await store.getAlert(params.id);
      if (!a) throw notFound('alert');
      await assertCameraVisible(store, principal!, a.cameraId);
      const out = await store.acknowledgeAlert(params.id, principal!.actor, Date.now());
      await ctx.audit(req, principal, 'alert.ack', params.id, {});
      // Every open screen learns it (the map's crowd marker stops pulsing at once), each as its principal may read it.
      ctx.hub.publish({ topic: 'alert', cameraId: out.cameraId, data: out });
      // The answer is an alert too: the same view as the listing (an operator acks a watch-list hit it cannot read).
      const view = alertView(out, readableClasses(principal!.permissions));
      await auditPlateView(ctx, req, principal!, 'alerts', params.id, view.plates ? 1 : 0);
      return view.value;
    },
  });
}
