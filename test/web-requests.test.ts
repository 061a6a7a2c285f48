/**
 * A partner request run through the UI in Debian chromium (shared set-up in test/web/harness.ts, the demo site, no
 * analysis): a partner agency asks for footage of a demo camera with a reason and a legal basis; the duty supervisor
 * approves it in the dialog with a one-hour expiry; the partner sees it approved, downloads the signed package (the
 * signature and every digest checked here in node with the service's evidence key), reads the read-only link, which
 * serves the package without sign-in — until it expires: then 410 Gone, and the page says Hết hạn (Expired in English,
 * on a phone's width too). Screenshots
 * test-artifacts/screens/24-requests-*.png.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { verifyEvidence } from '../src/evidence/verify.js';
import { createUser } from '../src/server/users.js';
import { segmentName } from '../src/video/segment-names.js';
import { video } from './assets.js';
import { SCREENS, skipReason, webUi } from './web/harness.js';

const run = promisify(execFile);
const MIN = 60_000;
const PASS = 'partner-pass-123';
const CAMERA = 'cam-cau-rong';
/** A datetime-local value in Việt Nam's time (UTC+7). */
const local = (ms: number): string => new Date(ms + 7 * 3_600_000).toISOString().slice(0, 16);

describe.skipIf(skipReason !== '')(`a partner request through the UI${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const ui = webUi({ cameras: false });

  const signInAs = async (username: string): Promise<void> => {
    const page = ui.page;
    await page.goto(`${ui.url}/#/requests`);
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu').fill(PASS);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.locator('[data-testid=requests]').waitFor();
  };
  const signOut = async (): Promise<void> => {
    await ui.page.getByRole('button', { name: 'Đăng xuất' }).click();
    await ui.page.getByLabel('Tên đăng nhập').waitFor();
  };

  it('request, approve, download, verify the signature, the link expires', async () => {
    const page = ui.page;
    const now = Date.now();
    // Two recorded minutes of the camera an hour ago (each segment a 20 s road video).
    const start = Math.floor((now - 60 * MIN) / MIN) * MIN;
    await mkdir(join(ui.dataDir, 'recordings', CAMERA), { recursive: true });
    for (const i of [0, 1]) await copyFile(video('opencv4nodejs_traffic.mp4'), join(ui.dataDir, 'recordings', CAMERA, segmentName(start + i * MIN)));
    await createUser(ui.store, { username: 'ca-hoian', password: PASS, roles: ['partner'] });
    await createUser(ui.store, { username: 'truc-ban', password: PASS, roles: ['supervisor'] });

    // The partner asks.
    await signInAs('ca-hoian');
    await expect(page.getByRole('link', { name: 'Yêu cầu chia sẻ' }).count()).resolves.toBe(1);
    const form = page.locator('[data-testid=request-form]');
    await form.getByLabel('Loại tài liệu').selectOption('footage');
    await form.getByLabel('Mã camera').fill(CAMERA);
    await form.getByLabel('Từ lúc').fill(local(start));
    await form.getByLabel('Đến lúc').fill(local(start + 2 * MIN));
    await form.getByLabel('Lý do (vụ việc)').fill('Điều tra vụ cướp giật tài sản ngày hôm nay tại cầu Rồng');
    await form.getByLabel('Căn cứ pháp lý').fill('Điều 88 Bộ luật Tố tụng hình sự 2015');
    await form.getByLabel('Đơn vị yêu cầu').fill('Công an TP Hội An');
    await form.getByRole('button', { name: 'Gửi yêu cầu' }).click();
    const row = page.locator('[data-testid=request-list] tr[data-request]').first();
    await row.locator('.pill', { hasText: 'Chờ duyệt' }).waitFor();
    const id = await row.getAttribute('data-request');
    await ui.shot('24-requests-1-partner-sent');
    await signOut();

    // The supervisor approves it in the dialog, for one hour.
    await signInAs('truc-ban');
    // The menu tells the approver a request waits for him, and stops once it is decided.
    await page.locator('[data-testid=requests-pending]').waitFor();
    await expect(page.locator('[data-testid=requests-pending]').textContent()).resolves.toBe('1');
    const mine = page.locator(`tr[data-request="${id}"]`);
    await mine.getByRole('button', { name: 'Duyệt' }).click();
    const dialog = page.getByRole('dialog', { name: 'Duyệt yêu cầu' });
    await dialog.getByLabel('Ghi chú cho đơn vị yêu cầu').fill('Đồng ý cung cấp, chỉ dùng cho vụ việc đã nêu');
    await dialog.getByLabel('Thời hạn chia sẻ (giờ)').fill('1');
    await ui.shot('24-requests-2-approve-dialog');
    await dialog.getByRole('button', { name: 'Duyệt và tạo gói' }).click();
    // Recorded footage is looked through for faces before it leaves: the package is built in the background, with its progress.
    await mine.locator('.pill', { hasText: 'Đang tạo gói' }).waitFor();
    await page.locator('[data-testid=requests-pending]').waitFor({ state: 'detached' });
    await mine.locator('[data-testid=request-progress]').waitFor();
    await ui.shot('24-requests-2b-building');
    await mine.locator('.pill', { hasText: 'Đã duyệt' }).waitFor({ timeout: 180_000 });
    await signOut();

    // The partner follows it: approved; downloads the signed package and checks it here with the service's key.
    await signInAs('ca-hoian');
    const approved = page.locator(`tr[data-request="${id}"]`);
    await approved.locator('.pill', { hasText: 'Đã duyệt' }).waitFor();
    await expect(approved.textContent()).resolves.toContain('Đồng ý cung cấp');
    await ui.shot('24-requests-3-partner-approved');
    const [download] = await Promise.all([page.waitForEvent('download'), approved.getByRole('link', { name: 'Tải gói có chữ ký' }).click()]);
    const dir = await mkdtemp(join(tmpdir(), 'argus-web-share-'));
    await download.saveAs(join(dir, 'p.tar'));
    await run('tar', ['-xf', join(dir, 'p.tar'), '-C', dir]);
    const pkg = join(dir, `argus-request-${id}`);
    // The two minutes: the first segment whole, the last one cut to the window (its end is not known); privacy.json
    // too where the face finder saw faces to pixelate in them (server-face-blur.test.ts checks the pixels).
    expect((await readdir(pkg)).filter((n) => n !== 'privacy.json').sort()).toEqual([segmentName(start), segmentName(start + MIN), 'manifest.json', 'manifest.sig', 'request.json'].sort());
    const pub = await readFile(join(ui.dataDir, 'keys', 'evidence-ed25519.pub.pem'), 'utf8');
    expect(await verifyEvidence(pkg, pub)).toMatchObject({ ok: true, keyTrusted: true });
    const manifest = JSON.parse(await readFile(join(pkg, 'manifest.json'), 'utf8')) as { share: Record<string, unknown> };
    expect(manifest.share).toMatchObject({ requestId: id, approvedBy: 'truc-ban', agency: 'Công an TP Hội An', legalBasis: 'Điều 88 Bộ luật Tố tụng hình sự 2015' });
    // One byte changed: the verification fails.
    const seg = join(pkg, segmentName(start));
    const bytes = await readFile(seg);
    bytes[0] = bytes[0]! ^ 1;
    await writeFile(seg, bytes);
    expect((await verifyEvidence(pkg, pub)).ok).toBe(false);

    // The read-only link works without signing in, until it expires.
    const link = await approved.locator('[data-testid=request-link]').inputValue();
    expect(link).toMatch(/\/api\/shares\/[A-Za-z0-9_-]{43}$/);
    expect((await fetch(link)).status).toBe(200);
    // The clock moves on past the expiry (the stored expiry set an hour back: the rest reads it as any expiry).
    expect(await ui.store.updateShareRequest(id!, 'approved', { expiresAtMs: Date.now() - 1 }, Date.now())).not.toBeNull();
    const gone = await fetch(link);
    expect(gone.status).toBe(410);
    expect(((await gone.json()) as { error: { message: string } }).error.message).toContain('expired');
    await page.reload();
    await page.locator(`tr[data-request="${id}"] .pill`, { hasText: 'Hết hạn' }).waitFor();
    await ui.shot('24-requests-4-expired');
    // In English, on a phone's width: the rows stack, the words change.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Sharing requests' }).waitFor();
    await page.locator(`tr[data-request="${id}"] .pill`, { hasText: 'Expired' }).waitFor();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(SCREENS, '24-requests-6-en-narrow.png'), fullPage: true });
    await page.setViewportSize({ width: 1600, height: 900 });
    await page.getByRole('button', { name: 'Tiếng Việt' }).click();
    const tab = await ui.browser.newPage();
    const res = await tab.goto(link);
    expect(res.status()).toBe(410);
    await tab.screenshot({ path: join(SCREENS, '24-requests-5-link-gone.png') });
    await tab.close();
    const audit = (await ui.store.listAudit({ limit: 100 })).items.filter((a) => a.target === id).map((a) => a.action);
    expect(audit).toEqual(expect.arrayContaining(['share.request', 'share.approve', 'share.package', 'share.download', 'share.view']));
    await rm(dir, { recursive: true, force: true });
  }, 120_000);
});
