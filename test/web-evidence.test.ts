/**
 * The evidence viewer of the violation review page, end to end (shared set-up in test/web/harness.ts): a REAL
 * signed evidence package (real frames and clip of a road video, written by the project's evidence writer) in the
 * service's evidence folder, its record in the store; the page shows the stills, the plate close-up, the
 * composite and the clip, checks the manifest against the record, enlarges a still with the keyboard, keeps the
 * review shortcuts out of the clip and the enlarged picture, downloads the package as a tar, and says clearly
 * when a violation has no evidence, when a package's folder is gone and when some of its files are.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newKeys, writeSpeedingEvidence } from '../src/evidence/testing/fixture.js';
import type { WrittenEvidence } from '../src/evidence/types.js';
import { skipReason, webUi } from './web/harness.js';

const CAM = 'cam-nguyen-van-linh';
const FULL = '01JDVIEW0000000000000000AA';
const PARTIAL = '01JDVIEW0000000000000000BB';
const GONE = '01JDVIEW0000000000000000CC';
const BARE = '01JDVIEW0000000000000000DD';

/* eslint-disable @typescript-eslint/no-explicit-any -- playwright-core is loaded from web/node_modules at run time */
describe.skipIf(skipReason !== '')(`the evidence viewer${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const ui = webUi({ cameras: false });
  let page: any;
  let full: WrittenEvidence;

  const addViolation = async (id: string, plate: string, ageMs: number, pkg?: { path: string; sha256: string }) => {
    await ui.store.insertViolation({
      id, cameraId: CAM, atMs: Date.now() - ageMs, kind: 'speeding', plateKey: plate.replace(/[^0-9A-Z]/g, ''), plateDisplay: plate,
      details: { speedKmh: 78.4, limitKmh: 60 },
    });
    if (pkg) await ui.store.putEvidence({ id: `${id}-pkg`, violationId: id, eventId: null, kind: 'manifest', path: pkg.path, sha256: pkg.sha256, bytes: 0, createdAtMs: Date.now() });
  };
  const select = async (plate: string) => {
    await page.getByTestId('violation-queue').getByRole('button', { name: new RegExp(plate.replace('.', '\\.')) }).click();
    await page.getByTestId('violation-detail').filter({ hasText: plate }).waitFor();
  };
  /** complete && naturalWidth of every picture matching the test id. */
  const widths = (testId: string) => page.getByTestId(testId).evaluateAll((imgs: any[]) => imgs.map((i) => (i.complete ? i.naturalWidth : -1)));

  it('shows the stills, the plate close-up, the composite and the clip of a real signed package', async () => {
    page = ui.page;
    const root = join(ui.dataDir, 'evidence');
    const keys = await newKeys();
    full = await writeSpeedingEvidence(root, keys, FULL);
    const partial = await writeSpeedingEvidence(root, keys, PARTIAL);
    // Files lost after the package was written: one still and the clip.
    await rm(join(partial.dir, '2-moment.jpg'));
    await rm(join(partial.dir, 'clip.mp4'));
    await addViolation(FULL, '92A-111.11', 60_000, { path: FULL, sha256: full.manifestSha256 });
    await addViolation(PARTIAL, '92A-222.22', 120_000, { path: PARTIAL, sha256: partial.manifestSha256 });
    await addViolation(GONE, '92A-333.33', 180_000, { path: GONE, sha256: 'a'.repeat(64) });
    await addViolation(BARE, '92A-444.44', 240_000);

    await ui.signIn();
    await page.getByRole('link', { name: 'Vi phạm' }).click();
    await select('92A-111.11');
    const viewer = page.getByTestId('evidence-viewer');
    await viewer.waitFor();
    // Three stills, each decoded by the browser (naturalWidth > 0).
    await expect.poll(async () => (await widths('evidence-still')).filter((w: number) => w > 0).length, { timeout: 15_000 }).toBe(3);
    await expect.poll(async () => (await widths('evidence-plate'))[0] ?? -1).toBeGreaterThan(0);
    await expect.poll(async () => (await widths('evidence-composite'))[0] ?? -1).toBeGreaterThan(0);
    expect(await page.getByTestId('evidence-still').first().getAttribute('alt')).toMatch(/^1\. Tiếp cận · .+ — Quá tốc độ — 92A-111\.11$/);
    // The manifest the page read hashes to what the database recorded; the signature's key is named.
    expect(await page.getByTestId('evidence-integrity').textContent()).toBe('khớp với bản ghi');
    expect(await page.getByTestId('evidence-signature').textContent()).toContain(keys.keyId);
    expect(await page.getByTestId('evidence-facts').textContent()).toContain('speed-main');
    // The clip plays in the browser (or the page says plainly that it cannot).
    const clip = page.getByTestId('evidence-clip');
    const playable = await clip.count().then((n: number) => n > 0);
    if (playable) {
      await expect.poll(() => clip.evaluate((v: any) => v.readyState), { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
      expect(await clip.evaluate((v: any) => v.duration)).toBeGreaterThan(5);
    } else {
      await page.getByTestId('evidence-clip-problem').waitFor();
    }
    console.info(`evidence viewer: clip ${playable ? 'plays' : 'cannot play in this chromium'}`);
    await page.getByTestId('violation-detail').evaluate((el: any) => el.scrollIntoView({ block: 'start' }));
    await ui.shot('04b-evidence-viewer');
  }, 90_000);

  it('enlarges a still with the keyboard and keeps the review shortcuts out of the picture and the clip', async () => {
    await page.getByRole('button', { name: /^Phóng to: 1\. Tiếp cận/ }).focus();
    await page.keyboard.press('Enter');
    const box = page.getByTestId('evidence-lightbox');
    await box.locator('figcaption', { hasText: '1. Tiếp cận' }).waitFor();
    expect(await box.locator('img').evaluate((i: any) => i.naturalWidth)).toBeGreaterThan(0);
    await page.keyboard.press('ArrowRight');
    await box.locator('figcaption', { hasText: '2. Thời điểm vi phạm' }).waitFor();
    await page.keyboard.press('j'); // would move to the next violation outside the picture
    await page.keyboard.press('Escape');
    await box.waitFor({ state: 'hidden' });
    expect(await page.getByTestId('violation-detail').textContent()).toContain('92A-111.11');
    expect(await page.evaluate(() => (globalThis as any).document.activeElement?.getAttribute('aria-label'))).toMatch(/^Phóng to: 1\. Tiếp cận/);
    // Keys pressed on the clip belong to the clip: no review, no jump to the next violation.
    if (await page.getByTestId('evidence-clip').count()) {
      await page.getByTestId('evidence-clip').focus();
      await page.keyboard.press('c');
      await page.keyboard.press('j');
      expect(await page.getByTestId('violation-detail').textContent()).toContain('92A-111.11');
      expect(await page.getByRole('status').filter({ hasText: 'Cần nhập lý do' }).count()).toBe(0);
      expect((await ui.store.getViolation(FULL))?.status).toBe('pending');
    }
    // Outside them the shortcuts still work.
    await page.locator('h1#v-title').click();
    await page.keyboard.press('j');
    await page.getByTestId('violation-detail').filter({ hasText: '92A-222.22' }).waitFor();
  });

  it('downloads the signed package as a tar', async () => {
    await select('92A-111.11');
    const link = page.getByTestId('evidence-download');
    expect(await link.textContent()).toContain('Tải gói chứng cứ');
    const href: string = await link.getAttribute('href');
    expect(href).toBe(`/api/violations/${FULL}/evidence/${FULL}-pkg`);
    const got = await page.evaluate(async (u: string) => {
      const res = await fetch(u);
      const bytes = new Uint8Array(await res.arrayBuffer());
      // Walk the ustar headers: prefix (345, 155 bytes) + '/' + name (0, 100 bytes), size in octal at 124.
      const text = (at: number, len: number) => new TextDecoder().decode(bytes.slice(at, at + len)).replace(/\0.*$/s, '');
      const names: string[] = [];
      let magic = '';
      for (let at = 0; at + 512 <= bytes.length && bytes[at] !== 0; ) {
        magic ||= text(at + 257, 5);
        const prefix = text(at + 345, 155);
        names.push(prefix ? `${prefix}/${text(at, 100)}` : text(at, 100));
        at += 512 + Math.ceil(parseInt(text(at + 124, 12).trim(), 8) / 512) * 512;
      }
      return { status: res.status, type: res.headers.get('content-type'), magic, names };
    }, href);
    expect(got.status).toBe(200);
    expect(got.type).toBe('application/x-tar');
    expect(got.magic).toBe('ustar');
    // A package with no face to hide is exported as it is (with faces, privacy.json would say what was blurred: issue #24).
    expect(got.names.sort()).toEqual(full.files.map((f) => `${FULL}/${f}`).sort());
  });

  it('says clearly when files of a package, a whole package or any evidence are missing', async () => {
    await select('92A-222.22');
    const detail = page.getByTestId('violation-detail');
    await detail.getByRole('img', { name: 'Thiếu tệp: 2-moment.jpg' }).waitFor();
    await expect.poll(() => widths('evidence-still')).toHaveLength(2);
    await detail.getByTestId('evidence-clip-problem').filter({ hasText: 'Thiếu tệp: clip.mp4' }).waitFor({ timeout: 15_000 });
    await ui.shot('04c-evidence-missing-files');
    await select('92A-333.33');
    expect(await detail.getByTestId('evidence-problem').textContent()).toContain('Không tìm thấy tệp của gói chứng cứ');
    await select('92A-444.44');
    expect(await detail.getByTestId('evidence-none').textContent()).toBe('Vi phạm này chưa có chứng cứ.');
  });
});
