/**
 * Reports for leaders (contract/reports.ts): the figures of a period and an area as JSON, a PDF or an Excel workbook;
 * daily and weekly schedules; the reports kept for download. Everything is narrowed to the caller's scope, and every
 * view, export, download and schedule change is audited. A user whose scope is limited sees only the reports made for
 * them; a user who sees everything sees every kept report.
 */
import { z } from 'zod';
import { content, ok } from '../../contract/common.js';
import { REPORT_FORMATS, REPORT_LANGS, REPORT_PERIODS, reportData, reportFiles, reportSchedule, reportSchedules, type ReportArea } from '../../contract/reports.js';
import { ulid } from '../../core/ids.js';
import type { ServerContext } from '../context.js';
import { attachment } from '../evidence-files.js';
import { HttpError, notFound } from '../http.js';
import type { Principal } from '../rbac.js';
import { buildReport } from '../reports/data.js';
import { nextPeriodEnd, renderReport } from '../reports/schedule.js';
import { camerasQuery, idParams, idText } from '../schemas.js';
import { allowedCameraIds } from '../scope.js';
import { siteTimeZone } from './stats.js';

const ms = z.coerce.number().int().min(0).max(8_640_000_000_000);
const areaQuery = {
  district: z.string().trim().min(1).max(100).optional().describe('Only the cameras of this district'),
  site: idText.optional().describe('Only the cameras of this site'),
  cameras: camerasQuery,
};
const reportQuery = z.strictObject({
  from: ms.describe('Start of the period, ms since epoch (inclusive)'),
  to: ms.describe('End of the period, ms since epoch (exclusive)'),
  ...areaQuery,
  lang: z.enum(REPORT_LANGS).default('vi'),
}).refine((q) => q.to > q.from, { message: 'to must be after from', path: ['to'] })
  .refine((q) => q.to - q.from <= 366 * 86_400_000, { message: 'a report covers at most 366 days', path: ['to'] });
const exportQuery = z.strictObject({
  from: ms, to: ms, ...areaQuery, lang: z.enum(REPORT_LANGS).default('vi'), format: z.enum(REPORT_FORMATS).describe('pdf (A4, with charts) or xlsx'),
}).refine((q) => q.to > q.from, { message: 'to must be after from', path: ['to'] })
  .refine((q) => q.to - q.from <= 366 * 86_400_000, { message: 'a report covers at most 366 days', path: ['to'] });
const scheduleBody = z.strictObject({
  name: z.string().trim().min(1).max(120),
  period: z.enum(REPORT_PERIODS),
  district: z.string().trim().min(1).max(100).nullable().default(null),
  siteId: idText.nullable().default(null),
  cameraIds: z.array(idText).min(1).max(1000).nullable().default(null),
  formats: z.array(z.enum(REPORT_FORMATS)).min(1).max(2).transform((f) => [...new Set(f)]),
  lang: z.enum(REPORT_LANGS).default('vi'),
});

const areaOf = (q: { district?: string | undefined; site?: string | undefined; cameras?: string[] | undefined }): ReportArea => ({
  district: q.district ?? null, siteId: q.site ?? null, cameraIds: q.cameras && q.cameras.length > 0 ? q.cameras : null,
});

const CONTENT_TYPE = { pdf: 'application/pdf', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } as const;

export function reportRoutes(ctx: ServerContext): void {
  const { router: r, store } = ctx;
  /** Sees every kept report: a scope that covers everything. */
  const seesAll = async (p: Principal): Promise<boolean> => (await allowedCameraIds(store, p)) === null;

  r.add({
    method: 'GET', url: '/api/reports/data', tag: 'reports', permission: 'reports.read', query: reportQuery,
    summary: 'The figures of a report: violations by kind and status, traffic by class and hour, alerts and response times, camera uptime (audited)',
    response: reportData,
    handler: async ({ req, principal, query }) => {
      const area = areaOf(query);
      const data = await buildReport(store, principal!, { fromMs: query.from, toMs: query.to, area, timeZone: await siteTimeZone(store) }, query.lang);
      await ctx.audit(req, principal, 'report.view', null, { from: query.from, to: query.to, district: area.district, site: area.siteId, cameras: area.cameraIds });
      return data;
    },
  });
  r.add({
    method: 'GET', url: '/api/reports/export', tag: 'reports', permission: 'reports.read', query: exportQuery,
    summary: 'A report as a PDF (A4, Vietnamese or English, with charts) or an Excel workbook (audited export)',
    response: content(Object.values(CONTENT_TYPE), 'The report file'),
    handler: async ({ req, reply, principal, query }) => {
      const area = areaOf(query);
      const data = await buildReport(store, principal!, { fromMs: query.from, toMs: query.to, area, timeZone: await siteTimeZone(store) }, query.lang);
      const bytes = await renderReport(query.format, data, query.lang);
      await ctx.audit(req, principal, 'report.export', null, { format: query.format, from: query.from, to: query.to, district: area.district, site: area.siteId, cameras: area.cameraIds, bytes: bytes.byteLength });
      const day = new Date(query.from).toISOString().slice(0, 10);
      return reply.header('content-type', CONTENT_TYPE[query.format]).header('content-disposition', attachment(`argus-report-${day}.${query.format}`)).send(Buffer.from(bytes));
    },
  });
  r.add({
    method: 'GET', url: '/api/reports/schedules', tag: 'reports', permission: 'reports.read', summary: 'Report schedules (yours, or every one if you see everything)',
    response: reportSchedules,
    handler: async ({ principal }) => {
      const all = await store.listReportSchedules();
      const mine = (await seesAll(principal!)) ? all : all.filter((s) => s.createdBy === principal!.actor);
      return { items: mine.map((s) => ({ ...s, area: { ...s.area, cameraIds: s.area.cameraIds ? [...s.area.cameraIds] : null }, formats: [...s.formats] })) };
    },
  });
  r.add({
    method: 'POST', url: '/api/reports/schedules', tag: 'reports', permission: 'reports.write', body: scheduleBody,
    summary: 'Schedule a daily or weekly report (made with your scope at each run; audited)',
    response: reportSchedule,
    handler: async ({ req, principal, body }) => {
      if (principal!.kind !== 'user') throw new HttpError(403, 'forbidden', 'reports are scheduled by a signed-in officer, not an API key');
      const now = Date.now();
      const s = {
        id: ulid(now), name: body.name, period: body.period, area: { district: body.district, siteId: body.siteId, cameraIds: body.cameraIds },
        formats: body.formats, lang: body.lang, createdBy: principal!.actor, createdAtMs: now,
        nextRunAtMs: nextPeriodEnd(body.period, now, await siteTimeZone(store)), lastRunAtMs: null,
      };
      await store.createReportSchedule(s);
      await ctx.audit(req, principal, 'report.schedule', s.id, { name: s.name, period: s.period, formats: s.formats, district: body.district, site: body.siteId, cameras: body.cameraIds });
      return s;
    },
  });
  r.add({
    method: 'DELETE', url: '/api/reports/schedules/:id', tag: 'reports', permission: 'reports.write', params: idParams,
    summary: 'Stop a report schedule (its kept reports stay; audited)', response: ok,
    handler: async ({ req, principal, params }) => {
      const s = (await store.listReportSchedules()).find((x) => x.id === params.id);
      if (!s || (s.createdBy !== principal!.actor && !(await seesAll(principal!)))) throw notFound('report schedule');
      await store.deleteReportSchedule(s.id);
      await ctx.audit(req, principal, 'report.unschedule', s.id, { name: s.name });
      return { ok: true as const };
    },
  });
  r.add({
    method: 'GET', url: '/api/reports/files', tag: 'reports', permission: 'reports.read', summary: 'Reports kept for download, newest first (yours, or every one if you see everything)',
    response: reportFiles,
    handler: async ({ principal }) => {
      const files = await store.listReportFiles(500);
      return { items: (await seesAll(principal!)) ? files : files.filter((f) => f.createdBy === principal!.actor) };
    },
  });
  r.add({
    method: 'GET', url: '/api/reports/files/:id', tag: 'reports', permission: 'reports.read', params: idParams,
    summary: 'Download a kept report (audited)', response: content(Object.values(CONTENT_TYPE), 'The report file'),
    handler: async ({ req, reply, principal, params }) => {
      const got = await store.getReportFile(params.id);
      if (!got || (got.file.createdBy !== principal!.actor && !(await seesAll(principal!)))) throw notFound('report');
      await ctx.audit(req, principal, 'report.download', got.file.id, { name: got.file.name, format: got.file.format, sha256: got.file.sha256 });
      return reply.header('content-type', CONTENT_TYPE[got.file.format]).header('content-disposition', attachment(got.file.name)).send(Buffer.from(got.content));
    },
  });
}
