/**
 * The command-centre web UI end to end (shared set-up in test/web/harness.ts): sign in, the map with the demo
 * cameras, live events and alerts, violation review, plate search and trace, English and session expiry.
 * Screenshots of every main screen go to test-artifacts/screens/.
 */
import { describe, expect, it } from 'vitest';
import { VIOLATION_LABELS } from '../src/core/labels.js';
import { VIOLATION_KINDS } from '../src/core/violation.js';
import { PASSWORD, skipReason, webUi } from './web/harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- playwright-core is loaded from web/node_modules at run time */
describe.skipIf(skipReason !== '')(`the command-centre web UI${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const ui = webUi();
  let page: any;
  const shot = (name: string) => ui.shot(name);

  it('signs in, in Vietnamese, and refuses a wrong password', async () => {
    page = ui.page;
    await page.goto(ui.url);
    await page.getByLabel('Tên đăng nhập').fill('admin');
    await page.getByLabel('Mật khẩu').fill('wrong-password-x');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('alert').filter({ hasText: 'Sai tên đăng nhập hoặc mật khẩu' }).waitFor();
    await page.getByLabel('Mật khẩu').fill(PASSWORD);
    await shot('01-login');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.locator('[data-testid=map][data-ready=true]').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('vi');
  });

  it('shows the six demo cameras on the map, coloured by live health, with a popup', async () => {
    await expect.poll(() => page.locator('[data-testid=camera-item]').count()).toBe(6);
    await page.locator('[data-testid=map][data-rendered-cameras="6"]').waitFor();
    // The looping videos bring every camera up (online, or degraded while the detector is slower than the camera).
    const healthOf = async () => (await page.locator('[data-testid=camera-item] .meta').allTextContents()).map((t: string) => t.split(' · ')[0]);
    await expect.poll(healthOf, { timeout: 45_000 }).toEqual(expect.arrayContaining([expect.stringMatching(/Trực tuyến|Suy giảm/)]));
    // Five run; the ANPR gate camera is off in the screens' harness (test/web/harness.ts).
    await expect.poll(async () => (await healthOf()).filter((h: string) => /Trực tuyến|Suy giảm/.test(h)).length, { timeout: 45_000 }).toBe(5);
    await page.getByRole('button', { name: /Đầu cầu Rồng/ }).click();
    const popup = page.getByTestId('camera-popup');
    await popup.waitFor();
    expect(await popup.textContent()).toMatch(/Trạng thái(Trực tuyến|Suy giảm)/);
    await shot('02-map');
  }, 60_000);

  it('clusters the cameras when zoomed out and filters them by kind', async () => {
    await page.keyboard.press('Escape');
    await page.getByTestId('camera-popup').waitFor({ state: 'detached' });
    for (let i = 0; i < 4; i++) await page.getByRole('button', { name: 'Zoom out' }).click();
    await page.locator('[data-testid=map][data-clusters="1"][data-rendered-cameras="6"]').waitFor();
    await page.locator('.cluster-count', { hasText: /^6$/ }).waitFor();
    await shot('02b-map-clustered');
    await page.getByLabel('Loại').selectOption({ label: 'Nút giao' });
    await expect.poll(() => page.locator('[data-testid=camera-item]').count()).toBe(2);
    await page.locator('[data-testid=map][data-rendered-cameras="2"]').waitFor();
    await page.getByLabel('Loại').selectOption({ label: 'Tất cả' });
    await expect.poll(() => page.locator('[data-testid=camera-item]').count()).toBe(6);
  });

  it('shows the events of the demo cameras as they arrive over the live push', async () => {
    // The real detector on the looping videos: cars crossing the configured lines.
    await page.locator('[data-testid=live-events] li').first().waitFor({ timeout: 90_000 });
    expect(await page.locator('[data-testid=live-events] li').first().textContent()).toMatch(/Qua vạch|Đọc biển số|Vi phạm/);
  }, 100_000);

  it('receives an alert over the live push and acknowledges it', async () => {
    await page.getByRole('link', { name: 'Cảnh báo' }).click();
    await page.getByRole('heading', { name: 'Cảnh báo' }).waitFor();
    const alert = await ui.server.ctx.ingest.raiseAlert({
      cameraId: 'cam-cau-rong', kind: 'watchlist_hit', severity: 'critical', message: '43A-123.45 khớp danh sách theo dõi "Xe tang vật"', payload: {},
    });
    const row = page.getByTestId('alert').filter({ hasText: '43A-123.45 khớp danh sách' });
    await row.waitFor();
    await shot('03-alerts');
    await row.getByRole('button', { name: 'Xác nhận đã xem' }).click();
    await row.getByText('Đã xem').waitFor();
    const acked = await ui.store.listAlerts({ acknowledged: true, limit: 10 });
    expect(acked.items.map((a) => a.id)).toContain(alert.id);
  });

  it('reviews a violation with the keyboard (reason, then c)', async () => {
    const atMs = Date.now() - 60_000;
    await ui.store.insertViolation({ id: 'v-speed-1', cameraId: 'cam-nguyen-van-linh', atMs, kind: 'speeding', plateKey: '43A12345', plateDisplay: '43A-123.45', details: { speedKmh: 72.4, limitKmh: 50, distanceM: 18.5 } });
    await ui.store.insertViolation({ id: 'v-wrong-1', cameraId: 'cam-cau-rong', atMs: atMs - 1000, kind: 'wrong_way', plateKey: '43C67890', plateDisplay: '43C-678.90', details: { headingDeg: 182 } });
    await page.getByRole('link', { name: 'Vi phạm' }).click();
    const detail = page.getByTestId('violation-detail');
    await detail.filter({ hasText: '43A-123.45' }).waitFor();
    // The measured speed in words and in Vietnamese number format.
    expect(await detail.locator('[data-testid=measurements] [data-key=speedKmh]').textContent()).toBe('Tốc độ đo được72,4 km/h');
    await page.keyboard.press('j');
    await detail.filter({ hasText: '43C-678.90' }).waitFor();
    await page.keyboard.press('k');
    await detail.filter({ hasText: '43A-123.45' }).waitFor();
    await page.getByLabel('Lý do').fill('Tốc độ đo 72 km/h trong vùng 50 km/h');
    await shot('04-violations');
    await page.keyboard.press('Escape');
    await page.keyboard.press('c');
    await page.getByRole('status').filter({ hasText: '43A-123.45: Đã xác nhận' }).waitFor();
    const v = await ui.store.getViolation('v-speed-1');
    expect(v?.status).toBe('confirmed');
    expect(v?.history.at(-1)?.reason).toBe('Tốc độ đo 72 km/h trong vùng 50 km/h');
    expect(await page.getByTestId('violation-queue').textContent()).not.toContain('43A-123.45');
  });

  it('names every violation kind a rule can emit, from the one table of names (src/core/labels.ts)', async () => {
    const atMs = Date.now() - 120_000;
    for (const [i, kind] of VIOLATION_KINDS.entries()) {
      await ui.store.insertViolation({ id: `v-kind-${i}`, cameraId: 'cam-cau-rong', atMs: atMs - i * 1000, kind, plateKey: `43K${10000 + i}`, plateDisplay: `43K-${100 + i}.00`, details: {} });
    }
    await page.goto(`${ui.url}/#/map`);
    await page.getByRole('link', { name: 'Vi phạm' }).click();
    const queue = page.getByTestId('violation-queue');
    await queue.filter({ hasText: `43K-${100 + VIOLATION_KINDS.length - 1}.00` }).waitFor();
    const text = (await queue.textContent()) as string;
    for (const kind of VIOLATION_KINDS) {
      expect(text, kind).toContain(VIOLATION_LABELS[kind].vi);
      expect(text, kind).not.toContain(kind);
    }
  });

  it('finds a plate by prefix and shows its trace as a timeline and a route on the map', async () => {
    const t = Date.now() - 600_000;
    const cams = ['cam-bai-xe-son-tra', 'cam-cau-rong', 'cam-nguyen-van-linh'];
    await ui.store.insertSightings(cams.map((cameraId, i) => ({
      id: `s-${i}`, cameraId, atMs: t + i * 120_000, plateKey: '43A12345', display: '43A-123.45', confidence: 0.93, category: 'white', cls: 'car', trackId: i, direction: null, cropRef: null,
    })));
    await page.getByRole('link', { name: 'Tra cứu biển số' }).click();
    await page.getByRole('textbox', { name: 'Biển số' }).fill('43A*');
    await page.getByLabel('Kiểu tìm').selectOption('prefix');
    await page.getByRole('button', { name: 'Tìm' }).click();
    await expect.poll(() => page.locator('[data-testid=plate-results] tbody tr').count()).toBe(3);
    await page.getByRole('button', { name: 'Hành trình' }).first().click();
    await expect.poll(() => page.locator('[data-testid=trace-timeline] li').count()).toBe(3);
    expect(await page.locator('[data-testid=trace-timeline] li').first().textContent()).toContain('Bãi xe Sơn Trà');
    await page.locator('[data-testid=map][data-route-points="3"]').waitFor();
    await page.waitForTimeout(500);
    await shot('05-plate-trace');
  });

  it('switches to English and goes back to the login page when the session ends', async () => {
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('link', { name: 'Plate search' }).waitFor();
    await shot('06-english');
    // End the session behind the page's back (as an expiry would), then use the UI.
    const status = await page.evaluate(async () => {
      const csrf = /argus_csrf=([^;]+)/.exec((globalThis as any).document.cookie as string)?.[1] ?? '';
      return (await fetch('/api/auth/logout', { method: 'POST', headers: { 'x-csrf-token': decodeURIComponent(csrf) } })).status;
    });
    expect(status).toBe(200);
    await page.getByRole('link', { name: 'Map' }).click();
    await page.getByText('Your session has expired, please sign in again').waitFor();
    await shot('07-session-expired');
  });
});
