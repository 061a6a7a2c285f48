/**
 * Reports for leaders: for a period and an area (the whole installation, a district, a site, some cameras), the
 * violations by kind and status, the traffic by class and hour, the alerts handled and how fast, and each camera's
 * uptime. Downloaded as PDF (A4, Vietnamese or English, with charts) or as an Excel workbook, now or on a daily or
 * weekly schedule whose files are kept for download.
 */
import { z } from 'zod';
import { alertStats, flowStats, uptimeStats, violationStats } from './stats.js';
import { listOf } from './common.js';

export const REPORT_FORMATS = ['pdf', 'xlsx'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export const REPORT_PERIODS = ['daily', 'weekly'] as const;
export type ReportPeriod = (typeof REPORT_PERIODS)[number];
export const REPORT_LANGS = ['vi', 'en'] as const;
export type ReportLang = (typeof REPORT_LANGS)[number];

/** Which cameras a report covers: every one the caller sees, or a district, a site, or a list of cameras. */
export const reportArea = z.strictObject({
  district: z.string().min(1).max(100).nullable(),
  siteId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).nullable(),
  cameraIds: z.array(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/)).max(1000).nullable(),
});
export type ReportArea = z.infer<typeof reportArea>;

/** Everything a report shows, as the API answers it and as the PDF and the workbook are drawn from. */
export const reportData = z.strictObject({
  generatedAtMs: z.number(),
  fromMs: z.number(),
  toMs: z.number(),
  timeZone: z.string(),
  area: reportArea,
  /** The area in words ("Quận Hoàn Kiếm", "3 cameras", "All cameras"). */
  areaName: z.string(),
  cameras: z.array(z.strictObject({ id: z.string(), name: z.string(), siteName: z.string(), district: z.string().nullable() })),
  violations: violationStats.omit({ timeZone: true, step: true, from: true, to: true }),
  flow: flowStats.omit({ timeZone: true, step: true, from: true, to: true }),
  alerts: alertStats,
  uptime: uptimeStats,
});
export type ReportData = z.infer<typeof reportData>;

/** A report made on a schedule: every day or week, for the period just ended, in the formats chosen. */
export const reportSchedule = z.strictObject({
  id: z.string(),
  name: z.string(),
  period: z.enum(REPORT_PERIODS),
  area: reportArea,
  formats: z.array(z.enum(REPORT_FORMATS)),
  lang: z.enum(REPORT_LANGS),
  createdBy: z.string(),
  createdAtMs: z.number(),
  /** When the next report is made (the end of the period it covers). */
  nextRunAtMs: z.number(),
  lastRunAtMs: z.number().nullable(),
});
export type ReportSchedule = z.infer<typeof reportSchedule>;
export const reportSchedules = listOf(reportSchedule);

/** A report kept for download (made by a schedule, or saved from the page). */
export const reportFile = z.strictObject({
  id: z.string(),
  scheduleId: z.string().nullable(),
  name: z.string(),
  format: z.enum(REPORT_FORMATS),
  fromMs: z.number(),
  toMs: z.number(),
  bytes: z.number(),
  sha256: z.string(),
  createdAtMs: z.number(),
  createdBy: z.string(),
});
export type ReportFile = z.infer<typeof reportFile>;
export const reportFiles = listOf(reportFile);
