/**
 * "Add from network (ONVIF)" in Administration → Cameras, in Debian chromium against the real service and the
 * simulated ONVIF camera of test/onvif-device.ts (discovery on loopback): scan, choose the camera, sign in to it,
 * read its streams and PTZ presets, choose the sub stream and add it; the camera is stored with the stream's RTSP URI
 * holding its credentials and listed with them masked. Screenshot 30-admin-onvif-dialog in test-artifacts/screens/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimDevice, type SimDevice } from './onvif-device.js';
import { freePort } from './rtsp-camera.js';
import { skipReason, webUi } from './web/harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- playwright-core is loaded from web/node_modules at run time */
describe.skipIf(skipReason !== '')(`the ONVIF add-camera dialog${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const ui = webUi({ cameras: false, onvif: { interfaces: ['127.0.0.1'] }, cameraNetworks: ['127.0.0.1/32'] });
  let device: SimDevice;
  let rtspPort = 0;
  beforeAll(async () => {
    rtspPort = await freePort();
    device = await startSimDevice({
      username: 'admin', password: 'camera-pass-1', name: 'Cổng Nguyễn Văn Linh',
      profiles: [
        { token: 'main', name: 'MainStream', width: 1920, height: 1080, fps: 25, streamUri: `rtsp://127.0.0.1:${rtspPort}/Streaming/Channels/101`, ptz: true },
        { token: 'sub', name: 'SubStream', width: 640, height: 360, fps: 10, streamUri: `rtsp://127.0.0.1:${rtspPort}/Streaming/Channels/102`, ptz: false },
      ],
      presets: [{ token: 'p1', name: 'Cổng chính' }, { token: 'p2', name: 'Ngã tư Hàm Nghi' }],
    });
  });
  afterAll(async () => {
    await device?.close();
  });

  it('finds the camera, reads its streams and presets, and adds the chosen stream as a camera', async () => {
    const page: any = ui.page;
    await ui.signIn();
    await page.goto(`${ui.url}/#/admin/cameras`);
    await page.getByTestId('cameras-table').waitFor();
    await page.getByRole('button', { name: 'Thêm từ mạng (ONVIF)' }).click();
    const dialog = page.getByRole('dialog', { name: 'Thêm camera tìm thấy trên mạng (ONVIF)' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Quét mạng' }).click();
    // By its address: another test's simulated camera on this box may answer the same probe.
    const found = dialog.getByTestId('onvif-devices').locator('li').filter({ hasText: new URL(device.deviceUrl).host });
    await found.waitFor();
    expect(await found.textContent()).toMatch(/Cổng Nguyễn Văn Linh.*SIM-ONVIF-1/);
    await found.getByRole('button', { name: /^Chọn/ }).click();
    expect(await dialog.getByLabel('Địa chỉ camera hoặc URL dịch vụ thiết bị').inputValue()).toBe(device.deviceUrl);
    await dialog.getByLabel('Tên đăng nhập camera').fill('admin');
    await dialog.getByLabel('Mật khẩu camera').fill('wrong-pass');
    await dialog.getByRole('button', { name: 'Đọc cấu hình camera' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'refused the user name or password' }).waitFor();
    await dialog.getByLabel('Mật khẩu camera').fill('camera-pass-1');
    await dialog.getByRole('button', { name: 'Đọc cấu hình camera' }).click();
    const profiles = dialog.getByTestId('onvif-profiles');
    await profiles.waitFor();
    expect(await profiles.textContent()).toMatch(/MainStream.*1920×1080.*SubStream.*640×360/);
    await dialog.getByText('Cổng chính, Ngã tư Hàm Nghi').waitFor(); // the main stream's PTZ presets
    await dialog.getByLabel('Mã camera').fill('cong-nvl');
    expect(await dialog.getByLabel('Tên camera').inputValue()).toBe('Cổng Nguyễn Văn Linh');
    await dialog.getByLabel('Loại camera').selectOption('gateway');
    // Prefilled where the site's cameras stand (the demo site has no location of its own): Đà Nẵng.
    expect(Number(await dialog.getByLabel('Vĩ độ').inputValue())).toBeCloseTo(16.05, 1);
    expect(Number(await dialog.getByLabel('Kinh độ').inputValue())).toBeCloseTo(108.2, 0);
    await dialog.getByLabel('Vĩ độ').fill('16.0598');
    await dialog.getByLabel('Kinh độ').fill('108.2112');
    await ui.shot('30-admin-onvif-dialog');
    await dialog.getByRole('radio', { name: 'SubStream' }).check();
    await dialog.getByText('Camera không có điểm đặt trước').waitFor();
    await dialog.getByRole('button', { name: 'Thêm camera' }).click();
    await page.getByRole('status').filter({ hasText: 'Đã thêm camera: Cổng Nguyễn Văn Linh' }).waitFor();
    const row = page.getByTestId('cameras-table').locator('tr[data-camera="cong-nvl"]');
    await row.waitFor();
    expect(await row.textContent()).toContain(`rtsp://admin:***@127.0.0.1:${rtspPort}/Streaming/Channels/102`);
    expect((await ui.store.getCamera('cong-nvl'))?.location).toEqual({ lat: 16.0598, lng: 108.2112 });
    expect((await ui.store.getCamera('cong-nvl'))?.url).toBe(`rtsp://admin:camera-pass-1@127.0.0.1:${rtspPort}/Streaming/Channels/102`);
    const audit = (await ui.store.listAudit({})).items.map((a) => a.action);
    expect(audit).toEqual(expect.arrayContaining(['onvif.discover', 'onvif.probe', 'camera.add']));
  }, 120_000);
});
