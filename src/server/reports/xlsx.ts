/**
 * A report as an Excel workbook (.xlsx): one sheet per section with real numbers (not text), so a leader's staff can
 * chart and sum them further: summary, violations (kind × status), traffic (class × local hour), alerts, uptime.
 */
import ExcelJS from 'exceljs';
import type { ReportData, ReportLang } from '../../contract/reports.js';
import { alertName, className, dateTime, violationName, word } from './words.js';

const bold = { bold: true } as const;

export async function renderReportXlsx(data: ReportData, lang: ReportLang): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Argus';
  wb.created = new Date(data.generatedAtMs);
  const head = (ws: ExcelJS.Worksheet, titles: readonly string[]): void => {
    ws.addRow([...titles]).font = bold;
    ws.views = [{ state: 'frozen', ySplit: 1 }];
  };

  const s = wb.addWorksheet(word(lang, 'sheetSummary'));
  s.columns = [{ width: 34 }, { width: 40 }];
  s.addRow([word(lang, 'title')]).font = { bold: true, size: 13 };
  s.addRow([word(lang, 'area'), data.areaName]);
  s.addRow([word(lang, 'period'), `${dateTime(data.fromMs, data.timeZone, lang)} – ${dateTime(data.toMs, data.timeZone, lang)} (${data.timeZone})`]);
  s.addRow([word(lang, 'generated'), dateTime(data.generatedAtMs, data.timeZone, lang)]);
  s.addRow([word(lang, 'cameras'), data.cameras.length]);
  s.addRow([word(lang, 'violations'), data.violations.total]);
  s.addRow([word(lang, 'vehicles'), data.flow.total]);
  s.addRow([word(lang, 'raised'), data.alerts.total]);
  s.addRow([word(lang, 'alertsHandled'), data.alerts.acknowledged]);

  const v = wb.addWorksheet(word(lang, 'sheetViolations'));
  const statuses = ['pending', 'confirmed', 'rejected'] as const;
  v.columns = [{ width: 32 }, ...statuses.map(() => ({ width: 14 })), { width: 12 }];
  head(v, [word(lang, 'kind'), ...statuses.map((st) => word(lang, st)), word(lang, 'total')]);
  for (const k of data.violations.byKind) {
    v.addRow([violationName(k.kind, lang), ...statuses.map((st) => data.violations.byKindStatus.find((x) => x.kind === k.kind && x.status === st)?.n ?? 0), k.n]);
  }
  v.addRow([word(lang, 'total'), ...statuses.map((st) => data.violations.byStatus.find((x) => x.status === st)?.n ?? 0), data.violations.total]).font = bold;

  const f = wb.addWorksheet(word(lang, 'sheetFlow'));
  f.columns = [{ width: 20 }, ...Array.from({ length: 24 }, () => ({ width: 7 })), { width: 10 }];
  head(f, [word(lang, 'cls'), ...Array.from({ length: 24 }, (_, h) => `${h}h`), word(lang, 'total')]);
  for (const c of data.flow.byClassHour) f.addRow([className(c.cls, lang), ...c.byHour, c.byHour.reduce((a, n) => a + n, 0)]);
  f.addRow([word(lang, 'total'), ...data.flow.byHour, data.flow.total]).font = bold;

  const a = wb.addWorksheet(word(lang, 'sheetAlerts'));
  a.columns = [{ width: 30 }, { width: 14 }, { width: 14 }];
  head(a, [word(lang, 'kind'), word(lang, 'raised'), word(lang, 'acknowledged')]);
  for (const k of data.alerts.byKind) a.addRow([alertName(k.kind, lang), k.n, k.acknowledged]);
  a.addRow([word(lang, 'total'), data.alerts.total, data.alerts.acknowledged]).font = bold;
  if (data.alerts.responseMs) {
    a.addRow([]);
    a.addRow([`${word(lang, 'responseTime')} (s)`, word(lang, 'median'), data.alerts.responseMs.p50 / 1000]);
    a.addRow(['', word(lang, 'p90'), data.alerts.responseMs.p90 / 1000]);
    a.addRow(['', word(lang, 'longest'), data.alerts.responseMs.max / 1000]);
  }

  const u = wb.addWorksheet(word(lang, 'sheetUptime'));
  u.columns = [{ width: 30 }, { width: 26 }, { width: 12, style: { numFmt: '0.0%' } }, { width: 14 }, { width: 16 }];
  head(u, [word(lang, 'camera'), word(lang, 'site'), word(lang, 'uptime'), word(lang, 'outages'), `${word(lang, 'downtime')} (min)`]);
  const cam = new Map(data.cameras.map((c) => [c.id, c]));
  for (const c of data.uptime.byCamera) u.addRow([cam.get(c.cameraId)?.name ?? c.cameraId, cam.get(c.cameraId)?.siteName ?? '', c.uptime, c.outages, Math.round(c.downMs / 6000) / 10]);

  return new Uint8Array(await wb.xlsx.writeBuffer());
}
