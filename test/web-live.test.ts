/**
 * The camera wall and the camera page end to end, against the demo cameras (real looping videos): layouts 4 → 9 → 1
 * with live HLS or refreshed stills, the layout remembered, full screen, then one camera's health, events, counts
 * chart and recording timeline with playback of a real mp4 segment (made here with ffmpeg, named as the recorder
 * names them). Screenshots 08-wall-*, 09-camera*.
 */
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { video } from './assets.js';
import { skipReason, webUi } from './web/harness.js';

const run = promisify(execFile);

/** `YYYYMMDDTHHMMSSZ.mp4`, as src/video/recorder.ts names a segment that starts at `ms`. */
const segmentName = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19).replace(/[-:]/g, '')}Z.mp4`;

/* eslint-disable @typescript-eslint/no-explicit-any -- playwright-core is loaded from web/node_modules at run time */
describe.skipIf(skipReason !== '')(`the camera wall and camera page${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  // The wall as it was designed around: three demo cameras in a 4-tile wall, the fourth tile empty.
  const ui = webUi({ viewport: { width: 1600, height: 1000 }, keepCameras: ['cam-nguyen-van-linh', 'cam-cau-rong', 'cam-bai-xe-son-tra'] });
  let page: any;
  /** The demo cameras in the order the API lists them (the wall's default order). */
  let DEMO: string[] = [];
  const segmentStarts = [Date.now() - 20 * 60_000, Date.now() - 19 * 60_000];

  beforeAll(async () => {
    DEMO = (await ui.store.listCameras()).map((c) => c.id);
    expect(DEMO).toHaveLength(3);
    // Two 4-second segments of a real road video, video only, stream copy: what the recorder writes.
    const dir = join(ui.dataDir, 'recordings', 'cam-cau-rong');
    await mkdir(dir, { recursive: true });
    for (const ms of segmentStarts) {
      await run('ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-i', video('opencv4nodejs_traffic.mp4'), '-t', '4', '-map', '0:v:0', '-c', 'copy', '-movflags', '+faststart', join(dir, segmentName(ms))]);
    }
    // A violation of the camera with its evidence package (a real still as the composite), as the pipeline stores it.
    const pkg = join(ui.dataDir, 'evidence', 'pkg-v-wall-1');
    await mkdir(pkg, { recursive: true });
    await run('ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-ss', '1', '-i', video('opencv4nodejs_traffic.mp4'), '-frames:v', '1', '-vf', 'scale=640:-2', join(pkg, 'composite.jpg')]);
    const atMs = Date.now() - 30_000;
    await ui.store.insertEvents([{ id: 'v-wall-1', cameraId: 'cam-cau-rong', atMs, kind: 'violation', payload: { violation: 'wrong_way', cls: 'car', plate: '43A-123.45', evidence: { uri: 'pkg-v-wall-1' } } }]);
    await ui.store.insertViolation({ id: 'v-wall-1', cameraId: 'cam-cau-rong', atMs, kind: 'wrong_way', plateKey: '43A12345', plateDisplay: '43A-123.45', details: {} });
    await ui.store.putEvidence({ id: 'v-wall-1-pkg', violationId: 'v-wall-1', eventId: null, kind: 'manifest', path: 'pkg-v-wall-1', sha256: '', bytes: 0, createdAtMs: atMs });
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    await ui.store.addCounts([
      { cameraId: 'cam-cau-rong', lineId: 'count', cls: 'car', direction: 'pos', minuteMs: minute - 5 * 60_000, n: 7 },
      { cameraId: 'cam-cau-rong', lineId: 'count', cls: 'motorcycle', direction: 'neg', minuteMs: minute - 5 * 60_000, n: 12 },
      { cameraId: 'cam-cau-rong', lineId: 'count', cls: 'truck', direction: 'pos', minuteMs: minute - 2 * 60_000, n: 3 },
    ]);
  }, 60_000);

  /** Per demo tile: how its live view shows (hls / snapshot) and whether a picture is there. */
  const tileViews = () => page.evaluate(() => [...(globalThis as any).document.querySelectorAll('[data-testid=wall-tile]')].map((t: any) => {
    const v = t.querySelector('video');
    const img = t.querySelector('img[data-testid=live-still]');
    return { camera: t.dataset.camera, mode: t.querySelector('.liveview')?.dataset.mode ?? '', engine: t.querySelector('.liveview')?.dataset.engine ?? '',
      videoReady: v ? v.readyState >= 2 && v.videoWidth > 0 : false, imgWidth: img ? img.naturalWidth : 0 };
  }));

  it('shows the demo cameras in a 4-tile wall, playing live video (or stills where the browser cannot)', async () => {
    page = ui.page;
    // The page's warnings say why a live view fell back to stills (CSP, codec, timeout).
    page.on('console', (m: any) => { if (['warning', 'error'].includes(m.type()) && !m.text().includes('GL Driver')) console.log('browser:', m.type(), m.text()); });
    await ui.signIn();
    await page.getByRole('link', { name: 'Màn hình camera' }).click();
    await page.getByRole('heading', { name: 'Màn hình camera' }).waitFor();
    expect(await page.getByRole('button', { name: '4 ô' }).getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => page.locator('[data-testid=wall-tile]').count()).toBe(4);
    const cams = (await tileViews()).map((t: any) => t.camera);
    expect(cams).toEqual([...DEMO, '']);
    // Each demo camera shows a picture: a playing video, or (after a fallback) a loaded still.
    await expect.poll(async () => (await tileViews()).filter((t: any) => t.videoReady || t.imgWidth > 0).length, { timeout: 90_000, interval: 1000 }).toBe(3);
    const views = await tileViews();
    console.log('wall-4 views', JSON.stringify(views));
    // Debian's chromium plays the H.264 HLS stream through hls.js: a fallback to stills here would be a regression.
    expect(views.slice(0, 3).map((t: any) => t.mode)).toEqual(['hls', 'hls', 'hls']);
    expect(await page.locator('[data-testid=wall-tile] .tile-name').nth(DEMO.indexOf('cam-nguyen-van-linh')).textContent()).toBe('Nút giao Nguyễn Văn Linh – Hàm Nghi');
    await page.waitForTimeout(500);
    await ui.shot('08-wall-4');
  }, 120_000);

  it('switches to 9 tiles of refreshed stills and remembers the layout', async () => {
    await page.getByRole('button', { name: '9 ô' }).click();
    await expect.poll(() => page.locator('[data-testid=wall-tile]').count()).toBe(9);
    expect(await page.getByTestId('wall-mode').textContent()).toContain('Ảnh tĩnh');
    await expect.poll(async () => (await tileViews()).filter((t: any) => t.mode === 'snapshot' && t.imgWidth > 0).length, { timeout: 60_000, interval: 1000 }).toBe(3);
    // The stills refresh: a later request for the same tile carries a new cache-buster.
    const src0 = await page.locator('[data-testid=live-still]').first().getAttribute('src');
    await expect.poll(() => page.locator('[data-testid=live-still]').first().getAttribute('src'), { timeout: 30_000 }).not.toBe(src0);
    await ui.shot('08b-wall-9');
    expect(await page.evaluate(() => (globalThis as any).localStorage.getItem('argus.wall.layout'))).toBe('9');
    await page.reload();
    await page.getByRole('heading', { name: 'Màn hình camera' }).waitFor();
    expect(await page.getByRole('button', { name: '9 ô' }).getAttribute('aria-pressed')).toBe('true');
  }, 120_000);

  it('lets a tile be given another camera, and keeps the choice', async () => {
    await page.getByLabel('Camera của ô 4').selectOption('cam-cau-rong');
    await expect.poll(async () => (await tileViews()).map((t: any) => t.camera).slice(0, 4)).toEqual([...DEMO, 'cam-cau-rong']);
    await page.reload();
    await expect.poll(async () => (await tileViews()).map((t: any) => t.camera).slice(0, 4), { timeout: 20_000 }).toEqual([...DEMO, 'cam-cau-rong']);
    await page.getByLabel('Camera của ô 4').selectOption('');
    await expect.poll(async () => (await tileViews()).map((t: any) => t.camera).slice(0, 4)).toEqual([...DEMO, '']);
  }, 60_000);

  it('shows one camera full size, and full screen on double click or the f key', async () => {
    await page.getByRole('button', { name: '1 ô' }).click();
    await expect.poll(() => page.locator('[data-testid=wall-tile]').count()).toBe(1);
    const tile = page.getByTestId('wall-tile');
    await tile.locator('.tile-view').dblclick();
    await tile.and(page.locator('[data-fullscreen=true]')).waitFor();
    expect(await page.evaluate(() => (globalThis as any).location.hash)).toBe('#/wall');
    await expect.poll(async () => (await tileViews()).some((t: any) => t.videoReady || t.imgWidth > 0), { timeout: 60_000, interval: 1000 }).toBe(true);
    await ui.shot('08c-wall-fullscreen');
    await tile.locator('.tile-view').press('f');
    await tile.and(page.locator('[data-fullscreen=false]')).waitFor();
    await tile.locator('.tile-view').press('f');
    await tile.and(page.locator('[data-fullscreen=true]')).waitFor();
    await tile.getByRole('button', { name: /Thoát toàn màn hình/ }).click();
    await tile.and(page.locator('[data-fullscreen=false]')).waitFor();
  }, 60_000);

  it('opens the camera page from a tile: health, events, counts chart and set-up link', async () => {
    await page.getByLabel('Camera của ô 1').selectOption('cam-cau-rong');
    await page.getByRole('button', { name: 'Mở trang camera: Đầu cầu Rồng – Bạch Đằng' }).click();
    await page.getByRole('heading', { name: 'Đầu cầu Rồng – Bạch Đằng' }).waitFor();
    expect(await page.evaluate(() => (globalThis as any).location.hash)).toBe('#/camera/cam-cau-rong');
    const health = page.getByTestId('camera-health');
    await expect.poll(() => health.getAttribute('data-health'), { timeout: 45_000 }).toMatch(/online|degraded/);
    expect(await health.textContent()).toMatch(/Trực tuyến|Suy giảm/);
    expect(Number((await page.getByTestId('camera-fps').textContent()).replace(',', '.'))).toBeGreaterThan(0);
    expect(await page.getByTestId('camera-frame-age').textContent()).toMatch(/(ms|s) trước$/);
    // Counts: the 22 inserted plus whatever the real detector counted meanwhile.
    await expect.poll(async () => Number(await page.getByTestId('counts-total').textContent()), { timeout: 20_000 }).toBeGreaterThanOrEqual(22);
    expect(await page.locator('[data-testid=counts-chart] svg rect').count()).toBeGreaterThanOrEqual(3);
    expect(await page.getByTestId('counts-chart').textContent()).toMatch(/Xe máy/);
    // On a busy camera the line crossings fill the list: narrowed to violations and alerts (kept per browser), the
    // violation shows its evidence composite; other events their kind's icon.
    await page.getByLabel('Lọc sự kiện').selectOption('notable');
    expect(await page.evaluate(() => (globalThis as any).localStorage.getItem('argus.camera.events.filter'))).toBe('notable');
    await expect.poll(() => page.locator('[data-testid=camera-events] li').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('[data-testid=camera-events] li').allTextContents()).not.toContainEqual(expect.stringMatching(/Qua vạch/));
    const thumb = page.locator('[data-testid=camera-events] img[data-testid=event-thumb]');
    await expect.poll(() => thumb.evaluate((img: any) => img.complete && img.naturalWidth), { timeout: 20_000 }).toBe(640);
    expect(await thumb.getAttribute('alt')).toMatch(/Vi phạm.*Đi ngược chiều.*43A-123\.45/);
    const setup = page.getByRole('link', { name: 'Cấu hình camera: Đầu cầu Rồng – Bạch Đằng' });
    expect(await setup.getAttribute('href')).toBe('#/editor/cam-cau-rong');
    // The live view of the page plays (or falls back to a still).
    await expect.poll(() => page.evaluate(() => {
      const d = (globalThis as any).document;
      const v = d.querySelector('.live-card video');
      const img = d.querySelector('.live-card img');
      return (v ? v.readyState >= 2 : false) || (img ? img.naturalWidth > 0 : false);
    }), { timeout: 60_000, interval: 1000 }).toBe(true);
    await ui.shot('09-camera');
  }, 120_000);

  it('lists the recorded segments on a timeline and plays one back', async () => {
    // The two made here (the oldest), and those the demo cameras' recorder writes meanwhile.
    await expect.poll(() => page.getByTestId('recording-segment').count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    expect(await page.getByTestId('camera-recording').textContent()).toMatch(/^Đang ghi/);
    await page.getByTestId('recording-segment').first().click();
    const player = page.getByTestId('recording-player');
    await player.waitFor();
    expect(await player.getAttribute('src')).toBe(`/api/recordings/cam-cau-rong/${segmentName(segmentStarts[0]!)}`);
    // Played, or an honest message where the browser cannot decode the codec.
    await expect.poll(() => page.evaluate(() => {
      const v = (globalThis as any).document.querySelector('[data-testid=recording-player]');
      return v.readyState >= 2 || (globalThis as any).document.querySelector('[data-testid=recording-error]') !== null;
    }), { timeout: 30_000 }).toBe(true);
    const played = await page.evaluate(() => (globalThis as any).document.querySelector('[data-testid=recording-player]').readyState >= 2);
    console.log('recording playback', played ? 'plays' : 'codec error shown');
    expect(played).toBe(true);
    await page.waitForTimeout(800);
    await ui.shot('09c-camera-playback');
    const audit = await ui.store.listAudit({ action: 'footage.view', limit: 1000 });
    expect(audit.items.some((a: any) => a.action === 'footage.view' && a.details?.what === 'recording')).toBe(true);
  }, 60_000);

  it('says so honestly when a camera has no recordings, in Vietnamese and English', async () => {
    // A camera added through the API, switched off: not run, not recorded.
    const status = await page.evaluate(async () => {
      const csrf = /argus_csrf=([^;]+)/.exec((globalThis as any).document.cookie as string)?.[1] ?? '';
      const res = await fetch('/api/cameras', {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': decodeURIComponent(csrf) },
        body: JSON.stringify({ id: 'cam-tran-phu', name: 'Trần Phú – Lê Duẩn', site: 'danang', kind: 'security', source: 'rtsp://127.0.0.1:9/none', location: { lat: 16.0678, lng: 108.2208 }, area: { district: 'Quận Hải Châu' }, enabled: false }),
      });
      return res.status;
    });
    expect(status).toBe(200);
    await page.evaluate(() => { (globalThis as any).location.hash = '#/camera/cam-tran-phu'; });
    await page.getByRole('heading', { name: 'Trần Phú – Lê Duẩn' }).waitFor();
    expect(await page.getByTestId('camera-health').getAttribute('data-health')).toBe('disabled');
    expect(await page.getByTestId('camera-recording').textContent()).toBe('Không ghi');
    await page.locator('.live-card').getByText('Camera đã tắt').waitFor();
    await page.getByTestId('no-recordings').filter({ hasText: 'Chưa có đoạn ghi hình nào' }).waitFor();
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByTestId('no-recordings').filter({ hasText: 'No recorded segments' }).waitFor();
    await page.getByRole('link', { name: 'Set up the camera: Trần Phú – Lê Duẩn' }).waitFor();
    await page.getByTestId('no-recordings').scrollIntoViewIfNeeded();
    await ui.shot('09b-camera-no-recordings');
    await page.getByRole('button', { name: 'Tiếng Việt' }).click();
  }, 60_000);

  it('shows how plate reading goes on the page of a camera switched to ANPR', async () => {
    const patch = (plates: boolean | 'anpr') => page.evaluate(async (p: unknown) => {
      const csrf = /argus_csrf=([^;]+)/.exec((globalThis as any).document.cookie as string)?.[1] ?? '';
      const res = await fetch('/api/cameras/cam-bai-xe-son-tra', { method: 'PATCH', headers: { 'content-type': 'application/json', 'x-csrf-token': decodeURIComponent(csrf) }, body: JSON.stringify({ plates: p }) });
      return res.status;
    }, plates);
    expect(await patch('anpr')).toBe(200);
    await page.evaluate(() => { (globalThis as any).location.hash = '#/camera/cam-bai-xe-son-tra'; });
    await page.getByRole('heading', { name: 'Bãi xe Sơn Trà' }).waitFor();
    // The parking clip's plates are too small to read; the row shows the reader at work on the moving picture.
    const row = page.getByTestId('camera-plates');
    await expect.poll(async () => /^camera ANPR · \d+ biển · [1-9]\d* lượt đọc/.test((await row.textContent()) ?? ''), { timeout: 45_000, interval: 1000 }).toBe(true);
    await ui.shot('09c-camera-anpr');
    expect(await patch(false)).toBe(200);
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(0);
  }, 90_000);

  it('says the camera is unknown for a wrong id', async () => {
    await page.evaluate(() => { (globalThis as any).location.hash = '#/camera/no-such-camera'; });
    await page.getByRole('alert').filter({ hasText: 'Không tìm thấy camera này' }).waitFor();
  });
});
