import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../config/schema.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/index.js';
import { camera, sighting, site } from '../store/testing/fixtures.js';
import { HISTORY_MAX_AGE_MS, HISTORY_READS, recentSitePlates } from './plate-history.js';

const NOW = 1_800_000_000_000;
const config = configSchema.parse({
  version: 1,
  sites: [{ id: 'qn', name: 'Quy Nhơn' }, { id: 'hn', name: 'Hà Nội' }],
  cameras: [
    { id: 'file-qn', name: 'a', site: 'qn', kind: 'gateway', source: 'rtsp://10.0.0.1/a', location: { lat: 13.77, lng: 109.22 }, plates: true },
    { id: 'file-hn', name: 'b', site: 'hn', kind: 'gateway', source: 'rtsp://10.0.0.1/b', location: { lat: 21.02, lng: 105.8 }, plates: true },
  ],
});
const siteOf = (id: string) => config.sites.find((s) => s.id === id)!;

let dir: string;
let store: SqliteStore;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'argus-plate-history-'));
  store = await openSqliteStore({ path: join(dir, 'argus.db') });
  await store.upsertSite(site('qn'));
  await store.upsertSite(site('hn'));
  await store.upsertCamera(camera('api-qn', 'qn'));
  await store.upsertSite(site('other'));
  await store.upsertCamera(camera('api-other', 'other'));
  await store.insertSightings([
    sighting('s1', '77L207115', NOW - 3000, 'file-qn', { confidence: 0.9 }),
    sighting('s2', '77A03623', NOW - 2000, 'api-qn', { confidence: 0.4 }),
    sighting('s3', '29A12345', NOW - 1000, 'file-hn'),
    sighting('s4', '51K74314', NOW - 500, 'api-other'),
    sighting('s5', '77C12345', NOW - HISTORY_MAX_AGE_MS - 1, 'file-qn'),
  ]);
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("a site's earlier plate reads", () => {
  it("are the site's cameras' recent sightings (site file and API), oldest first, with their confidence", async () => {
    expect(await recentSitePlates(store, config, siteOf('qn'), NOW)).toEqual([
      { key: '77L207115', confidence: 0.9 },
      { key: '77A03623', confidence: 0.4 },
    ]);
    expect((await recentSitePlates(store, config, siteOf('hn'), NOW)).map((h) => h.key)).toEqual(['29A12345']);
  });

  it('are none for cameras of no site, or a site with no camera', async () => {
    expect(await recentSitePlates(store, config, undefined, NOW)).toEqual([]);
    expect(await recentSitePlates(store, config, { id: 'empty', name: 'x' } as never, NOW)).toEqual([]);
  });

  it(`are at most the ${HISTORY_READS} most recent`, async () => {
    const many = Array.from({ length: HISTORY_READS + 5 }, (_, i) => sighting(`m${i}`, '77L100000', NOW - 100_000 + i, 'file-qn'));
    await store.insertSightings(many);
    const got = await recentSitePlates(store, config, siteOf('qn'), NOW);
    expect(got).toHaveLength(HISTORY_READS);
    expect(got.at(-1)).toEqual({ key: '77A03623', confidence: 0.4 });
  });
});
