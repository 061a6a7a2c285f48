/**
 * Dashboards and the camera set-up editor in the browser (shared set-up in test/web/harness.ts; the demo cameras are
 * not analysed — the snapshot is grabbed from the camera's source on demand). The dashboard's numbers are checked
 * against rows seeded into the store; a line and a zone drawn with mouse and keyboard are saved and read back from
 * the API, and a calibration with too few points is refused with the config schema's message beside the field.
 */
import { describe, expect, it } from 'vitest';
import { skipReason, webUi } from './web/harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- playwright-core is loaded from web/node_modules at run time */
const TZ = 'Asia/Ho_Chi_Minh';
const DAY = 86_400_000;

/** Start of today in Việt Nam (UTC+7, no daylight saving). */
const startOfToday = (now: number): number => Math.floor((now + 7 * 3_600_000) / DAY) * DAY - 7 * 3_600_000;
const localHour = (ms: number): number => Number(new Intl.DateTimeFormat('en-US', { timeZone: TZ, hour: '2-digit', hourCycle: 'h23' }).format(ms));

describe.skipIf(skipReason !== '')(`dashboards and the camera editor${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const ui = webUi({ cameras: false });
  const cell = (chart: string, key: string): Promise<string> => ui.page.locator(`[data-testid=${chart}] tr[data-key="${key}"] td`).textContent();

  describe('dashboards', () => {
    const now = Date.now();
    const today = startOfToday(now);
    const t1 = today + Math.floor((now - today) / 2);

    it('shows the seeded violations, flow and congestion for today, and more for 7 days', async () => {
      const s = ui.store;
      const v = (id: string, cameraId: string, atMs: number, kind: string) => ({ id, cameraId, atMs, kind, plateKey: null, plateDisplay: null, details: {} });
      for (let i = 0; i < 3; i++) await s.insertViolation(v(`dv-red-${i}`, 'cam-nguyen-van-linh', t1, 'red_light'));
      await s.insertViolation(v('dv-ww', 'cam-cau-rong', t1, 'wrong_way'));
      await s.insertViolation(v('dv-sp-1', 'cam-bai-xe-son-tra', today - 3 * DAY + 1000, 'speeding'));
      await s.insertViolation(v('dv-sp-2', 'cam-bai-xe-son-tra', today - 3 * DAY + 2000, 'speeding'));
      await s.insertViolation(v('dv-old', 'cam-cau-rong', today - 40 * DAY, 'red_light'));
      const minuteMs = Math.floor(t1 / 60_000) * 60_000;
      await s.addCounts([
        { cameraId: 'cam-cau-rong', lineId: 'count', cls: 'motorcycle', direction: 'pos', minuteMs, n: 20 },
        { cameraId: 'cam-cau-rong', lineId: 'count', cls: 'car', direction: 'neg', minuteMs, n: 7 },
        { cameraId: 'cam-bai-xe-son-tra', lineId: 'gate', cls: 'car', direction: 'pos', minuteMs, n: 5 },
      ]);
      for (const [id, level] of [['dc-1', 2], ['dc-2', 3]] as const) {
        await s.insertAlert({ id, cameraId: 'cam-cau-rong', atMs: t1, kind: 'congestion', severity: 'warning', message: 'congestion (cg)', payload: { level } });
      }

      await ui.signIn();
      const page = ui.page;
      await page.getByRole('link', { name: 'Thống kê' }).click();
      await page.getByTestId('kpi-violations').waitFor();
      expect(await page.getByTestId('kpi-violations').textContent()).toBe('4');
      expect(await page.getByTestId('kpi-vehicles').textContent()).toBe('32');
      expect(await page.getByTestId('kpi-congestion').textContent()).toBe('2');
      expect(await cell('violations-by-kind', 'red_light')).toBe('3');
      expect(await cell('violations-by-kind', 'wrong_way')).toBe('1');
      expect(await cell('violations-by-hour', String(localHour(t1)))).toBe('4');
      await expect.poll(() => page.locator('[data-testid=violations-by-place] tr[data-key="cam-nguyen-van-linh"] th').textContent()).toBe('Nút giao Nguyễn Văn Linh – Hàm Nghi');
      expect(await cell('violations-by-place', 'cam-nguyen-van-linh')).toBe('3');
      expect(await cell('flow-by-camera', 'cam-cau-rong:pos')).toBe('20');
      expect(await cell('flow-by-camera', 'cam-cau-rong:neg')).toBe('7');
      expect(await cell('flow-by-class', 'motorcycle')).toBe('20');
      expect(await cell('congestion-by-camera', 'cam-cau-rong')).toBe('2 (mức cao nhất 3)');
      // Each chart is an SVG image named by its title, with axis labels.
      const svg = page.locator('[data-testid=violations-by-hour] svg[role=img]');
      expect(await svg.getAttribute('aria-labelledby')).toBeTruthy();
      expect(await svg.locator('text.axis-label').allTextContents()).toEqual(['Số vụ', 'Giờ trong ngày']);
      await ui.shot('13-dashboard');

      await page.getByRole('button', { name: '7 ngày' }).click();
      await expect.poll(() => page.getByTestId('kpi-violations').textContent()).toBe('6');
      expect(await cell('violations-by-kind', 'speeding')).toBe('2');
      await page.getByRole('button', { name: '30 ngày' }).click();
      await expect.poll(() => page.getByTestId('kpi-violations').textContent()).toBe('6');
    });
  });

  describe('camera set-up editor', () => {
    const readCamera = (): Promise<any> => ui.page.evaluate(async () => (await fetch('/api/cameras/cam-cau-rong')).json());

    it('draws a line and a zone on the snapshot with mouse and keyboard, saves, and reads them back', async () => {
      const page = ui.page;
      await page.goto(`${ui.url}/#/editor/cam-cau-rong`);
      await page.locator('[data-testid=editor-canvas][data-ready=true]').waitFor({ timeout: 30_000 });
      expect(await page.locator('.editor-canvas img').evaluate((img: { naturalWidth: number }) => img.naturalWidth)).toBeGreaterThan(100);
      // A demo camera comes from config/demo.yaml: the editor says its edits last until the next start.
      expect(await page.getByTestId('config-managed').textContent()).toContain('tệp cấu hình');
      expect(await page.getByTestId('line-0').locator('legend').textContent()).toBe('Đếm lưu lượng');
      const canvas = page.getByTestId('editor-canvas');
      const box = await canvas.boundingBox();
      const at = (x: number, y: number) => ({ position: { x: x * box.width, y: y * box.height } });

      await page.getByRole('button', { name: 'Vạch (đếm, dừng)' }).click();
      await canvas.click(at(0.2, 0.3));
      await canvas.click(at(0.8, 0.35));
      for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight'); // B is selected after drawing: +0.01

      await page.getByRole('button', { name: 'Vùng', exact: true }).click();
      for (const [x, y] of [[0.1, 0.6], [0.5, 0.6], [0.5, 0.9], [0.1, 0.9]] as const) await canvas.click(at(x, y));
      await page.keyboard.press('Enter');
      await page.getByTestId('zone-0').getByRole('button', { name: /^Điểm 4/ }).click();
      await page.keyboard.press('Delete');
      expect(await page.getByTestId('zone-0').getByRole('button', { name: /^Điểm/ }).count()).toBe(3);

      await page.getByRole('button', { name: 'Lưu cấu hình' }).click();
      await page.locator('[data-testid=editor-status][data-state=saved]').waitFor();
      const cam = await readCamera();
      expect(cam.lines.map((l: any) => l.id)).toEqual(['count', 'line-1']);
      const [a, b] = cam.lines[1].points as [[number, number], [number, number]];
      for (const [got, want] of [[a[0], 0.2], [a[1], 0.3], [b[0], 0.81], [b[1], 0.35]]) expect(Math.abs(got! - want!)).toBeLessThan(0.004);
      expect(cam.zones).toHaveLength(1);
      expect(cam.zones[0].id).toBe('zone-1');
      expect(cam.zones[0].polygon).toHaveLength(3);
      await page.getByTestId('line-1').waitFor();
      await ui.shot('14-editor');
    });

    it('shows the schema’s message beside the calibration when too few points are saved, and keeps the old set-up', async () => {
      const page = ui.page;
      const canvas = page.getByTestId('editor-canvas');
      const box = await canvas.boundingBox();
      for (const [x, y] of [[0.3, 0.8], [0.7, 0.8]] as const) {
        await page.getByRole('button', { name: 'Điểm hiệu chuẩn' }).click();
        await canvas.click({ position: { x: x * box.width, y: y * box.height } });
      }
      await page.getByTestId('cal-1').getByLabel('x (m)').fill('12');
      await page.getByRole('button', { name: 'Lưu cấu hình' }).click();
      await page.locator('[data-testid=editor-status][data-state=error]').waitFor();
      const problem = page.locator('#ed-cal ~ .problems, section[aria-labelledby=ed-cal] .problems');
      expect(await problem.first().textContent()).toContain('a homography needs at least 4 point pairs');
      expect((await readCamera()).calibration).toBeNull();
    });

    it('adds a rule on the drawn zone and edits its parameters', async () => {
      const page = ui.page;
      await page.getByRole('button', { name: 'Tải lại' }).click();
      await expect.poll(() => page.locator('[data-testid^=cal-]').count()).toBe(0);
      await page.getByLabel('Loại luật').selectOption('congestion');
      await page.getByRole('button', { name: 'Thêm luật' }).click();
      expect(await page.getByLabel('congestion-1 · zone').inputValue()).toBe('zone-1');
      await page.getByRole('button', { name: 'Lưu cấu hình' }).click();
      await page.locator('[data-testid=editor-status][data-state=saved]').waitFor();
      // The server filled in the defaults; they come back as fields to edit.
      const windowMs = page.getByLabel('congestion-1 · windowMs');
      expect(await windowMs.inputValue()).toBe('30000');
      await windowMs.fill('45000');
      await page.getByRole('button', { name: 'Lưu cấu hình' }).click();
      await page.locator('[data-testid=editor-status][data-state=saved]').waitFor();
      const rules = (await readCamera()).rules;
      expect(rules).toHaveLength(1);
      expect(rules[0]).toMatchObject({ id: 'congestion-1', kind: 'congestion', zone: 'zone-1', windowMs: 45_000, countLevels: [5, 10, 20] });
    });

    it('switches plate reading: an ANPR camera with rules is refused with the reason, plates of detected vehicles are saved', async () => {
      const page = ui.page;
      const plates = page.getByRole('combobox', { name: 'Đọc biển số' });
      expect(await plates.inputValue()).toBe('off');
      await plates.selectOption('anpr');
      await page.getByRole('button', { name: 'Lưu cấu hình' }).click();
      await page.locator('[data-testid=editor-status][data-state=error]').waitFor();
      expect(await page.locator('section .problems[data-path=rules]').textContent()).toContain('an ANPR camera (plates: anpr) tracks no vehicles');
      expect((await readCamera()).plates).toBe(false);
      await plates.selectOption('tracks');
      expect(await page.getByText('Biển số rộng dưới ~40 điểm ảnh').count()).toBe(1);
      await page.getByRole('button', { name: 'Lưu cấu hình' }).click();
      await page.locator('[data-testid=editor-status][data-state=saved]').waitFor();
      expect((await readCamera()).plates).toBe(true);
      expect(await page.getByRole('combobox', { name: 'Đọc biển số' }).inputValue()).toBe('tracks');
    });
  });

  describe('reports', () => {
    it("shows the last 7 days' report, schedules a daily one, and links the PDF and Excel exports", async () => {
      const page = ui.page;
      await page.goto(`${ui.url}/#/reports`);
      await page.getByRole('button', { name: 'Xem báo cáo' }).click();
      const view = page.getByTestId('report-view');
      await view.waitFor();
      // The dashboards' rows: 4 violations today and 2 three days ago (the one 40 days ago is outside).
      expect(await view.locator('.kpi strong').first().textContent()).toBe('6');
      expect(await page.locator('[data-testid=report-kinds] tr[data-key="red_light"] td').textContent()).toBe('3');
      expect(await page.getByTestId('report-pdf').getAttribute('href')).toMatch(/^\/api\/reports\/export\?from=\d+&to=\d+&lang=vi&format=pdf$/);
      const pdf = await page.evaluate(async (href: string | null) => {
        const r = await fetch(href ?? "");
        return { status: r.status, type: r.headers.get('content-type'), head: new TextDecoder().decode((await r.arrayBuffer()).slice(0, 5)) };
      }, await page.getByTestId('report-pdf').getAttribute('href'));
      expect(pdf).toEqual({ status: 200, type: 'application/pdf', head: '%PDF-' });
      await page.getByLabel('Tên').fill('Báo cáo ngày toàn tỉnh');
      await page.getByRole('button', { name: 'Thêm lịch' }).click();
      await expect.poll(() => page.getByTestId('report-schedules').textContent()).toContain('Báo cáo ngày toàn tỉnh');
      await ui.shot('22-reports');
      await page.getByRole('button', { name: 'English' }).click();
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Reports');
      await page.getByRole('button', { name: 'Tiếng Việt' }).click();
    });
  });
});
