/**
 * Crowds in the real browser (issue #24): a demo camera fed by the London street clip, given a pavement zone and a crowd
 * rule with a low threshold (2 people for 200 ms) through the API, as an operator would in the set-up screen. The rule
 * fires for real; the map shows a pulsing crowd marker on the camera until the alert is acknowledged; the camera page's
 * "Mật độ / Heatmap" panel draws the heatmap over the camera's still with the person-count sparkline and the live
 * count per zone, in Vietnamese and English. Screenshots: docs/images/24-crowd-map.png, docs/images/24-crowd-heatmap.png.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TestClient } from '../src/server/testing/harness.js';
import { REPO_ROOT, video } from './assets.js';
import { waitFor } from './sse-client.js';
import { PASSWORD, skipReason, webUi } from './web/harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- page functions run in the browser (no DOM types in the test project) */
const CAM = 'cam-bai-xe-son-tra';
const IMAGES = join(REPO_ROOT, 'docs/images');

describe.skipIf(skipReason !== '')('crowds on the map and the camera page', () => {
  const ui = webUi({ keepCameras: [CAM], sources: { [CAM]: video('london_street_bus_TestV4.mp4') } });

  it('shows a crowd alert on the map until it is acknowledged, and the heatmap with its sparkline on the camera page', async () => {
    const { page } = ui;
    await ui.signIn();
    const admin = await TestClient.login(ui.url, 'admin', PASSWORD);
    const patched = await admin.request('PATCH', `/api/cameras/${CAM}`, {
      zones: [{ id: 'pavement', name: 'Vỉa hè', polygon: [[0, 0.35], [0.6, 0.35], [0.6, 1], [0, 1]] }],
      rules: [{ id: 'crowd-pavement', kind: 'crowd', zone: 'pavement', minPeople: 2, minDurationMs: 200, rearmMs: 600_000 }],
    });
    expect(patched.status).toBe(200);
    const alert = await waitFor('the crowd rule to fire', async () => (await ui.store.listAlerts({ limit: 20 })).items.find((a) => a.kind === 'crowd' && a.cameraId === CAM), 90_000);

    // The alert reached the open map over the live push: the camera's marker pulses.
    const map = page.locator('[data-testid=map]');
    await page.locator(`.crowd-marker[data-crowd="${CAM}"]`).waitFor();
    expect(await map.getAttribute('data-crowd-alerts')).toBe('1');
    expect(await page.locator('.crowd-marker').evaluate((el: any) => (globalThis as any).getComputedStyle(el).animationName)).toBe('crowd-pulse');
    // The camera chosen in the list (the marker is a button too: it opens the same popup).
    await page.getByTestId('camera-item').first().click();
    await expect.poll(async () => page.getByTestId('popup-crowd').textContent(), { timeout: 10_000 }).toMatch(/người trong vùng pavement/);
    await page.screenshot({ path: join(IMAGES, '24-crowd-map.png') });

    // Acknowledged from another screen: the service pushes the acknowledgement and the marker goes at once, and stays
    // gone after a reload (the alert list comes with its acknowledgement).
    expect((await admin.request('POST', `/api/alerts/${alert.id}/ack`, {})).status).toBe(200);
    await expect.poll(async () => map.getAttribute('data-crowd-alerts'), { timeout: 10_000 }).toBe('0');
    await page.reload();
    await page.locator('[data-testid=map][data-ready=true]').waitFor();
    await expect.poll(async () => map.getAttribute('data-crowd-alerts'), { timeout: 10_000 }).toBe('0');
    expect(await page.locator('.crowd-marker').count()).toBe(0);

    // The camera page: the heatmap over the still (the open bucket: the runtime's last minutes), sparkline, people per zone.
    await page.goto(`${ui.url}/#/camera/${CAM}`);
    const panel = page.getByTestId('heatmap-panel');
    await panel.getByRole('heading', { name: 'Mật độ / Heatmap' }).waitFor();
    await expect.poll(async () => Number(await page.getByTestId('heat-canvas').getAttribute('data-hot-cells')), { timeout: 40_000 }).toBeGreaterThan(3);
    // Four loops of the clip in the window before the picture is kept (the panel reloads every 30 s).
    await expect.poll(async () => Number(await panel.getAttribute('data-seconds')), { timeout: 60_000, interval: 2000 }).toBeGreaterThanOrEqual(20);
    expect(Number(await page.getByTestId('crowd-sparkline').getAttribute('data-points'))).toBeGreaterThanOrEqual(1);
    await page.getByTestId('crowd-now').locator('tr[data-zone=pavement]').waitFor({ timeout: 20_000 });
    // The cells drawn: nothing in the picture's top quarter (sky and roofs), colour where the walkers' feet are.
    const drawn = await page.getByTestId('heat-canvas').evaluate((c: any) => {
      const g = c.getContext('2d');
      const alphaSum = (y0: number, y1: number): number => {
        const d: Uint8ClampedArray = g.getImageData(0, Math.round(y0 * c.height), c.width, Math.round((y1 - y0) * c.height)).data;
        let s = 0;
        for (let i = 3; i < d.length; i += 4) s += d[i]!;
        return s;
      };
      return { top: alphaSum(0, 0.25), lower: alphaSum(0.4, 1) };
    });
    expect(drawn.top).toBe(0);
    expect(drawn.lower).toBeGreaterThan(0);
    await panel.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(IMAGES, '24-crowd-heatmap.png') });

    // In English.
    await page.getByRole('button', { name: 'English' }).click();
    await panel.getByRole('heading', { name: 'Density / Heatmap' }).waitFor();
    await page.getByTestId('heat-window').selectOption('h24');
    await expect.poll(async () => Number(await page.getByTestId('heat-canvas').getAttribute('data-hot-cells')), { timeout: 20_000 }).toBeGreaterThan(3);
  }, 240_000);
});
