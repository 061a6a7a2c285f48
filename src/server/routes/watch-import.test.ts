/** Watch-list CSV import against a real server over a real store (SQLite, and PostgreSQL: required on CI). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from '../../core/ids.js';
import type { PlateReadEvent } from '../../core/plate.js';
import { testDialects } from '../../store/postgres/testing-db.js';
import { startTestServer, TestClient, type TestServer } from '../testing/harness.js';

const dialects = await testDialects('watch-import');

const GOOD = '\uFEFFplate,reason,expires\r\n30A-123.45,Trộm cắp,2099-12-31\r\n"29-B1 123.45","Truy nã, khẩn cấp",\r\n51G-888.*,Xe tang vật,\r\n';

describe.each(dialects)('POST /api/watchlists/:id/import over %s', (dialect) => {
  let t: TestServer;
  let inv: TestClient;
  let listId: string;
  const importCsv = (csv: string, as = inv, id = listId) => as.post(`/api/watchlists/${id}/import`, { csv });
  const patterns = async () => (await t.store.listWatchEntries(listId)).map((e) => e.pattern).sort();

  beforeAll(async () => {
    t = await startTestServer(dialect);
    inv = await TestClient.login(t.url, 'investigator');
    const list = await inv.post('/api/watchlists', { name: 'Xe cần kiểm tra', severity: 'critical' });
    listId = list.body.id;
  });
  afterAll(async () => t?.dispose());

  it('refuses a file with bad lines, lists each line and why, and writes nothing', async () => {
    const csv = 'plate,reason\n30A-123.45,ok\nXYZ-1,bad\n43A-222.22,\n43A-333.33,"open quote';
    const r = await importCsv(csv);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('invalid_csv');
    expect(r.body.error.message).toContain('nothing was imported');
    expect(r.body.error.lines.map((l: { line: number }) => l.line)).toEqual([3, 4, 5]);
    expect(r.body.error.lines[0].message).toContain('"XYZ-1" is not a Vietnamese plate');
    expect(await patterns()).toEqual([]);
    expect((await t.store.listAudit({ action: 'watchlist.import' })).items).toHaveLength(0);
  });

  it('imports a good file (BOM, CRLF, quotes, both plate forms, a pattern) in one go, audited', async () => {
    const r = await importCsv(GOOD);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ imported: 3, skipped: 0 });
    expect((await t.store.listWatchEntries(listId)).map((e) => e.pattern)).toEqual(['30A12345', '29B112345', '51G888*']); // file order
    const entries = await t.store.listWatchEntries(listId);
    expect(entries.find((e) => e.pattern === '29B112345')?.note).toBe('Truy nã, khẩn cấp');
    expect(entries.find((e) => e.pattern === '30A12345')?.expiresAtMs).toBe(Date.parse('2100-01-01T00:00:00+07:00'));
    const audit = (await t.store.listAudit({ action: 'watchlist.import' })).items;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ target: listId, details: { rows: 3, imported: 3, skipped: 0, username: 'investigator' } });
  });

  it('skips plates already in the list and plates repeated in the file', async () => {
    const r = await importCsv('plate,reason\n30A12345,again\n43A-555.55,new\n43A55555,repeat\n');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      imported: 1, skipped: 2,
      skippedLines: [{ line: 2, pattern: '30A12345', why: 'in_list' }, { line: 4, pattern: '43A55555', why: 'repeated' }],
    });
    expect(await patterns()).toEqual(['29B112345', '30A12345', '43A55555', '51G888*']);
  });

  it('raises an alert when a camera reads an imported plate', async () => {
    const read: PlateReadEvent = {
      id: ulid(), cameraId: 'cam-x', atMs: Date.now(), ptsSec: 1, kind: 'plate.read', trackId: 3, cls: 'motorcycle', reads: 4,
      read: { plate: '29B112345', display: '29-B1 123.45', confidence: 0.91, category: 'private', lines: ['29B1', '12345'] },
    };
    await t.server.ctx.ingest.handle(read); // resolves once committed
    const alerts = (await t.store.listAlerts({ kinds: ['watchlist_hit'] })).items;
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ severity: 'critical', cameraId: 'cam-x', payload: { listId, plateKey: '29B112345', note: 'Truy nã, khẩn cấp' } });
  });

  it('needs watchlists.write, the CSRF header and an existing list', async () => {
    const reviewer = await TestClient.login(t.url, 'reviewer');
    expect((await importCsv(GOOD, reviewer)).status).toBe(403);
    const noCsrf = await inv.request('POST', `/api/watchlists/${listId}/import`, { csv: GOOD }, { csrf: false });
    expect([noCsrf.status, noCsrf.body.error.code]).toEqual([403, 'csrf']);
    expect((await importCsv(GOOD, inv, 'no-such-list')).status).toBe(404);
    expect((await inv.post(`/api/watchlists/${listId}/import`, { csv: GOOD, extra: 1 })).status).toBe(400);
    expect(await patterns()).toEqual(['29B112345', '30A12345', '43A55555', '51G888*']);
  });

  // Finding 5: a trim() per quote made the old reader quadratic; this body stalled the service for minutes.
  it('refuses a 4 MB body of quote characters at once, naming the line, while the service keeps answering', async () => {
    const before = await patterns();
    const csv = `plate,reason\n30A-123.45,ok\n43A-222.22,a${'"'.repeat(1_900_000)}\n`;
    const started = performance.now();
    const [r, health] = await Promise.all([importCsv(csv), inv.get('/api/health')]);
    const ms = performance.now() - started;
    expect(JSON.stringify({ csv }).length).toBeGreaterThan(3_800_000);
    expect(r.status).toBe(400);
    expect(r.body.error.lines).toEqual([{ line: 3, message: 'a field is longer than 2000 characters' }]);
    expect(health.status).toBe(200);
    expect(ms).toBeLessThan(5000);
    console.log(`[watch-import] ${dialect}: 4 MB of quotes refused in ${ms.toFixed(0)} ms`);
    expect(await patterns()).toEqual(before);
  });

  it('refuses a quoted field that never closes or runs over the field limit at the line it opens', async () => {
    const before = await patterns();
    const open = await importCsv(`plate,reason\n30A-123.45,ok\n43A-222.22,"a\n\nb\n${'x'.repeat(100)}`);
    expect(open.body.error.lines).toEqual([{ line: 3, message: 'a quoted field opened on line 3 is not closed (missing ")' }]);
    const long = await importCsv(`plate,reason\n30A-123.45,"ok\nok"\n43A-222.22,"${'""'.repeat(2001)}"\n`);
    expect(long.body.error.lines).toEqual([{ line: 4, message: 'a field is longer than 2000 characters' }]);
    const wide = await importCsv(`plate,reason\n30A-123.45,${','.repeat(50_000)}\n`);
    expect(wide.body.error.lines).toEqual([{ line: 2, message: 'more than 20 fields' }]);
    expect(await patterns()).toEqual(before);
  });

  it('takes a file of 10 000 rows and refuses one row more', async () => {
    const list = await inv.post('/api/watchlists', { name: 'Lớn' });
    const rows = (n: number) => ['plate,reason', ...Array.from({ length: n }, (_, i) => `43A-${String(10_000 + i).slice(0, 3)}.${String(10_000 + i).slice(3)},Danh sách lớn`)].join('\n');
    const over = await importCsv(`${rows(10_000)}\n43B-111.11,x`, inv, list.body.id);
    expect([over.status, over.body.error.lines[0].message]).toEqual([400, expect.stringContaining('more than 10000 rows')]);
    const started = performance.now();
    const ok = await importCsv(rows(10_000), inv, list.body.id);
    const ms = performance.now() - started;
    expect(ok.body).toMatchObject({ imported: 10_000, skipped: 0 });
    expect(await t.store.listWatchEntries(list.body.id)).toHaveLength(10_000);
    console.log(`[watch-import] ${dialect}: 10 000 rows imported in ${ms.toFixed(0)} ms`);
  });
});
