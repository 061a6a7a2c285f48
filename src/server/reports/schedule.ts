/**
 * Scheduled reports: every day (at local midnight) or week (Monday 00:00 local), the report of the period just ended,
 * made with the scope of the officer who scheduled it (read again at each run: an owner disabled, deleted or demoted
 * gets no more reports), kept in the store for download. Of several service replicas exactly one makes each run (the
 * store's claim). Files older than `keepDays` are pruned. Each file made is audited as `report.generate`.
 */
import { createHash } from 'node:crypto';
import type { ReportFormat, ReportLang, ReportPeriod } from '../../contract/reports.js';
import { errorMessage } from '../../core/errors.js';
import { ulid } from '../../core/ids.js';
import { localBucketStart } from '../../store/local-time.js';
import type { ReportFileRecord, ReportScheduleRecord, Store } from '../../store/store.js';
import { permissionsOfRoles } from '../rbac.js';
import { buildReport } from './data.js';
import { renderReportPdf } from './pdf.js';
import { renderReportXlsx } from './xlsx.js';

const DAY_MS = 86_400_000;

/** The end of the first period that ends after `nowMs`: the next local midnight, or the next local Monday 00:00. */
export function nextPeriodEnd(period: ReportPeriod, nowMs: number, timeZone: string): number {
  let end = localBucketStart(nowMs + DAY_MS, timeZone, 'day');
  if (period === 'weekly') {
    const weekday = (ms: number): string => new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short' }).format(ms);
    for (let i = 0; i < 7 && weekday(end + 3_600_000) !== 'Mon'; i++) end = localBucketStart(end + DAY_MS + 3_600_000, timeZone, 'day');
  }
  return end;
}

/** The start of the period that ends at `endMs`. */
export function periodStart(period: ReportPeriod, endMs: number, timeZone: string): number {
  return localBucketStart(endMs - (period === 'daily' ? 1 : 7) * DAY_MS + 3_600_000, timeZone, 'day');
}

export async function renderReport(format: ReportFormat, data: Parameters<typeof renderReportPdf>[0], lang: ReportLang): Promise<Uint8Array> {
  return format === 'pdf' ? renderReportPdf(data, lang) : renderReportXlsx(data, lang);
}

export interface ReportSchedulerOptions {
  readonly store: Store;
  readonly timeZone: () => Promise<string>;
  readonly log: { info(o: object, m: string): void; warn(o: object, m: string): void };
  /** Look for due schedules this often (default 60 s). */
  readonly everyMs?: number;
  /** Keep made reports this many days (default 90). */
  readonly keepDays?: number;
  readonly now?: () => number;
}

export class ReportScheduler {
  private timer: ReturnType<typeof setInterval> | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly o: ReportSchedulerOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.o.everyMs ?? 60_000);
    this.timer.unref?.();
    void this.tick();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Makes every due report (one pass; passes never overlap). */
  tick(): Promise<void> {
    this.running = this.running.then(() => this.pass()).catch((e: unknown) => this.o.log.warn({ err: errorMessage(e) }, 'report schedules: pass failed; trying again later'));
    return this.running;
  }

  private async pass(): Promise<void> {
    const { store } = this.o;
    const now = (this.o.now ?? Date.now)();
    const tz = await this.o.timeZone();
    for (const s of await store.listReportSchedules()) {
      if (s.nextRunAtMs > now) continue;
      // A service that was down for several periods makes the last one, not a backlog of them.
      const next = nextPeriodEnd(s.period, now, tz);
      if (!(await store.claimReportRun(s.id, s.nextRunAtMs, next, now))) continue; // another replica took it
      await this.run(s, tz, now).catch((e: unknown) => this.o.log.warn({ schedule: s.id, err: errorMessage(e) }, 'scheduled report not made'));
    }
    const keep = this.o.keepDays ?? 90;
    const pruned = await store.pruneReportFiles(now - keep * DAY_MS);
    if (pruned > 0) this.o.log.info({ pruned, keepDays: keep }, 'old reports pruned');
  }

  private async run(s: ReportScheduleRecord, tz: string, now: number): Promise<void> {
    const { store } = this.o;
    const owner = await store.getUser(s.createdBy);
    if (!owner || owner.disabled || !permissionsOfRoles(owner.roles).has('reports.read')) {
      this.o.log.warn({ schedule: s.id, owner: s.createdBy }, 'scheduled report skipped: its owner is gone, disabled or may no longer read reports');
      return;
    }
    // The period that ended last (a schedule due a while ago reports the latest whole period).
    const toMs = nextPeriodEnd(s.period, now - (s.period === 'daily' ? 1 : 7) * DAY_MS, tz);
    const fromMs = periodStart(s.period, toMs, tz);
    const data = await buildReport(store, { scope: owner.scope, centre: await store.getCentreOfUser(owner.id) }, { fromMs, toMs, area: { ...s.area, cameraIds: s.area.cameraIds ? [...s.area.cameraIds] : null }, timeZone: tz }, s.lang, now);
    for (const format of s.formats) {
      const bytes = await renderReport(format, data, s.lang);
      const file: ReportFileRecord = {
        id: ulid(now), scheduleId: s.id, name: `${s.name} ${new Date(fromMs).toISOString().slice(0, 10)}.${format}`, format, fromMs, toMs,
        bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex'), createdAtMs: now, createdBy: s.createdBy,
      };
      await store.insertReportFile(file, bytes);
      await store.appendAudit({ atMs: now, actor: 'system:reports', action: 'report.generate', target: file.id, details: { schedule: s.id, owner: s.createdBy, format, fromMs, toMs, bytes: file.bytes } });
    }
    this.o.log.info({ schedule: s.id, fromMs, toMs, formats: s.formats }, 'scheduled report made');
  }
}
