/**
 * Monitoring centres in the real browser against the real service (the demo site: two cameras in Quận Hải Châu, one
 * in Quận Sơn Trà): the admin makes a centre for Hải Châu in the Centres tab and gives it two officers; the centre's
 * supervisor saves a wall layout; its operator signs in, sees only the centre's cameras on the map, loads the centre's
 * layout on the wall (remembered after a reload) and never sees the Sơn Trà camera. Screenshots 24-centre-admin and
 * 24-centre-wall.
 */
import { describe, expect, it } from 'vitest';
import { TestClient } from '../src/server/testing/harness.js';
import { createUser } from '../src/server/users.js';
import { skipReason, webUi } from './web/harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- playwright-core is loaded from web/node_modules at run time */
const PASSWORD = 'centre-officer-pass-1';
const HAI_CHAU = ['cam-cau-rong', 'cam-nguyen-van-linh'];
const SON_TRA = 'cam-bai-xe-son-tra';

describe.skipIf(skipReason !== '')(`monitoring centres in the browser${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  // The three first demo cameras: two in Hải Châu (the centre's), one in Sơn Trà (not).
  const ui = webUi({ cameras: false, keepCameras: ['cam-nguyen-van-linh', 'cam-cau-rong', 'cam-bai-xe-son-tra'] });

  it("lets the admin make a centre, and its operator sees only the centre's cameras on the map and loads its saved wall layout", async () => {
    const page: any = ui.page;
    await createUser(ui.store, { username: 'sup-haichau', password: PASSWORD, roles: ['supervisor'] });
    await createUser(ui.store, { username: 'op-haichau', password: PASSWORD, roles: ['operator'] });

    // The admin makes the centre in the Centres tab, beside Users.
    await ui.signIn();
    await page.goto(`${ui.url}/#/admin/centres`);
    const form = page.getByTestId('centre-form');
    await form.getByLabel('Tên trung tâm').fill('Trung tâm giám sát Hải Châu');
    await form.getByLabel('Quận/huyện của trung tâm').fill('Quận Hải Châu');
    await form.getByLabel('sup-haichau').check();
    await form.getByLabel('op-haichau').check();
    await form.getByRole('button', { name: 'Lưu' }).click();
    const row = page.locator('[data-centre="Trung tâm giám sát Hải Châu"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('op-haichau');
    expect(await form.getByLabel('Tên trung tâm').inputValue()).toBe(''); // an empty form for the next centre
    await ui.shot('24-centre-admin');
    // The Users tab names each user's centre.
    await page.goto(`${ui.url}/#/admin/users`);
    await page.locator('[data-username="op-haichau"]', { hasText: 'Trung tâm giám sát Hải Châu' }).waitFor();
    expect(await page.locator('[data-username="admin"]').textContent()).not.toContain('Trung tâm giám sát');

    // The centre's supervisor saves a layout of one tile: the Cầu Rồng camera (through the API, as the wall's "save as" does).
    const sup = await TestClient.login(ui.url, 'sup-haichau', PASSWORD);
    const saved = await sup.request('PUT', '/api/centres/mine/layouts', { name: 'Ca trực cầu Rồng', size: 4, tiles: ['cam-cau-rong', null, 'cam-nguyen-van-linh', null] });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect((await sup.request('PUT', '/api/centres/mine/layouts', { name: 'Sơn Trà', size: 1, tiles: [SON_TRA] })).status).toBe(400);

    // The operator of the centre: the map lists and draws only Hải Châu.
    await page.context().clearCookies();
    await ui.signIn('op-haichau', PASSWORD);
    const map = page.getByTestId('map');
    await page.locator('[data-testid=map][data-rendered-cameras="2"]').waitFor({ timeout: 20_000 });
    const listed: string[] = await page.getByTestId('camera-item').allTextContents();
    expect(listed).toHaveLength(2);
    expect(listed.join(' ')).not.toContain('Sơn Trà');
    expect(await map.getAttribute('data-rendered-cameras')).toBe('2');

    // The wall: the centre's layout picked from the list shows its cameras in its tiles; the choice survives a reload.
    await page.goto(`${ui.url}/#/wall`);
    await page.getByTestId('centre-name').waitFor();
    expect(await page.getByTestId('centre-name').textContent()).toBe('Trung tâm giám sát Hải Châu');
    expect(await page.locator('#centre-layout-name').count()).toBe(0); // an operator loads layouts, saves none
    await page.getByTestId('centre-layout-pick').selectOption({ label: 'Ca trực cầu Rồng (4)' });
    await page.locator('.wall[data-layout="4"]').waitFor();
    const cams = async () => page.getByTestId('wall-tile').evaluateAll((els: any[]) => els.map((e) => e.getAttribute('data-camera')));
    expect(await cams()).toEqual(['cam-cau-rong', '', 'cam-nguyen-van-linh', '']);
    await page.reload();
    await page.getByTestId('centre-name').waitFor();
    await page.locator('.wall[data-layout="4"] [data-camera="cam-cau-rong"]').waitFor();
    expect(await page.getByTestId('centre-layout-pick').inputValue()).toBe(saved.body.id);
    // No tile offers the Sơn Trà camera.
    const offered: string[] = await page.locator('[data-testid=wall-tile] select option').evaluateAll((els: any[]) => els.map((e) => e.value));
    expect(offered.filter((v) => v !== '').every((v) => HAI_CHAU.includes(v))).toBe(true);
    expect(offered).not.toContain(SON_TRA);
    await ui.shot('24-centre-wall');

    // The alerts page: only the centre's alerts, narrowed further by the centre's saved filter the operator picks.
    const filter = await sup.request('PUT', '/api/centres/mine/filters', { name: 'Mất tín hiệu', kinds: ['signal_loss'], minSeverity: 'warning' });
    expect(filter.status, JSON.stringify(filter.body)).toBe(200);
    await ui.server.ctx.ingest.raiseAlert({ cameraId: 'cam-cau-rong', kind: 'signal_loss', severity: 'warning', message: 'Mất tín hiệu cầu Rồng', payload: {} });
    await ui.server.ctx.ingest.raiseAlert({ cameraId: 'cam-nguyen-van-linh', kind: 'congestion', severity: 'info', message: 'Ùn tắc Nguyễn Văn Linh', payload: {} });
    await ui.server.ctx.ingest.raiseAlert({ cameraId: SON_TRA, kind: 'signal_loss', severity: 'critical', message: 'Mất tín hiệu Sơn Trà', payload: {} });
    await page.goto(`${ui.url}/#/alerts`);
    await page.getByTestId('centre-filter-pick').waitFor();
    const alerts = page.getByTestId('alert');
    await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('[data-testid=alert]').length === 2);
    expect((await alerts.allTextContents()).join(' ')).not.toContain('Sơn Trà');
    await page.getByTestId('centre-filter-pick').selectOption({ label: 'Mất tín hiệu' });
    await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('[data-testid=alert]').length === 1);
    expect(await alerts.first().textContent()).toContain('Mất tín hiệu cầu Rồng');
    await ui.shot('24-centre-alerts');
  }, 120_000);
});
