/**
 * Plate crop thumbnails in the browser: plate reads with a real plate crop (JPEG) go through the real ingest (crop
 * written to <data>/crops, sighting committed), then the plate search results and the trace timeline show the
 * thumbnails, decoded by chromium; a sighting without a crop shows the placeholder. Every thumbnail seen is audited.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { PlateReadEvent } from '../src/core/plate.js';
import type { TrackId } from '../src/core/track.js';
import { cropRefOf } from '../src/server/crops.js';
import { DATA } from './assets.js';
import { skipReason, webUi } from './web/harness.js';

if (skipReason) console.warn(`web-crops: skipped (${skipReason})`);

/** What the test reads of an <img> in the page (the root tsconfig has no DOM types). */
interface Img { complete: boolean; naturalWidth: number; naturalHeight: number; loading: string }

const CROP_FILE = join(DATA, 'vn_plates_bkav_thanglm20/images/P3_1__21T8_OCR_CNVN119_crop_0.jpg'); // 30F-282.79

const read = (id: string, cameraId: string, atMs: number, cropJpeg?: Uint8Array): PlateReadEvent => ({
  id, cameraId, atMs, ptsSec: 0, kind: 'plate.read', trackId: 7 as TrackId, cls: 'car', reads: 4,
  read: { plate: '30F28279', display: '30F-282.79', confidence: 0.94, category: 'private', lines: [] },
  ...(cropJpeg ? { cropJpeg } : {}),
});

describe.skipIf(skipReason !== '')('plate crop thumbnails in the web UI', () => {
  const ui = webUi({ cameras: false });

  it('shows the crop of each sighting in the search results and the trace, and a placeholder without one', async () => {
    const { page } = ui;
    await ui.signIn();
    // The crop as the plates stage keeps it: the plate region, re-encoded as JPEG.
    const crop = new Uint8Array(await sharp(await readFile(CROP_FILE)).resize({ height: 40 }).jpeg({ quality: 85 }).toBuffer());
    const t0 = Date.now() - 900_000;
    await ui.server.ctx.ingest.handleMany([
      read('crop-e2e-1', 'cam-bai-xe-son-tra', t0, crop),
      read('crop-e2e-2', 'cam-cau-rong', t0 + 240_000, crop),
      read('crop-e2e-3', 'cam-nguyen-van-linh', t0 + 480_000),
    ]);
    expect((await ui.store.getSighting('crop-e2e-1'))?.cropRef).toBe(cropRefOf('crop-e2e-1', t0, crop));

    await page.getByRole('link', { name: 'Tra cứu biển số' }).click();
    await page.getByRole('textbox', { name: 'Biển số' }).fill('30F-282.79');
    await page.getByRole('button', { name: 'Tìm' }).click();
    const results = page.getByTestId('plate-results');
    await expect.poll(() => results.locator('tbody tr').count()).toBe(3);
    const thumbs = results.getByRole('img', { name: 'Ảnh biển số 30F-282.79' });
    await expect.poll(() => thumbs.count()).toBe(2);
    // Decoded by the browser (a broken or refused image has naturalWidth 0 and would turn into the placeholder).
    await expect.poll(() => thumbs.evaluateAll((els: Img[]) => els.map((e) => e.complete && e.naturalWidth > 0))).toEqual([true, true]);
    expect(await thumbs.first().evaluate((e: Img) => [e.loading, e.naturalHeight])).toEqual(['lazy', 40]);
    expect(await results.getByRole('img', { name: 'Không có ảnh biển số' }).count()).toBe(1);

    await results.getByRole('button', { name: 'Hành trình' }).first().click();
    const timeline = page.getByTestId('trace-timeline');
    await expect.poll(() => timeline.locator('li').count()).toBe(3);
    await expect.poll(() => timeline.locator('img').evaluateAll((els: Img[]) => els.filter((e) => e.complete && e.naturalWidth > 0).length)).toBe(2);
    expect(await timeline.locator('li').nth(2).getByRole('img', { name: 'Không có ảnh biển số' }).count()).toBe(1);
    await page.locator('[data-testid=map][data-route-points="3"]').waitFor();
    await page.waitForTimeout(300);
    await ui.shot('05b-plate-thumbnails');

    // Each thumbnail the browser fetched is a footage view in the audit log.
    const audit = await ui.store.listAudit({ action: 'footage.view' });
    const seen = new Set(audit.items.filter((a) => (a.details as { what?: string }).what === 'plate-crop').map((a) => (a.details as { sightingId?: string }).sightingId));
    expect([...seen].sort()).toEqual(['crop-e2e-1', 'crop-e2e-2']);
  }, 90_000);
});
