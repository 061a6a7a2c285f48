/**
 * Leaders' reports against a real server, on SQLite and PostgreSQL: the figures of a period and a district, narrowed
 * to the caller's scope; the PDF read back with poppler (text and a PNG of its first page) and the workbook read back
 * with exceljs; a daily schedule run by the scheduler with the real store; every look audited.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextPeriodEnd, ReportScheduler } from '../src/server/reports/schedule.js';
import { startTestServer, TEST_PASSWORD, TestClient, type TestServer } from '../src/server/testing/harness.js';
import type { ReportData } from '../src/contract/reports.js';
import { createUser } from '../src/server/users.js';
import { testDialects } from '../src/store/postgres/testing-db.js';
import { REPO_ROOT } from './assets.js';

const run = promisify(execFile);
const dialects = await testDialects('server-reports');

const T0 = Date.UTC(2026, 10, 20, 1, 0, 0); // 08:00 in Hà Nội time
const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const hours = (entries: Record<number, number>): number[] => Array.from({ length: 24 }, (_, h) => entries[h] ?? 0);

async function seed(t: TestServer): Promise<void> {
  const s = t.store;
  await s.upsertSite({ id: 'hn', name: 'Hà Nội', timeZone: 'Asia/Ho_Chi_Minh', district: null, ward: null, location: null });
  const cam = (id: string, name: string, district: string) => ({
    id, siteId: 'hn', name, kind: 'intersection', url: `rtsp://10.0.0.1/${id}`, enabled: false,
    location: { lat: 21.03, lng: 105.85 }, zones: { area: { district } }, rules: [], updatedAtMs: T0,
  });
  await s.upsertCamera(cam('cam-a', 'Ngã tư Tràng Tiền', 'Hoàn Kiếm'));
  await s.upsertCamera(cam('cam-b', 'Cầu Giấy 1', 'Cầu Giấy'));
  const v = (id: string, cameraId: string, atMs: number, kind: string) => ({ id, cameraId, atMs, kind, plateKey: '29A12345', plateDisplay: '29A-123.45', details: {} });
  await s.insertViolation(v('v1', 'cam-a', T0, 'red_light'));
  await s.insertViolation(v('v2', 'cam-a', T0 + 10 * MIN, 'red_light'));
  await s.insertViolation(v('v3', 'cam-a', T0 + 2 * HOUR, 'wrong_way'));
  await s.insertViolation(v('v4', 'cam-b', T0 + HOUR, 'speeding'));
  await s.reviewViolation('v2', { status: 'confirmed', reviewer: 'u', reason: 'rõ', atMs: T0 + HOUR });
  const c = { cameraId: 'cam-a', lineId: 'l1', cls: 'motorcycle', direction: 'pos', minuteMs: T0, n: 40 };
  await s.addCounts([c, { ...c, cls: 'car', n: 9 }, { ...c, minuteMs: T0 + 9 * HOUR, n: 15 }, { ...c, cameraId: 'cam-b', n: 1000 }]);
  const a = (id: string, cameraId: string, atMs: number, kind: string) => ({ id, cameraId, atMs, kind, severity: 'warning' as const, message: kind, payload: {} });
  await s.insertAlert(a('al1', 'cam-a', T0 + HOUR, 'congestion'));
  await s.insertAlert(a('al2', 'cam-a', T0 + 3 * HOUR, 'congestion'));
  await s.acknowledgeAlert('al1', 'op', T0 + HOUR + 4 * MIN);
  await s.insertAlert(a('sl1', 'cam-a', T0 + 4 * HOUR, 'signal_loss'));
  await s.insertAlert(a('sr1', 'cam-a', T0 + 6 * HOUR, 'signal_restored'));
  await createUser(s, { username: 'sup-caugiay', password: TEST_PASSWORD, roles: ['supervisor'], scope: { districts: ['Cầu Giấy'] } });
}

/** GET as bytes (a PDF, a workbook). */
async function bytes(c: TestClient, base: string, path: string): Promise<{ status: number; type: string; body: Buffer }> {
  const res = await fetch(base + path, { headers: { cookie: c.cookie } });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: Buffer.from(await res.arrayBuffer()) };
}

describe.each(dialects)('reports over %s', (dialect) => {
  let t: TestServer;
  let dir: string;
  const period = `from=${T0 - HOUR}&to=${T0 + 12 * HOUR}`;

  beforeAll(async () => {
    t = await startTestServer(dialect);
    await seed(t);
    dir = await mkdtemp(join(tmpdir(), 'argus-reports-'));
  }, 60_000);
  afterAll(async () => {
    await t?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it("gives a district's figures: violations by kind and status, traffic by class and hour, alerts handled, uptime — and only that district's", async () => {
    const admin = await TestClient.login(t.url, 'admin');
    const r = await admin.get(`/api/reports/data?${period}&district=${encodeURIComponent('Hoàn Kiếm')}`);
    expect(r.status).toBe(200);
    const d = r.body as ReportData;
    expect(d.areaName).toBe('Hoàn Kiếm');
    expect(d.cameras).toEqual([{ id: 'cam-a', name: 'Ngã tư Tràng Tiền', siteName: 'Hà Nội', district: 'Hoàn Kiếm' }]);
    expect(d.violations.total).toBe(3);
    expect(d.violations.byKindStatus).toEqual([
      { kind: 'red_light', status: 'confirmed', n: 1 }, { kind: 'red_light', status: 'pending', n: 1 }, { kind: 'wrong_way', status: 'pending', n: 1 },
    ]);
    expect(d.flow.total).toBe(64);
    expect(d.flow.byClassHour).toEqual([{ cls: 'motorcycle', byHour: hours({ 8: 40, 17: 15 }) }, { cls: 'car', byHour: hours({ 8: 9 }) }]);
    expect(d.alerts).toEqual({
      total: 4, acknowledged: 1, responseMs: { p50: 4 * MIN, p90: 4 * MIN, max: 4 * MIN, mean: 4 * MIN },
      byKind: [{ kind: 'congestion', n: 2, acknowledged: 1 }, { kind: 'signal_loss', n: 1, acknowledged: 0 }, { kind: 'signal_restored', n: 1, acknowledged: 0 }],
    });
    // 2 h without picture in a 13 h period.
    expect(d.uptime.byCamera).toEqual([{ cameraId: 'cam-a', uptime: Math.round((1 - 2 / 13) * 10_000) / 10_000, downMs: 2 * HOUR, outages: 1 }]);
    // No plate text in a report.
    expect(JSON.stringify(d)).not.toContain('29A');
  });

  it("narrows to the caller's scope: a Cầu Giấy supervisor asking for Hoàn Kiếm gets nothing, and the whole report is Cầu Giấy", async () => {
    const sup = await TestClient.login(t.url, 'sup-caugiay');
    const other = await sup.get(`/api/reports/data?${period}&district=${encodeURIComponent('Hoàn Kiếm')}`);
    expect(other.status).toBe(200);
    const o = other.body as ReportData;
    expect([o.cameras, o.violations.total, o.flow.total]).toEqual([[], 0, 0]);
    const all = (await sup.get(`/api/reports/data?${period}`)).body as ReportData;
    expect(all.cameras.map((c) => c.id)).toEqual(['cam-b']);
    expect([all.violations.total, all.flow.total]).toEqual([1, 1000]);
    const viewer = await TestClient.login(t.url, 'viewer');
    expect((await viewer.get(`/api/reports/data?${period}`)).status).toBe(403);
    expect((await sup.get(`/api/reports/data?from=${T0}&to=${T0 - 1}`)).status).toBe(400);
  });

  it('exports a Vietnamese A4 PDF with its charts and an Excel workbook with the same numbers, each export audited', async () => {
    const admin = await TestClient.login(t.url, 'admin');
    const pdf = await bytes(admin, t.url, `/api/reports/export?${period}&district=${encodeURIComponent('Hoàn Kiếm')}&format=pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.type).toBe('application/pdf');
    expect(pdf.body.subarray(0, 5).toString()).toBe('%PDF-');
    await writeFile(join(dir, 'r.pdf'), pdf.body);
    const { stdout: text } = await run('pdftotext', ['-layout', join(dir, 'r.pdf'), '-']);
    for (const s of ['BÁO CÁO TỔNG HỢP', 'Hoàn Kiếm', 'Vượt đèn đỏ', 'Đi ngược chiều', 'Xe máy', 'Ùn tắc', 'Ngã tư Tràng Tiền', '84,6 %']) expect(text).toContain(s);
    const { stdout: info } = await run('pdfinfo', [join(dir, 'r.pdf')]);
    expect(info).toMatch(/Page size:\s+595\.2\d? x 841\.8\d? pts \(A4\)/);
    if (dialect === 'sqlite') {
      const screens = join(REPO_ROOT, 'test-artifacts', 'screens');
      await mkdir(screens, { recursive: true });
      await run('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', join(dir, 'r.pdf'), join(screens, 'report-pdf')]);
    }
    const xlsx = await bytes(admin, t.url, `/api/reports/export?${period}&district=${encodeURIComponent('Hoàn Kiếm')}&format=xlsx&lang=en`);
    expect(xlsx.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Summary', 'Violations', 'Traffic', 'Alerts', 'Uptime']);
    const v = wb.getWorksheet('Violations')!;
    expect(v.getRow(2).values).toEqual([undefined, 'Red light', 1, 1, 0, 2]);
    expect(v.getRow(4).values).toEqual([undefined, 'Total', 2, 1, 0, 3]);
    const f = wb.getWorksheet('Traffic')!;
    expect(f.getRow(2).getCell(1).value).toBe('Motorbike');
    expect(f.getRow(2).getCell(10).value).toBe(40); // 08:00 local is column 2 + 8
    expect(f.getRow(2).getCell(26).value).toBe(55);
    const audit = await t.store.listAudit({ limit: 100 });
    const actions = audit.items.map((a) => a.action);
    expect(actions.filter((a) => a === 'report.export')).toHaveLength(2);
    expect(actions).toContain('report.view');
  });

  it('runs a daily schedule once across two schedulers (two replicas), keeps the file for download, and skips a disabled owner', async () => {
    const sup = await TestClient.login(t.url, 'sup-caugiay');
    const made = await sup.post('/api/reports/schedules', { name: 'Ngày Cầu Giấy', period: 'daily', formats: ['pdf', 'xlsx'] });
    expect(made.status).toBe(200);
    const sched = made.body as { id: string; nextRunAtMs: number };
    expect(sched.nextRunAtMs).toBe(nextPeriodEnd('daily', Date.now(), 'Asia/Ho_Chi_Minh'));
    expect((await sup.post('/api/reports/schedules', { name: 'x', period: 'monthly', formats: ['pdf'] })).status).toBe(400);
    const log = { info: () => undefined, warn: () => undefined };
    const at = sched.nextRunAtMs + 5 * MIN;
    const a = new ReportScheduler({ store: t.store, timeZone: async () => 'Asia/Ho_Chi_Minh', log, now: () => at });
    const b = new ReportScheduler({ store: t.store, timeZone: async () => 'Asia/Ho_Chi_Minh', log, now: () => at });
    await Promise.all([a.tick(), b.tick()]);
    const files = (await sup.get('/api/reports/files')).body as { items: Array<{ id: string; format: string; scheduleId: string; sha256: string; fromMs: number; toMs: number }> };
    const mine = files.items.filter((f) => f.scheduleId === sched.id);
    expect(mine.map((f) => f.format).sort()).toEqual(['pdf', 'xlsx']);
    expect(mine[0]!.toMs - mine[0]!.fromMs).toBe(DAY);
    const pdf = mine.find((f) => f.format === 'pdf')!;
    const got = await bytes(sup, t.url, `/api/reports/files/${pdf.id}`);
    expect(got.status).toBe(200);
    expect(createHash('sha256').update(got.body).digest('hex')).toBe(pdf.sha256);
    // An admin sees it too; a reviewer may not read reports; another scoped user does not see it.
    const admin = await TestClient.login(t.url, 'admin');
    expect(((await admin.get('/api/reports/files')).body as { items: Array<{ id: string }> }).items.map((f) => f.id)).toContain(pdf.id);
    expect((await (await TestClient.login(t.url, 'reviewer')).get(`/api/reports/files/${pdf.id}`)).status).toBe(403);
    const audit = (await t.store.listAudit({ limit: 200 })).items;
    expect(audit.filter((x) => x.action === 'report.generate' && (x.details as { schedule?: string }).schedule === sched.id)).toHaveLength(2);
    expect(audit.some((x) => x.action === 'report.download' && x.target === pdf.id)).toBe(true);
    expect(audit.some((x) => x.action === 'report.schedule' && x.target === sched.id)).toBe(true);
    // The owner is disabled: the next run makes nothing.
    const owner = (await t.store.getUserByUsername('sup-caugiay'))!;
    await t.store.updateUser(owner.id, { disabled: true });
    const later = at + DAY;
    await new ReportScheduler({ store: t.store, timeZone: async () => 'Asia/Ho_Chi_Minh', log, now: () => later }).tick();
    expect((await t.store.listReportFiles(100)).filter((f) => f.scheduleId === sched.id)).toHaveLength(2);
  });
});
