import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/index.js';
import { camera, sighting, site } from '../store/testing/fixtures.js';
import { HISTORY_MAX_AGE_MS, HISTORY_READS, recentSitePlates } from './plate-history.js';

const NOW = 1_800_000_000_000;

let dir: string;
let store: SqliteStore;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'argus-plate-history-'));
  store = await openSqliteStore({ path: join(dir, 'argus.db') });
  await store.upsertSite(site('qn'));
  await store.upsertSite(site('hn'));
  // Cameras of the site file (written to the store at start) and one added through the API.
  await store.upsertCamera(camera('file-qn', 'qn'));
  await store.upsertCamera(camera('file-hn', 'hn'));
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
    expect(await recentSitePlates(store, 'qn', NOW)).toEqual([
      { key: '77L207115', confidence: 0.9 },
      { key: '77A03623', confidence: 0.4 },
    ]);
    expect((await recentSitePlates(store, 'hn', NOW)).map((h) => h.key)).toEqual(['29A12345']);
  });

  it('are none for a site with no camera', async () => {
    expect(await recentSitePlates(store, 'empty', NOW)).toEqual([]);
  });

  it(`are at most the ${HISTORY_READS} most recent`, async () => {
    const many = Array.from({ length: HISTORY_READS + 5 }, (_, i) => sighting(`m${i}`, '77L100000', NOW - 100_000 + i, 'file-qn'));
    await store.insertSightings(many);
    const got = await recentSitePlates(store, 'qn', NOW);
    expect(got).toHaveLength(HISTORY_READS);
    expect(got.at(-1)).toEqual({ key: '77A03623', confidence: 0.4 });
  });
});
