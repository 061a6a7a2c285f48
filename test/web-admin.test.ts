/**
 * The administration screens end to end (shared set-up in test/web/harness.ts, no live video): add a user with a role,
 * create an API key whose secret is shown once and works, create a watch list and import CSV files (a bad one shows
 * its line errors and writes nothing, then a good one), open the audit log with filters and paging, verify the chain
 * (and see a tampered row caught). Screenshots 10–12 in test-artifacts/screens/.
 */
import { describe, expect, it } from 'vitest';
import { skipReason, webUi } from './web/harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- playwright-core is loaded from web/node_modules at run time */
describe.skipIf(skipReason !== '')(`the administration screens${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const ui = webUi({ cameras: false });
  let page: any;
  let listId = '';
  const BAD_CSV = 'plate,reason,expires\n30A-123.45,Trộm cắp,\nXYZ-99,Sai biển,\n43A-222.22,,\n51G-888.12,Hết hạn rồi,2020-01-01\n';
  const GOOD_CSV = '\uFEFFbiển số,lý do,hết hạn\r\n30A-123.45,Trộm cắp,2099-12-31\r\n"29-B1 123.45","Truy nã, khẩn cấp",\r\n51G-888.*,Xe tang vật,\r\n30A12345,Trùng dòng 2,\r\n';

  it('adds a user with the reviewer role and an area scope', async () => {
    page = ui.page;
    await ui.signIn();
    await page.getByRole('link', { name: 'Quản trị' }).click();
    await page.getByRole('heading', { name: 'Quản trị' }).waitFor();
    const users = page.getByTestId('users-table');
    await users.locator('tr[data-username=admin]').waitFor();
    await page.getByLabel('Tên đăng nhập').fill('canbo.duyet');
    await page.getByLabel('Họ tên').fill('Nguyễn Văn Duyệt');
    await page.getByLabel('Mật khẩu', { exact: true }).fill('mat-khau-duyet-1');
    await page.getByLabel('Giới hạn quận/huyện (không bắt buộc)').fill('Hải Châu');
    await page.getByRole('button', { name: 'Thêm người dùng' }).click();
    await page.getByRole('alert').filter({ hasText: 'Chọn ít nhất một vai trò' }).waitFor();
    await page.getByRole('checkbox', { name: /\(reviewer\)/ }).check();
    await page.getByRole('button', { name: 'Thêm người dùng' }).click();
    const row = users.locator('tr[data-username="canbo.duyet"]');
    await row.waitFor();
    expect(await row.textContent()).toMatch(/Nguyễn Văn Duyệt.*Cán bộ duyệt vi phạm.*Hải Châu.*Đang hoạt động/);
    const stored = (await ui.store.listUsers()).find((u) => u.username === 'canbo.duyet');
    expect(stored).toMatchObject({ roles: ['reviewer'], scope: { districts: ['Hải Châu'] }, disabled: false });
    const login = await fetch(`${ui.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'canbo.duyet', password: 'mat-khau-duyet-1' }) });
    expect(login.status).toBe(200);
    await ui.shot('10-admin-users');
    // Disable, then enable again: the row says so, and the store agrees.
    await row.getByRole('button', { name: /^Khoá/ }).click();
    await row.getByText('Đã khoá').waitFor();
    expect((await ui.store.getUser(stored!.id))?.disabled).toBe(true);
    await row.getByRole('button', { name: /^Mở khoá/ }).click();
    await row.getByText('Đang hoạt động').waitFor();
  });

  it('creates an API key, shows its secret once with a copy button, and revokes it', async () => {
    await page.getByRole('link', { name: 'Khoá API' }).click();
    await page.getByLabel('Tên khoá (đơn vị sử dụng)').fill('CSGT Quảng Nam');
    // A key that posts reads must name where: refused in the form until it does.
    await page.getByRole('checkbox', { name: /ingest\.write/ }).check();
    await page.getByRole('button', { name: 'Tạo khoá API' }).click();
    await page.getByRole('alert').filter({ hasText: 'Khoá gửi dữ liệu phải ghi rõ camera hoặc quận/huyện' }).waitFor();
    await page.getByRole('checkbox', { name: /ingest\.write/ }).uncheck();
    await page.getByRole('checkbox', { name: /plates\.search/ }).check();
    await page.getByLabel('Quận/huyện').fill('Hải Châu');
    await page.getByLabel('Giới hạn yêu cầu/phút').fill('120');
    const expiryDay = await page.getByLabel('Hết hạn vào ngày').inputValue();
    expect(expiryDay).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await page.getByRole('button', { name: 'Tạo khoá API' }).click();
    const secretBox = page.getByTestId('secret-once');
    await secretBox.waitFor();
    const secret: string = await page.getByLabel('Khoá bí mật (chỉ hiện một lần)').inputValue();
    expect(secret).toMatch(/^argus_/);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ui.url });
    await secretBox.getByRole('button', { name: 'Sao chép' }).click();
    await secretBox.getByRole('status').filter({ hasText: 'Đã sao chép' }).waitFor();
    expect(await page.evaluate(() => (globalThis as any).navigator.clipboard.readText())).toBe(secret);
    const search = () => fetch(`${ui.url}/api/plates/search?q=43A*&mode=prefix`, { headers: { authorization: `Bearer ${secret}` } });
    expect((await search()).status).toBe(200);
    const keyRow = page.getByTestId('keys-table').locator('tr[data-key-name="CSGT Quảng Nam"]');
    expect(await keyRow.textContent()).toMatch(/Tra cứu biển số.*Hải Châu.*120.*Đang dùng/);
    // Stored with that area and an expiry at the end of the day picked (90 days ahead by default).
    const stored = (await ui.store.listApiKeys()).find((k) => k.name === 'CSGT Quảng Nam')!;
    expect(stored.scope).toEqual({ districts: ['Hải Châu'] });
    expect(stored.expiresAtMs! - Date.now()).toBeGreaterThan(89 * 86_400_000);
    expect(stored.expiresAtMs! - Date.now()).toBeLessThan(92 * 86_400_000);
    await secretBox.getByRole('button', { name: 'Đã lưu khoá, đóng' }).click();
    await secretBox.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(secret);
    await keyRow.getByRole('button', { name: /^Thu hồi/ }).click();
    await keyRow.getByRole('button', { name: /^Xác nhận thu hồi/ }).click();
    await keyRow.getByText('Đã thu hồi').waitFor();
    expect((await search()).status).toBe(401);
  });

  it('creates a watch list, refuses a bad CSV with its line errors, then imports a good one', async () => {
    await page.getByRole('link', { name: 'Danh sách theo dõi' }).click();
    await page.getByLabel('Tên', { exact: true }).fill('Xe bị truy tìm');
    await page.getByLabel('Mức độ').selectOption({ label: 'Khẩn cấp' });
    await page.getByRole('button', { name: 'Tạo', exact: true }).click();
    const detail = page.getByTestId('watch-detail');
    await detail.getByRole('heading', { name: /Xe bị truy tìm/ }).waitFor();
    listId = decodeURIComponent(String(await page.evaluate(() => (globalThis as any).location.hash)).split('/').pop() ?? '');
    expect(await ui.store.getWatchList(listId)).toMatchObject({ name: 'Xe bị truy tìm', severity: 'critical' });

    const file = page.getByLabel('Tệp CSV', { exact: true });
    await file.setInputFiles({ name: 'sai.csv', mimeType: 'text/csv', buffer: Buffer.from(BAD_CSV) });
    const preview = page.getByTestId('csv-preview');
    await preview.waitFor();
    expect(await preview.textContent()).toContain('sai.csv — 4 dòng đầu trong tổng số 4 dòng');
    await preview.getByRole('button', { name: 'Nhập vào danh sách' }).click();
    const errors = page.getByTestId('import-errors');
    await errors.waitFor();
    expect(await errors.getAttribute('role')).toBe('alert');
    const items: string[] = await errors.locator('li').allTextContents();
    expect(items.map((t) => t.split(':')[0])).toEqual(['Dòng 3', 'Dòng 4', 'Dòng 5']);
    expect(items[0]).toContain('"XYZ-99" is not a Vietnamese plate');
    await ui.shot('11b-admin-import-errors');
    expect(await ui.store.listWatchEntries(listId)).toHaveLength(0);

    await file.setInputFiles({ name: 'dung.csv', mimeType: 'text/csv', buffer: Buffer.from(GOOD_CSV) });
    await preview.getByRole('button', { name: 'Nhập vào danh sách' }).click();
    await page.getByTestId('import-done').filter({ hasText: 'Đã nhập 3, 1 bỏ qua' }).waitFor();
    await errors.waitFor({ state: 'detached' });
    const entries = page.getByTestId('watch-entries');
    await expect.poll(() => entries.locator('tbody tr').count()).toBe(3);
    expect(await entries.textContent()).toMatch(/30A12345.*Trộm cắp.*đến hết 31\/12\/2099.*29B112345.*Truy nã, khẩn cấp.*51G888\*.*Xe tang vật/);
    expect((await ui.store.listWatchEntries(listId)).map((e) => e.pattern).sort()).toEqual(['29B112345', '30A12345', '51G888*']);
    await page.locator('section.page').evaluate((el: any) => el.scrollTo(0, 0));
    await ui.shot('11-admin-watchlists');
  });

  it('shows those actions in the audit log, filters and pages it, and verifies the hash chain', async () => {
    // 60 searches by a partner key, so the log has more than one page of them.
    for (let i = 0; i < 60; i++) await ui.store.appendAudit({ atMs: Date.now(), actor: 'apikey:seed', action: 'plate.search', target: null, details: { q: `43A${i}` } });
    await page.getByRole('link', { name: 'Nhật ký kiểm toán' }).click();
    const table = page.getByTestId('audit-table');
    const shown = (): Promise<string[]> => table.locator('tbody tr').evaluateAll((rows: any[]) => rows.map((r) => r.getAttribute('data-action')));
    await table.waitFor();
    await page.getByLabel('Hành động').fill('plate.search');
    await page.getByRole('button', { name: 'Lọc', exact: true }).click();
    await expect.poll(shown).toEqual(Array(50).fill('plate.search'));
    // The seeded 60 and the search the API key made above.
    const searches = (await ui.store.listAudit({ action: 'plate.search', limit: 1000 })).items.length;
    expect(searches).toBe(61);
    await page.getByRole('button', { name: 'Trang sau' }).click();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(searches - 50);
    expect(await page.getByRole('button', { name: 'Trang sau' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Trang trước' }).click();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(50);

    await page.getByRole('button', { name: 'Bỏ lọc' }).click();
    await page.getByLabel('Người thực hiện').fill('admin');
    await page.getByRole('button', { name: 'Lọc', exact: true }).click();
    // The unfiltered page holds the key's search; the admin's actions do not.
    await expect.poll(async () => (await shown()).includes('plate.search')).toBe(false);
    expect(await shown()).toEqual(expect.arrayContaining(['auth.login', 'user.create', 'user.edit', 'apikey.create', 'apikey.revoke', 'watchlist.create', 'watchlist.import']));
    expect(await table.locator('tr[data-action="watchlist.import"]').textContent()).toMatch(new RegExp(`admin.*${listId}.*imported: 3.*skipped: 1`));

    await page.getByRole('button', { name: 'Kiểm tra chuỗi băm' }).click();
    const result = page.getByTestId('chain-result');
    await result.filter({ hasText: 'Chuỗi nhật ký toàn vẹn' }).waitFor();
    const count = (await ui.store.verifyAuditChain()).count;
    expect(await result.textContent()).toContain(`${count} bản ghi`);
    await ui.shot('12-admin-audit');

    // Rewrite one old row behind the service's back: the same button now says where the chain breaks.
    (ui.store as unknown as { connection: { exec(sql: string): void } }).connection.exec(`update audit_log set action = 'user.view' where seq = 2`);
    await page.getByRole('button', { name: 'Kiểm tra chuỗi băm' }).click();
    await result.filter({ hasText: 'Chuỗi nhật ký BỊ SỬA ĐỔI: hỏng tại bản ghi #2' }).waitFor();
    expect(await result.getAttribute('role')).toBe('alert');
  });
});
