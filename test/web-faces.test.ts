/**
 * The faces page through the UI in Debian chromium (shared set-up in test/web/harness.ts: the real service, the demo
 * site without analysis, the real face models: YuNet from ARGUS_MODELS, face-api's ResNet converted to ONNX by
 * test/global-setup.ts). Photos are dev faces of faces_celeb24_aligned (112×112 tight crops) padded 60 px each side
 * (edge pixels replicated) so the detector sees a whole head, as a photo would show it.
 *
 * An investigator creates a face watch list (the threshold slider says what it means while it moves), enrols p01 from
 * two photos (a photo with no face is refused first, and the form says which one), and searches with a third photo of
 * p01: nothing seen yet. Faces then arrive as the cameras send them (face.seen through the service's ingest, embedded
 * by the service's own engine from other photos): two of p01 on two cameras, one of p03. The operator sees p01's match
 * on the Matches tab with both faces, a second match arrives through the live push while the tab is open, and he
 * confirms one (audited as face.decide; deciding it again is refused with 409), and when he rejects the other after someone
 * else decided it, the card says it was already decided and by whom. The person search finds p01's
 * sightings ranked first, with their route on the map; p03 is not among them. A viewer has no Faces menu and gets
 * 403 on /api/face-lists. Screenshots (vi) test-artifacts/screens/24-face-enrol.png, 24-face-match.png,
 * 24-person-search.png.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { FaceSeenEvent } from '../src/core/face.js';
import { ulid } from '../src/core/ids.js';
import { createUser } from '../src/server/users.js';
import { DATA } from './assets.js';
import { skipReason, webUi } from './web/harness.js';

const FACES = join(DATA, 'faces_celeb24_aligned', 'images');
const PASS = 'faces-pass-1234';
const MIN = 60_000;

/** A dev face padded onto a larger picture (the 112×112 crop alone is a face without a head around it). */
const padded = async (name: string): Promise<Buffer> =>
  sharp(await readFile(join(FACES, name))).extend({ top: 60, bottom: 60, left: 60, right: 60, extendWith: 'copy' }).jpeg({ quality: 92 }).toBuffer();

describe.skipIf(skipReason !== '')(`faces through the UI${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const ui = webUi({ cameras: false });

  const signInAs = async (username: string, hash = '#/faces'): Promise<void> => {
    const page = ui.page;
    await page.goto(`${ui.url}/${hash}`);
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu').fill(PASS);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
  };
  const signOut = async (): Promise<void> => {
    await ui.page.getByRole('button', { name: 'Đăng xuất' }).click();
    await ui.page.getByLabel('Tên đăng nhập').waitFor();
  };
  /** Every face image of the locator has loaded (the API served it: a face the role may not see would not). */
  const imagesLoaded = async (sel: string): Promise<number[]> =>
    ui.page.locator(sel).evaluateAll((imgs: Array<{ complete: boolean; naturalWidth: number; onload: unknown; onerror: unknown }>) =>
      Promise.all(imgs.map((i) => (i.complete ? i : new Promise((r) => { i.onload = i.onerror = r; })))).then(() => imgs.map((i) => i.naturalWidth)));

  /** A face the way a camera sends it: embedded by the service's engine, with its aligned crop, box ≥ 32 px tall. */
  const seen = async (photo: string, cameraId: string, atMs: number, trackId: number): Promise<string> => {
    const found = await (await ui.server.ctx.faces.engine()).photo(new Uint8Array(await padded(photo)));
    expect(found, `the detector finds the face of ${photo} padded`).not.toBeNull();
    const e: FaceSeenEvent = {
      id: ulid(atMs), cameraId, atMs, ptsSec: 0, kind: 'face.seen', trackId, box: { x1: 400, y1: 200, x2: 448, y2: 256 }, quality: found!.quality,
      model: ui.server.ctx.faces.model, embedding: Array.from(found!.embedding, (x) => Math.round(x * 1e5) / 1e5), cropJpeg: found!.alignedJpeg,
    };
    await ui.server.ctx.ingest.handle(e);
    return e.id;
  };

  it('enrol, match with both faces, decide, search with the route; a viewer sees no face', async () => {
    const page = ui.page;
    const dir = await mkdtemp(join(tmpdir(), 'argus-web-faces-'));
    const file = async (name: string, bytes: Buffer): Promise<string> => {
      await writeFile(join(dir, name), bytes);
      return join(dir, name);
    };
    const enrol1 = await file('p01_01.jpg', await padded('p01_01.png'));
    const enrol2 = await file('p01_02.jpg', await padded('p01_02.png'));
    const probe = await file('p01_03.jpg', await padded('p01_03.png'));
    const noFace = await file('grey.png', await sharp({ create: { width: 232, height: 232, channels: 3, background: { r: 128, g: 128, b: 128 } } }).png().toBuffer());
    const investigator = await createUser(ui.store, { username: 'dieu-tra', password: PASS, roles: ['investigator'] });
    const operator = await createUser(ui.store, { username: 'truc-ca', password: PASS, roles: ['operator'] });
    await createUser(ui.store, { username: 'xem', password: PASS, roles: ['viewer'] });

    // The investigator creates a list; the slider says what the threshold means while it moves.
    await signInAs('dieu-tra');
    await page.getByRole('link', { name: 'Khuôn mặt' }).waitFor();
    await page.locator('[data-testid=faces-lists]').waitFor();
    await page.getByRole('button', { name: 'Tạo danh sách' }).click();
    const form = page.getByRole('dialog', { name: 'Tạo danh sách' });
    await form.getByLabel('Tên').fill('Đối tượng truy nã – Hải Châu');
    await form.getByLabel('Mức độ cảnh báo').selectOption('critical');
    const meaning = form.locator('[data-testid=threshold-meaning]');
    // The suggested threshold of face-api's ResNet: a false-match rate of 1e-3 on the dev pairs.
    await expect(meaning.textContent()).resolves.toBe('khoảng 1 nhận nhầm trên 1.000 khuôn mặt');
    await form.getByLabel(/Ngưỡng trùng khớp/).fill('0.8828');
    await expect(meaning.textContent()).resolves.toBe('khoảng 1 nhận nhầm trên 10 khuôn mặt');
    await form.getByRole('button', { name: '0.9224' }).click();
    await expect(meaning.textContent()).resolves.toBe('khoảng 1 nhận nhầm trên 1.000 khuôn mặt');
    await form.getByRole('button', { name: 'Tạo', exact: true }).click();
    const detail = page.locator('[data-testid=face-list-detail]');
    await detail.waitFor();
    const listId = await detail.getAttribute('data-list');
    await expect(detail.locator('.far-sentence').first().textContent()).resolves.toBe('khoảng 1 nhận nhầm trên 1.000 khuôn mặt');

    // Enrolment: a photo without a face is refused, and the form says which one.
    const enrol = page.locator('[data-testid=enrol-form]');
    await enrol.getByLabel('Tên', { exact: true }).fill('Nguyễn Văn A');
    await enrol.getByLabel('Lý do theo dõi').fill('Đối tượng bị truy nã theo quyết định số 12/QĐ-CSHS');
    await enrol.getByLabel('Căn cứ pháp lý').fill('Điều 231 Bộ luật Tố tụng hình sự 2015; Quyết định truy nã 12/QĐ-CSHS');
    await enrol.getByLabel('Ảnh khuôn mặt').setInputFiles([enrol1, noFace]);
    await enrol.getByRole('button', { name: 'Đưa vào danh sách' }).click();
    await expect(enrol.locator('[data-testid=enrol-error]').textContent()).resolves.toMatch(/photo 2: no face found/);
    await enrol.getByLabel('Ảnh khuôn mặt').setInputFiles([enrol1, enrol2]);
    await enrol.getByRole('button', { name: 'Đưa vào danh sách' }).click();
    const person = detail.locator('[data-testid=face-person]');
    await person.waitFor();
    await expect(person.textContent()).resolves.toContain('Điều 231 Bộ luật Tố tụng hình sự');
    await expect(person.textContent()).resolves.toContain('dieu-tra');
    const thumbs = await imagesLoaded('[data-testid=face-person] img.face-img');
    expect(thumbs).toEqual([112, 112]);
    await page.locator('[data-testid=faces-page]').evaluate((el: { scrollTop: number }) => { el.scrollTop = 0; });
    // The dev faces are test fixtures (web photos, no licence), not ours to publish: the screenshots show them blurred.
    await page.addStyleTag({ content: 'img.face-img { filter: blur(14px) saturate(0.6); }' });
    await ui.shot('24-face-enrol');

    // Person search before any camera saw p01: nothing.
    await page.getByRole('link', { name: 'Tìm người' }).click();
    const search = page.locator('[data-testid=face-search-form]');
    await search.getByLabel('Ảnh người cần tìm').setInputFiles(probe);
    await search.getByLabel('Lý do tìm kiếm (vụ việc)').fill('Vụ cướp giật ngày 07/12 tại cầu Rồng');
    await search.getByRole('button', { name: 'Tìm', exact: true }).click();
    await page.locator('[data-testid=face-search-results][data-hits="0"]').waitFor();
    await signOut();

    // The cameras see p01 twice (two cameras, ten minutes apart) and p03 once.
    const t0 = Date.now() - 30 * MIN;
    const first = await seen('p01_04.png', 'cam-nguyen-van-linh', t0, 11);
    const stranger = await seen('p03_01.png', 'cam-cau-rong', t0 + 5 * MIN, 12);

    // The operator: p01's match with both faces; a second one arrives through the live push while he looks.
    await signInAs('truc-ca', '#/faces/matches');
    const cards = page.locator('[data-testid=face-match]');
    await cards.first().waitFor();
    await expect(cards.count()).resolves.toBe(1);
    const second = await seen('p01_05.png', 'cam-cau-rong', t0 + 10 * MIN, 13);
    await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('[data-testid=face-match]').length === 2, undefined, { timeout: 20_000 }); // eslint-disable-line @typescript-eslint/no-explicit-any
    const matches = (await ui.server.ctx.store.listAlerts({ limit: 10, kinds: ['face_match'] })).items;
    expect(matches.map((a) => (a.payload as Record<string, unknown>)['faceId']).sort()).toEqual([first, second].sort());
    const card = page.locator(`[data-testid=face-match][data-alert="${matches.find((a) => (a.payload as Record<string, unknown>)['faceId'] === first)!.id}"]`);
    await expect(card.textContent()).resolves.toContain('Nguyễn Văn A');
    await expect(card.textContent()).resolves.toContain('Đối tượng truy nã – Hải Châu');
    await expect(card.textContent()).resolves.toContain('ngưỡng 92.2 %');
    // Both faces: the enrolled photo that matched and the face seen, served by the API to the operator.
    expect(await imagesLoaded('[data-testid=face-match] img.face-img')).toEqual([112, 112, 112, 112]);
    await card.getByLabel('Ghi chú quyết định').fill('Đúng đối tượng, đã báo tổ tuần tra');
    await ui.shot('24-face-match');
    await card.getByRole('button', { name: 'Xác nhận đúng người' }).click();
    await card.locator('[data-testid=match-decision]', { hasText: 'Đã xác nhận bởi truc-ca' }).waitFor();
    const alertId = await card.getAttribute('data-alert');
    const audit = (await ui.store.listAudit({ limit: 200 })).items.filter((a) => a.action === 'face.decide');
    expect(audit.map((a) => [a.target, a.actor])).toEqual([[alertId, operator.id]]);
    // Decided once: a second decision is refused (409) and the card keeps the first.
    const again = await page.evaluate(async (id: string) => {
      const csrf = /(?:^|;\s*)argus_csrf=([^;]+)/.exec(String((globalThis as any).document.cookie))?.[1] ?? ''; // eslint-disable-line @typescript-eslint/no-explicit-any
      const r = await fetch(`/api/face-matches/${id}/decision`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': decodeURIComponent(csrf) }, body: JSON.stringify({ decision: 'rejected', note: '' }) });
      return r.status;
    }, alertId);
    expect(again).toBe(409);
    // Someone else decides the other match first (the admin, on another screen): the operator's reject is refused, the
    // card says so and shows who decided.
    const other = matches.find((a) => (a.payload as Record<string, unknown>)['faceId'] === second)!.id;
    const admin = (await ui.store.getUserByUsername('admin'))!;
    expect(await ui.store.decideFaceMatch({ alertId: other, decision: 'confirmed', note: 'đã xử lý', decidedBy: admin.id, decidedAtMs: Date.now() })).toBeTruthy();
    const otherCard = page.locator(`[data-testid=face-match][data-alert="${other}"]`);
    await otherCard.getByRole('button', { name: 'Bác bỏ (nhầm người)' }).click();
    await otherCard.getByRole('status').filter({ hasText: 'Trùng khớp này đã được quyết định' }).waitFor();
    await otherCard.locator('[data-testid=match-decision]', { hasText: 'Đã xác nhận bởi admin' }).waitFor();
    // The alert feed says the match in words, with the way to both faces.
    await page.getByRole('link', { name: 'Cảnh báo' }).click();
    const feed = page.locator('[data-testid=face-alert]').first();
    await expect(feed.textContent()).resolves.toMatch(/Nguyễn Văn A · danh sách Đối tượng truy nã – Hải Châu · độ giống \d+\.\d % \(ngưỡng 92\.2 %\)/);
    await signOut();

    // The investigator's person search: p01's sightings first, the route through both cameras; p03 not among them.
    await signInAs('dieu-tra', '#/faces/search');
    await search.getByLabel('Ảnh người cần tìm').setInputFiles(probe);
    await search.getByLabel('Lý do tìm kiếm (vụ việc)').fill('Vụ cướp giật ngày 07/12 tại cầu Rồng');
    await search.getByRole('button', { name: 'Tìm', exact: true }).click();
    const results = page.locator('[data-testid=face-search-results]');
    await results.waitFor();
    const hits: Array<{ id: string; score: number }> = await page.locator('[data-testid=face-hit]')
      .evaluateAll((els: Array<{ dataset: Record<string, string> }>) => els.map((e) => ({ id: e.dataset['face'], score: Number(e.dataset['score']) })));
    console.log('person search hits', JSON.stringify(hits));
    expect(hits.slice(0, 2).map((h) => h.id).sort()).toEqual([first, second].sort());
    expect(hits.map((h) => h.id)).not.toContain(stranger);
    expect(await imagesLoaded('[data-testid=face-hit] img.face-img')).toEqual([112, 112]);
    await page.locator('[data-testid=map][data-route-points="2"]').waitFor();
    await expect(page.locator('[data-testid=face-timeline] li').count()).resolves.toBe(2);
    await ui.shot('24-person-search');
    const searches = (await ui.store.listAudit({ limit: 200 })).items.filter((a) => a.action === 'faces.search');
    expect(searches.map((a) => a.actor)).toEqual([investigator.id, investigator.id]);
    // In English: the same page, its own words.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Faces' }).waitFor();
    await page.getByRole('link', { name: 'Person search' }).waitFor();
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    await page.getByRole('button', { name: 'Tiếng Việt' }).click();
    await signOut();

    // A viewer: no Faces menu, and the API refuses the lists.
    await signInAs('xem', '#/map');
    await page.getByRole('link', { name: 'Bản đồ' }).waitFor();
    await expect(page.getByRole('link', { name: 'Khuôn mặt' }).count()).resolves.toBe(0);
    const status = await page.evaluate(async () => (await fetch('/api/face-lists')).status);
    expect(status).toBe(403);
    expect(listId).toBeTruthy();
    await rm(dir, { recursive: true, force: true });
  }, 240_000);
});
