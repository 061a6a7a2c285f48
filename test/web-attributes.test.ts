/**
 * Attribute search in the browser: track summaries with real crops (cut from frames of the Vietnamese road clips)
 * go through the real ingest; the page "Tìm theo đặc điểm" finds "a person in a black top" with the colour chips and
 * the class picker, shows crop cards with camera and time (decoded by chromium), in Vietnamese and in English; each
 * search is audited with its query. Screenshot: docs/images/attribute-search.png (and test-artifacts/screens).
 */
import { execFileSync } from 'node:child_process';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { TrackAttributesEvent } from '../src/core/events.js';
import { REPO_ROOT, video } from './assets.js';
import { SCREENS, skipReason, webUi } from './web/harness.js';

if (skipReason) console.warn(`web-attributes: skipped (${skipReason})`);

interface Img { complete: boolean; naturalWidth: number }

/** A crop of a frame of a real clip (at `sec`), as the attributes stage keeps it. */
async function cropOf(clip: string, sec: number, left: number, top: number, width: number, height: number): Promise<Uint8Array> {
  const png = execFileSync('ffmpeg', ['-v', 'error', '-ss', String(sec), '-i', video(clip), '-frames:v', '1', '-f', 'image2pipe', '-vcodec', 'png', '-'], { maxBuffer: 1 << 26 });
  return new Uint8Array(await sharp(png).extract({ left, top, width, height }).jpeg({ quality: 80 }).toBuffer());
}

const summary = (id: string, cameraId: string, cls: TrackAttributesEvent['cls'], colours: TrackAttributesEvent['colours'], atMs: number, cropJpeg?: Uint8Array): TrackAttributesEvent => ({
  id, kind: 'track.attributes', cameraId, atMs, ptsSec: 1, trackId: 3, cls, firstMs: atMs - 3000, lastMs: atMs, colours,
  startBox: { x1: 0, y1: 0, x2: 50, y2: 120 }, endBox: { x1: 100, y1: 0, x2: 150, y2: 120 }, samples: 5, ...(cropJpeg ? { cropJpeg } : {}),
});

describe.skipIf(skipReason !== '')('attribute search in the web UI', () => {
  const ui = webUi({ cameras: false });

  it('finds a person in a black top and a white car by colour chips, as crop cards, in vi and en, audited', async () => {
    const { page } = ui;
    await ui.signIn();
    const t0 = Date.now() - 600_000;
    // Two people in black on the London street, a white car from above (boxes of the hand labels).
    const man = await cropOf('london_street_bus_TestV4.mp4', 2.5, 892, 269, 41, 112);
    const woman = await cropOf('london_street_bus_TestV4.mp4', 2.5, 1061, 278, 29, 80);
    const car = await cropOf('intel_car-detection.mp4', 26.5, 97, 26, 254, 317);
    await ui.server.ctx.ingest.handleMany([
      summary('web-p1', 'cam-cau-rong', 'person', { upper: [{ colour: 'black', share: 0.9 }], lower: [{ colour: 'black', share: 0.8 }] }, t0, man),
      summary('web-p2', 'cam-nguyen-van-linh', 'person', { upper: [{ colour: 'black', share: 0.9 }], lower: [{ colour: 'gray', share: 0.6 }] }, t0 + 60_000, woman),
      summary('web-p3', 'cam-cau-rong', 'person', { upper: [{ colour: 'blue', share: 0.8 }], lower: [{ colour: 'black', share: 0.7 }] }, t0 + 120_000),
      summary('web-c1', 'cam-cau-rong', 'car', { body: [{ colour: 'white', share: 0.9 }] }, t0 + 180_000, car),
    ]);

    await page.getByRole('link', { name: 'Tìm theo đặc điểm' }).click();
    await page.getByRole('heading', { name: 'Tìm theo đặc điểm' }).waitFor();
    await page.getByTestId('chips-upper').getByRole('button', { name: 'Đen' }).click();
    expect(await page.getByTestId('chips-upper').getByRole('button', { name: 'Đen' }).getAttribute('aria-pressed')).toBe('true');
    await page.getByRole('button', { name: 'Tìm', exact: true }).click();
    const cards = page.getByTestId('attr-card');
    await expect.poll(() => cards.count()).toBe(2);
    const imgs = page.getByTestId('attr-results').locator('img');
    await expect.poll(() => imgs.evaluateAll((els: Img[]) => els.map((e) => e.complete && e.naturalWidth > 0))).toEqual([true, true]);
    expect(await cards.first().innerText()).toContain('Đen / Xám');
    expect(await cards.first().getByRole('link').getAttribute('href')).toBe('#/camera/cam-nguyen-van-linh');
    await page.waitForTimeout(200);
    await ui.shot('30-attribute-search');
    await copyFile(join(SCREENS, '30-attribute-search.png'), join(REPO_ROOT, 'docs/images/attribute-search.png'));

    // A white car, in English.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByLabel('Object').selectOption('car');
    await page.getByTestId('chips-body').getByRole('button', { name: 'White' }).click();
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => cards.count()).toBe(1);
    expect(await cards.first().innerText()).toContain('White');
    await ui.shot('30b-attribute-search-en');

    const audit = (await ui.store.listAudit({ action: 'search.attributes' })).items;
    expect(audit.map((a) => a.details)).toEqual(expect.arrayContaining([
      expect.objectContaining({ cls: ['person'], upper: 'black', hits: 2 }),
      expect.objectContaining({ cls: ['car'], body: 'white', hits: 1 }),
    ]));
  }, 90_000);
});
