import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TestClient, type TestServer } from '../src/server/testing/harness.js';

/** Sites through the API, against a real server: a site created here carries its home provinces like one of the site file. */
describe('sites through the API', () => {
  let t: TestServer;
  let admin: TestClient;

  beforeAll(async () => {
    t = await startTestServer('sqlite');
    admin = await TestClient.login(t.url, 'admin');
  }, 60_000);
  afterAll(async () => {
    await t?.dispose();
  });

  it("stores a site's home provinces (the plate reader's site prior seed) and reads them back", async () => {
    const put = await admin.request('PUT', '/api/sites/quy-nhon', { id: 'quy-nhon', name: 'Công an TP Quy Nhơn', provinces: [77] });
    expect(put.status).toBe(200);
    expect((await admin.get('/api/sites/quy-nhon')).body).toMatchObject({ id: 'quy-nhon', provinces: [77] });
    expect((await t.store.getSite('quy-nhon'))?.provinces).toEqual([77]);
    await admin.request('PUT', '/api/sites/hue', { id: 'hue', name: 'Huế' });
    expect((await admin.get('/api/sites/hue')).body.provinces).toEqual([]);
  });

  it('refuses a code that is no province, with the reason', async () => {
    const r = await admin.request('PUT', '/api/sites/x', { id: 'x', name: 'X', provinces: [13] });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toContain('not a Vietnamese province code');
    expect(await t.store.getSite('x')).toBeNull();
  });
});
