/**
 * Events, per-minute counts, violations and their review. Events are served per data class (data-class.ts): the
 * rows a caller may not read in full come redacted; plate text served in full (events, violation listings) is
 * audited as `plate.view`, one row per request.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { content } from '../../contract/common.js';
import { counts, event, events } from '../../contract/events.js';
import { violationDetail, violations } from '../../contract/violations.js';
import type { EventRecord, JsonValue } from '../../store/store.js';
import type { ServerContext } from '../context.js';
import { auditPlateView, eventRecordView } from '../data-class.js';
import { notFound } from '../http.js';
import { camerasQuery, idParams, idText, kindsQuery, pageQuery, reason, timeQuery } from '../schemas.js';
import { readableClasses, type Principal } from '../rbac.js';
import { assertCameraVisible, scopedCameraIds } from '../scope.js';

const eventsQuery = z.strictObject({ ...timeQuery, ...pageQuery, cameras: camerasQuery, kinds: kindsQuery });
const countsQuery = z.strictObject({ ...timeQuery, cameras: camerasQuery, line: idText.optional(), cls: z.string().regex(/^[a-z_]{1,30}$/).optional() });
const violationsQuery = z.strictObject({
  ...timeQuery, ...pageQuery, cameras: camerasQuery, kinds: kindsQuery,
  status: z.enum(['pending', 'confirmed', 'rejected']).optional(),
  plate: z.string().regex(/^[0-9A-Z]{4,12}$/, 'a normalised plate key, e.g. 30A12345').optional(),
});
const reviewBody = z.strictObject({
  decision: z.enum(['confirmed', 'rejected']),
  reason,
  expectedStatus: z.enum(['pending', 'confirmed', 'rejected']).optional().describe('Fail with 409 when the status changed meanwhile'),
});

/** Events as this caller may read them: THE place where the REST events channel applies the data classes. */
async function servedEvents(ctx: ServerContext, req: FastifyRequest, principal: Principal, records: readonly EventRecord[], target: string | null, details: Record<string, JsonValue | undefined>): Promise<EventRecord[]> {
  const readable = readableClasses(principal.permissions);
  const views = records.map((rec) => eventRecordView(rec, readable));
  await auditPlateView(ctx, req, principal, 'events', target, views.filter((v) => v.plates).length, details);
  return views.map((v) => v.value);
}

export function eventRoutes(ctx: ServerContext): void {
  const { router: r, store } = ctx;
  r.add({
    method: 'GET', url: '/api/events', tag: 'events', permission: 'events.read', query: eventsQuery,
    summary: 'Events, newest first (cursor pagination); plate reads and violations come redacted (`redacted: true`) without plates.search / violations.read; plate text served is audited',
    response: events,
    handler: async ({ req, principal, query }) => {
      const cameraIds = await scopedCameraIds(store, principal!, query.cameras);
      const page = await store.listEvents({ fromMs: query.from, toMs: query.to, limit: query.limit, cursor: query.cursor, cameraIds, kinds: query.kinds });
      const filter = { cameras: query.cameras, kinds: query.kinds, from: query.from, to: query.to };
      return { ...page, items: await servedEvents(ctx, req, principal!, page.items, null, filter) };
    },
  });
  r.add({
    method: 'GET', url: '/api/events/:id', tag: 'events', permission: 'events.read', summary: 'One event (redacted and audited as in the listing)', params: idParams,
    response: event,
    handler: async ({ req, principal, params }) => {
      const e = await store.getEvent(params.id);
      if (!e) throw notFound('event');
      await assertCameraVisible(store, principal!, e.cameraId);
      const [served] = await servedEvents(ctx, req, principal!, [e], e.id, { cameraId: e.cameraId });
      if (!served) throw notFound('event');
      return served;
    },
  });
  r.add({
    method: 'GET', url: '/api/counts', tag: 'events', permission: 'counts.read', summary: 'Per-minute line counts by class and direction', query: countsQuery,
    response: counts,
    handler: async ({ principal, query }) => {
      const cameraIds = await scopedCameraIds(store, principal!, query.cameras);
      return { items: await store.listCounts({ fromMs: query.from, toMs: query.to, cameraIds, lineId: query.line, cls: query.cls }) };
    },
  });
  r.add({
    method: 'GET', url: '/api/violations', tag: 'violations', permission: 'violations.read', summary: 'Violations, newest first (the plates served are audited)', query: violationsQuery,
    response: violations,
    handler: async ({ req, principal, query }) => {
      const cameraIds = await scopedCameraIds(store, principal!, query.cameras);
      const page = await store.listViolations({ fromMs: query.from, toMs: query.to, limit: query.limit, cursor: query.cursor, cameraIds, kinds: query.kinds, status: query.status, plateKey: query.plate });
      const rows = page.items.filter((v) => v.plateKey !== null || v.plateDisplay !== null).length;
      await auditPlateView(ctx, req, principal!, 'violations', query.plate ?? null, rows, { cameras: query.cameras, kinds: query.kinds, status: query.status, from: query.from, to: query.to }, query.plate !== undefined);
      return page;
    },
  });
  r.add({
    method: 'GET', url: '/api/violations.csv', tag: 'violations', permission: 'violations.read', summary: 'Export violations as CSV (same filters, at most 10 000 rows; audited)',
    query: violationsQuery.omit({ cursor: true, limit: true }),
    response: content('text/csv', 'The violations as CSV (UTF-8 with BOM): id,camera_id,time_utc,kind,plate,status'),
    handler: async ({ req, reply, principal, query }) => {
      const cameraIds = await scopedCameraIds(store, principal!, query.cameras);
      const rows: string[] = ['id,camera_id,time_utc,kind,plate,status'];
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<typeof store.listViolations>> = await store.listViolations({ fromMs: query.from, toMs: query.to, cameraIds, kinds: query.kinds, status: query.status, plateKey: query.plate, limit: 1000, cursor });
        for (const v of page.items) rows.push([v.id, v.cameraId, new Date(v.atMs).toISOString(), v.kind, v.plateDisplay ?? '', v.status].map(csvCell).join(','));
        cursor = rows.length > 10_000 ? null : page.nextCursor;
      } while (cursor);
      await ctx.audit(req, principal, 'export.csv', 'violations', { rows: rows.length - 1, status: query.status, from: query.from, to: query.to, plate: query.plate, cameras: query.cameras, kinds: query.kinds });
      reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="violations.csv"');
      return reply.send(`\uFEFF${rows.join('\r\n')}\r\n`);
    },
  });
  r.add({
    method: 'GET', url: '/api/violations/:id', tag: 'violations', permission: 'violations.read', summary: 'A violation with its evidence and review history (audited)', params: idParams,
    response: violationDetail,
    handler: async ({ req, principal, params }) => {
      const v = await store.getViolation(params.id);
      if (!v) throw notFound('violation');
      await assertCameraVisible(store, principal!, v.cameraId);
      await ctx.audit(req, principal, 'evidence.view', v.id, { cameraId: v.cameraId, evidence: v.evidence.map((e) => e.id) });
      return v;
    },
  });
  r.add({
    method: 'POST', url: '/api/violations/:id/review', tag: 'violations', permission: 'violations.review', summary: 'Confirm or reject, with a reason (audited)', params: idParams, body: reviewBody,
    response: violationDetail,
    handler: async ({ req, principal, params, body }) => {
      const v = await store.getViolation(params.id);
      if (!v) throw notFound('violation');
      await assertCameraVisible(store, principal!, v.cameraId);
      const out = await store.reviewViolation(params.id, {
        status: body.decision, reason: body.reason, reviewer: principal!.actor, atMs: Date.now(),
        ...(body.expectedStatus ? { expectedStatus: body.expectedStatus } : {}),
      });
      await ctx.audit(req, principal, 'violation.review', params.id, { from: v.status, to: body.decision, reason: body.reason });
      return out;
    },
  });
}

/** A CSV cell: quoted when needed; a leading = + - @ is neutralised (no formula injection in spreadsheets). */
export function csvCell(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
