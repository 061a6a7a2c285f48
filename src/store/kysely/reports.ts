/** Report schedules and the report files kept for download (contract/reports.ts), the same SQL on both dialects. */
import type { ReportFileRecord, ReportScheduleRecord } from '../store.js';
import { affected, fromJson, num, numOrNull, toJson, type StoreContext } from './context.js';
import type { ReportFileTable, ReportScheduleTable } from './schema.js';

const scheduleOf = (r: ReportScheduleTable): ReportScheduleRecord => ({
  id: r.id, name: r.name, period: r.period as ReportScheduleRecord['period'], area: fromJson<ReportScheduleRecord['area']>(r.area),
  formats: fromJson<ReportScheduleRecord['formats']>(r.formats), lang: r.lang as ReportScheduleRecord['lang'], createdBy: r.created_by,
  createdAtMs: num(r.created_at_ms), nextRunAtMs: num(r.next_run_at_ms), lastRunAtMs: numOrNull(r.last_run_at_ms),
});

const fileOf = (r: Omit<ReportFileTable, 'content'>): ReportFileRecord => ({
  id: r.id, scheduleId: r.schedule_id, name: r.name, format: r.format as ReportFileRecord['format'], fromMs: num(r.from_ms), toMs: num(r.to_ms),
  bytes: num(r.bytes), sha256: r.sha256, createdAtMs: num(r.created_at_ms), createdBy: r.created_by,
});

const FILE_COLUMNS = ['id', 'schedule_id', 'name', 'format', 'from_ms', 'to_ms', 'bytes', 'sha256', 'created_at_ms', 'created_by'] as const;

export async function createReportSchedule(ctx: StoreContext, s: ReportScheduleRecord): Promise<void> {
  await ctx.db.insertInto('report_schedules').values({
    id: s.id, name: s.name, period: s.period, area: toJson(s.area), formats: toJson([...s.formats]), lang: s.lang, created_by: s.createdBy,
    created_at_ms: s.createdAtMs, next_run_at_ms: s.nextRunAtMs, last_run_at_ms: s.lastRunAtMs,
  }).execute();
}

export async function listReportSchedules(ctx: StoreContext): Promise<ReportScheduleRecord[]> {
  return (await ctx.db.selectFrom('report_schedules').selectAll().orderBy('created_at_ms').orderBy('id').execute()).map(scheduleOf);
}

export async function deleteReportSchedule(ctx: StoreContext, id: string): Promise<boolean> {
  return affected(await ctx.db.deleteFrom('report_schedules').where('id', '=', id).executeTakeFirst()) > 0;
}

export async function claimReportRun(ctx: StoreContext, id: string, dueAtMs: number, nextRunAtMs: number, ranAtMs: number): Promise<boolean> {
  const r = await ctx.db.updateTable('report_schedules').set({ next_run_at_ms: nextRunAtMs, last_run_at_ms: ranAtMs })
    .where('id', '=', id).where('next_run_at_ms', '=', dueAtMs).executeTakeFirst();
  return affected(r) > 0;
}

export async function insertReportFile(ctx: StoreContext, f: ReportFileRecord, content: Uint8Array): Promise<void> {
  await ctx.db.insertInto('report_files').values({
    id: f.id, schedule_id: f.scheduleId, name: f.name, format: f.format, from_ms: f.fromMs, to_ms: f.toMs, bytes: f.bytes, sha256: f.sha256,
    created_at_ms: f.createdAtMs, created_by: f.createdBy, content: Buffer.from(content.buffer, content.byteOffset, content.byteLength),
  }).execute();
}

export async function listReportFiles(ctx: StoreContext, limit: number): Promise<ReportFileRecord[]> {
  return (await ctx.db.selectFrom('report_files').select(FILE_COLUMNS).orderBy('created_at_ms', 'desc').orderBy('id', 'desc').limit(limit).execute()).map(fileOf);
}

export async function getReportFile(ctx: StoreContext, id: string): Promise<{ file: ReportFileRecord; content: Uint8Array } | null> {
  const r = await ctx.db.selectFrom('report_files').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? { file: fileOf(r), content: new Uint8Array(r.content) } : null;
}

export async function pruneReportFiles(ctx: StoreContext, beforeMs: number): Promise<number> {
  return affected(await ctx.db.deleteFrom('report_files').where('created_at_ms', '<', beforeMs).executeTakeFirst());
}
