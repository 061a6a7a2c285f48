/**
 * A report as a PDF: A4 portrait, DejaVu Sans (Vietnamese diacritics; Debian's fonts-dejavu-core, installed by the
 * set-up), a summary, then four sections with their charts drawn as vectors: violations by kind (stacked by status),
 * traffic by hour (stacked by class), alerts and response times, camera uptime.
 */
import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import { ArgusError } from '../../core/errors.js';
import type { ReportData, ReportLang } from '../../contract/reports.js';
import { alertName, className, dateTime, duration, number, percent, violationName, word } from './words.js';

const FONT_DIRS = ['/usr/share/fonts/truetype/dejavu', '/usr/share/fonts/dejavu', '/usr/local/share/fonts/dejavu'];

function fonts(): { regular: string; bold: string } {
  for (const d of FONT_DIRS) {
    const regular = `${d}/DejaVuSans.ttf`;
    const bold = `${d}/DejaVuSans-Bold.ttf`;
    if (existsSync(regular) && existsSync(bold)) return { regular, bold };
  }
  throw new ArgusError('unavailable', `report PDF: the DejaVu Sans font is not installed (looked in ${FONT_DIRS.join(', ')}); install Debian's fonts-dejavu-core (scripts/setup-system.sh does)`);
}

const A4 = { w: 595.28, h: 841.89 };
const M = 48;
const INK = '#1b2631';
const MUTED = '#5d6d7e';
const RULE = '#d5dbdb';
/** Series colours (status, class), distinguishable in grey print too. */
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
const STATUS_COLOUR = { pending: '#f39c12', confirmed: '#c0392b', rejected: '#95a5a6' } as const;

type Doc = PDFKit.PDFDocument;

export async function renderReportPdf(data: ReportData, lang: ReportLang): Promise<Uint8Array> {
  const f = fonts();
  const doc = new PDFDocument({ size: 'A4', margin: M, bufferPages: true, info: { Title: word(lang, 'title'), Author: 'Argus', Subject: data.areaName, CreationDate: new Date(data.generatedAtMs) } });
  doc.registerFont('r', f.regular);
  doc.registerFont('b', f.bold);
  const chunks: Buffer[] = [];
  const done = new Promise<Uint8Array>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);
  });
  header(doc, data, lang);
  summary(doc, data, lang);
  violations(doc, data, lang);
  flow(doc, data, lang);
  alerts(doc, data, lang);
  uptime(doc, data, lang);
  const pages = doc.bufferedPageRange();
  for (let i = 0; i < pages.count; i++) {
    doc.switchToPage(pages.start + i);
    doc.font('r').fontSize(7.5).fillColor(MUTED);
    doc.text(`${word(lang, 'footer')}  ·  ${word(lang, 'page')} ${i + 1}/${pages.count}`, M, A4.h - M + 14, { width: A4.w - 2 * M, align: 'center', lineBreak: false });
  }
  doc.end();
  return done;
}

/** Room for `h` more points on this page, else a new page. */
function room(doc: Doc, h: number): void {
  if (doc.y + h > A4.h - M - 10) doc.addPage();
}

function heading(doc: Doc, text: string): void {
  room(doc, 60);
  doc.moveDown(0.8);
  doc.font('b').fontSize(12).fillColor(INK).text(text, M, doc.y);
  const y = doc.y + 2;
  doc.moveTo(M, y).lineTo(A4.w - M, y).lineWidth(0.6).strokeColor(RULE).stroke();
  doc.y = y + 6;
}

function none(doc: Doc, lang: ReportLang): void {
  doc.font('r').fontSize(9).fillColor(MUTED).text(word(lang, 'none'), M, doc.y);
}

function header(doc: Doc, d: ReportData, lang: ReportLang): void {
  doc.font('b').fontSize(15).fillColor(INK).text(word(lang, 'title'), M, M, { width: A4.w - 2 * M, align: 'center' });
  doc.moveDown(0.5);
  const line = (k: Parameters<typeof word>[1], v: string): void => {
    doc.font('b').fontSize(9.5).fillColor(INK).text(`${word(lang, k)}: `, { continued: true }).font('r').text(v);
  };
  line('area', d.areaName);
  line('period', `${dateTime(d.fromMs, d.timeZone, lang)} – ${dateTime(d.toMs, d.timeZone, lang)} (${d.timeZone})`);
  line('cameras', number(d.cameras.length, lang));
  line('generated', dateTime(d.generatedAtMs, d.timeZone, lang));
}

function summary(doc: Doc, d: ReportData, lang: ReportLang): void {
  heading(doc, word(lang, 'summary'));
  const avgUptime = d.uptime.byCamera.length ? d.uptime.byCamera.reduce((a, c) => a + c.uptime, 0) / d.uptime.byCamera.length : null;
  const tiles: Array<[string, string]> = [
    [word(lang, 'violations'), number(d.violations.total, lang)],
    [word(lang, 'vehicles'), number(d.flow.total, lang)],
    [word(lang, 'alertsHandled'), `${number(d.alerts.acknowledged, lang)} / ${number(d.alerts.total, lang)}`],
    [word(lang, 'uptimeAvg'), avgUptime === null ? '—' : percent(avgUptime, lang)],
  ];
  const w = (A4.w - 2 * M - 3 * 10) / 4;
  const y = doc.y + 4;
  tiles.forEach(([label, value], i) => {
    const x = M + i * (w + 10);
    doc.roundedRect(x, y, w, 54, 4).fillColor('#f4f6f7').fill();
    doc.font('b').fontSize(17).fillColor(INK).text(value, x, y + 9, { width: w, align: 'center' });
    doc.font('r').fontSize(8).fillColor(MUTED).text(label, x + 4, y + 34, { width: w - 8, align: 'center' });
  });
  doc.y = y + 62;
}

interface Column {
  readonly title: string;
  readonly width: number;
  readonly align?: 'left' | 'right';
}

function table(doc: Doc, cols: readonly Column[], rows: ReadonlyArray<readonly string[]>): void {
  const rowH = 15;
  const drawHead = (): void => {
    let x = M;
    doc.rect(M, doc.y, cols.reduce((a, c) => a + c.width, 0), rowH).fillColor('#eaeded').fill();
    const y = doc.y;
    for (const c of cols) {
      doc.font('b').fontSize(8).fillColor(INK).text(c.title, x + 3, y + 4, { width: c.width - 6, align: c.align ?? 'left', lineBreak: false });
      x += c.width;
    }
    doc.y = y + rowH;
  };
  room(doc, rowH * 2);
  drawHead();
  rows.forEach((r, i) => {
    if (doc.y + rowH > A4.h - M - 10) {
      doc.addPage();
      drawHead();
    }
    const y = doc.y;
    if (i % 2 === 1) doc.rect(M, y, cols.reduce((a, c) => a + c.width, 0), rowH).fillColor('#fbfcfc').fill();
    let x = M;
    cols.forEach((c, j) => {
      doc.font('r').fontSize(8).fillColor(INK).text(r[j] ?? '', x + 3, y + 4, { width: c.width - 6, align: c.align ?? 'left', lineBreak: false, ellipsis: true });
      x += c.width;
    });
    doc.y = y + rowH;
  });
  doc.moveDown(0.4);
}

/** Horizontal bars, each split into coloured parts. */
function stackedBars(doc: Doc, bars: ReadonlyArray<{ label: string; parts: readonly number[] }>, colours: readonly string[], legend: readonly string[]): void {
  const max = Math.max(1, ...bars.map((b) => b.parts.reduce((a, n) => a + n, 0)));
  const labelW = 150;
  const barW = A4.w - 2 * M - labelW - 40;
  const h = 12;
  room(doc, bars.length * (h + 5) + 30);
  let y = doc.y + 4;
  for (const b of bars) {
    doc.font('r').fontSize(8).fillColor(INK).text(b.label, M, y + 2, { width: labelW - 6, align: 'right', lineBreak: false, ellipsis: true });
    let x = M + labelW;
    b.parts.forEach((n, i) => {
      const w = (n / max) * barW;
      if (w > 0) doc.rect(x, y, w, h).fillColor(colours[i % colours.length]!).fill();
      x += w;
    });
    doc.font('r').fontSize(8).fillColor(MUTED).text(String(b.parts.reduce((a, n) => a + n, 0)), x + 4, y + 2, { lineBreak: false });
    y += h + 5;
  }
  doc.y = y + 2;
  legendRow(doc, legend, colours);
}

function legendRow(doc: Doc, names: readonly string[], colours: readonly string[]): void {
  let x = M;
  const y = doc.y;
  names.forEach((n, i) => {
    doc.rect(x, y + 1, 8, 8).fillColor(colours[i % colours.length]!).fill();
    doc.font('r').fontSize(8).fillColor(INK).text(n, x + 11, y, { lineBreak: false });
    x += 11 + doc.widthOfString(n) + 14;
  });
  doc.y = y + 16;
}

/** 24 vertical bars (local hours), each stacked by series. */
function hourChart(doc: Doc, series: ReadonlyArray<{ name: string; byHour: readonly number[] }>, lang: ReportLang): void {
  const H = 130;
  room(doc, H + 50);
  const top = doc.y + 6;
  const left = M + 30;
  const width = A4.w - M - left;
  const totals = Array.from({ length: 24 }, (_, h) => series.reduce((a, s) => a + (s.byHour[h] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const step = width / 24;
  doc.lineWidth(0.4).strokeColor(RULE);
  for (const frac of [0, 0.5, 1]) {
    const y = top + H - frac * H;
    doc.moveTo(left, y).lineTo(left + width, y).stroke();
    doc.font('r').fontSize(7).fillColor(MUTED).text(number(Math.round(frac * max), lang), M - 4, y - 3, { width: 32, align: 'right', lineBreak: false });
  }
  for (let h = 0; h < 24; h++) {
    let y = top + H;
    series.forEach((s, i) => {
      const bh = ((s.byHour[h] ?? 0) / max) * H;
      if (bh > 0) doc.rect(left + h * step + 2, y - bh, step - 4, bh).fillColor(PALETTE[i % PALETTE.length]!).fill();
      y -= bh;
    });
    doc.font('r').fontSize(6.5).fillColor(MUTED).text(String(h), left + h * step, top + H + 3, { width: step, align: 'center', lineBreak: false });
  }
  doc.font('r').fontSize(7).fillColor(MUTED).text(word(lang, 'hour'), left + width - 30, top + H + 12, { width: 30, align: 'right', lineBreak: false });
  doc.y = top + H + 24;
  legendRow(doc, series.map((s) => s.name), PALETTE);
}

function violations(doc: Doc, d: ReportData, lang: ReportLang): void {
  heading(doc, word(lang, 's1'));
  const v = d.violations;
  if (v.total === 0) return none(doc, lang);
  const statuses = ['pending', 'confirmed', 'rejected'] as const;
  const rows = v.byKind.map((k) => {
    const per = statuses.map((s) => v.byKindStatus.find((x) => x.kind === k.kind && x.status === s)?.n ?? 0);
    return { kind: k.kind, per, total: k.n };
  });
  stackedBars(doc, rows.map((r) => ({ label: violationName(r.kind, lang), parts: r.per })), statuses.map((s) => STATUS_COLOUR[s]), statuses.map((s) => word(lang, s)));
  const w = A4.w - 2 * M;
  table(doc, [
    { title: word(lang, 'kind'), width: w * 0.4 }, ...statuses.map((s) => ({ title: word(lang, s), width: w * 0.15, align: 'right' as const })),
    { title: word(lang, 'total'), width: w * 0.15, align: 'right' },
  ], [...rows.map((r) => [violationName(r.kind, lang), ...r.per.map((n) => number(n, lang)), number(r.total, lang)]),
    [word(lang, 'total'), ...statuses.map((s) => number(v.byStatus.find((x) => x.status === s)?.n ?? 0, lang)), number(v.total, lang)]]);
}

function flow(doc: Doc, d: ReportData, lang: ReportLang): void {
  heading(doc, word(lang, 's2'));
  const f = d.flow;
  if (f.total === 0) return none(doc, lang);
  hourChart(doc, f.byClassHour.map((c) => ({ name: className(c.cls, lang), byHour: c.byHour })), lang);
  const w = A4.w - 2 * M;
  table(doc, [{ title: word(lang, 'cls'), width: w * 0.6 }, { title: word(lang, 'total'), width: w * 0.4, align: 'right' }],
    [...f.byClass.map((c) => [className(c.cls, lang), number(c.n, lang)]), [word(lang, 'total'), number(f.total, lang)]]);
}

function alerts(doc: Doc, d: ReportData, lang: ReportLang): void {
  heading(doc, word(lang, 's3'));
  const a = d.alerts;
  if (a.total === 0) return none(doc, lang);
  const w = A4.w - 2 * M;
  table(doc, [{ title: word(lang, 'kind'), width: w * 0.5 }, { title: word(lang, 'raised'), width: w * 0.25, align: 'right' }, { title: word(lang, 'acknowledged'), width: w * 0.25, align: 'right' }],
    [...a.byKind.map((k) => [alertName(k.kind, lang), number(k.n, lang), number(k.acknowledged, lang)]), [word(lang, 'total'), number(a.total, lang), number(a.acknowledged, lang)]]);
  if (a.responseMs) {
    const r = a.responseMs;
    doc.font('b').fontSize(9).fillColor(INK).text(`${word(lang, 'responseTime')}: `, M, doc.y, { continued: true })
      .font('r').text(`${word(lang, 'median')} ${duration(r.p50, lang)} · ${word(lang, 'p90')} ${duration(r.p90, lang)} · ${word(lang, 'longest')} ${duration(r.max, lang)}`);
  }
}

function uptime(doc: Doc, d: ReportData, lang: ReportLang): void {
  heading(doc, word(lang, 's4'));
  if (d.uptime.byCamera.length === 0) return none(doc, lang);
  const name = new Map(d.cameras.map((c) => [c.id, c]));
  const w = A4.w - 2 * M;
  table(doc, [
    { title: word(lang, 'camera'), width: w * 0.3 }, { title: word(lang, 'site'), width: w * 0.25 }, { title: word(lang, 'uptime'), width: w * 0.13, align: 'right' },
    { title: word(lang, 'outages'), width: w * 0.14, align: 'right' }, { title: word(lang, 'downtime'), width: w * 0.18, align: 'right' },
  ], [...d.uptime.byCamera].sort((a, b) => a.uptime - b.uptime).map((c) => [
    name.get(c.cameraId)?.name ?? c.cameraId, name.get(c.cameraId)?.siteName ?? '', percent(c.uptime, lang), number(c.outages, lang), duration(c.downMs, lang),
  ]));
}
