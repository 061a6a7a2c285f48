/** Conformance: sighting ingest, listing and plate search against the reference semantics of match.ts. */
import { describe, expect, it } from 'vitest';
import { matchPlate, parsePlateQuery } from '../../plates/match.js';
import type { PlateHit, PlateSearchQuery, SightingRecord, Store } from '../store.js';
import { HOSTILE, prng, sighting, vehiclePlate } from './fixtures.js';
import { expectArgusError, useHarness, type HarnessOptions, type StoreFactory } from './harness.js';

const T0 = 1_767_225_600_000;
const newestFirst = (a: SightingRecord, b: SightingRecord) => b.atMs - a.atMs || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** Seed: 2 600 reads of a skewed fleet (so that short prefixes exceed the range probe) and hand-made neighbours. */
function seedRows(): SightingRecord[] {
  const rnd = prng(42);
  const rows: SightingRecord[] = [];
  for (let i = 0; i < 2600; i++) {
    const v = Math.floor(rnd() ** 2 * 900);
    const plate = i % 3 === 0 ? `30A${vehiclePlate(v).slice(-5)}` : vehiclePlate(v);
    rows.push(sighting(`s${String(i).padStart(5, '0')}`, plate, T0 + Math.floor(rnd() * 86_400_000), `cam-${i % 7}`));
  }
  // '29B11Z346' folds like '29B112346' but is 1.25 from '29B11234' (1 for the other): fuzzy plans read such folded keys apart.
  const near = ['30A12345', '3OA12345', '30A1234S', '30A12346', '30A21345', '30A1234', '30A123456', '30A12366', '31A12345', '51A12345', '29B112345', '29B112346', '29B11Z346'];
  near.forEach((p, i) => rows.push(sighting(`n${i}a`, p, T0 + 1000 * i, 'cam-1'), sighting(`n${i}b`, p, T0 + 5_000_000 + 1000 * i, 'cam-2')));
  rows.push(sighting('t-same-1', '88C99999', T0 + 777), sighting('t-same-2', '88C99999', T0 + 777), sighting('t-same-0', '88C99999', T0 + 777));
  return rows;
}

async function searchAll(store: Store, q: PlateSearchQuery): Promise<PlateHit[]> {
  const out: PlateHit[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await store.searchPlates({ ...q, cursor });
    out.push(...page.items);
    cursor = page.nextCursor;
    if (cursor === null) return out;
  }
  throw new Error('pagination does not end');
}

function reference(rows: SightingRecord[], q: PlateSearchQuery): SightingRecord[] {
  const pq = parsePlateQuery(q.query);
  return rows
    .filter((r) => matchPlate(pq, r.plateKey, { mode: q.mode, maxDistance: q.maxDistance ?? 1 }).match)
    .filter((r) => (q.fromMs === undefined || r.atMs >= q.fromMs) && (q.toMs === undefined || r.atMs < q.toMs))
    .filter((r) => q.cameraIds === undefined || q.cameraIds.includes(r.cameraId))
    .sort(newestFirst);
}

export function runPlateConformance(factory: StoreFactory): void {
  runPlateSearch(factory, 'default planner thresholds', undefined);
  // Tiny thresholds: long prefixes go to the newest-first walk, infix patterns to the trigram keys, frequent ones to the walk.
  runPlateSearch(factory, 'tiny planner thresholds', { rangeProbeRows: 40, maxCandidateKeys: 6 });
}

function runPlateSearch(factory: StoreFactory, label: string, searchTuning: HarnessOptions['searchTuning']): void {
  describe(`sightings and plate search (${label})`, () => {
    const h = useHarness(factory, searchTuning ? { searchTuning } : undefined);
    const rows = seedRows();

    it('ingests batches idempotently and reads sightings back verbatim', async () => {
      const { store } = h();
      expect(await store.insertSightings(rows.slice(0, 1000))).toEqual({ inserted: 1000 });
      expect(await store.insertSightings(rows)).toEqual({ inserted: rows.length - 1000 });
      expect(await store.insertSightings(rows.slice(0, 50))).toEqual({ inserted: 0 });
      expect(await store.getSighting(rows[17]!.id)).toEqual(rows[17]);
      expect(await store.getSighting('missing')).toBeNull();
      await expectArgusError(store.insertSightings([sighting('bad', '30a-123', T0)]), 'invalid_argument');
      await expectArgusError(store.insertSightings([sighting('bad', HOSTILE[0], T0)]), 'invalid_argument');
    });

    it('lists sightings newest first by camera, time and key across pages', async () => {
      const { store } = h();
      const f = { cameraIds: ['cam-1', 'cam-2'], fromMs: T0 + 1000, toMs: T0 + 40_000_000, limit: 37 };
      const got: SightingRecord[] = [];
      let page = await store.listSightings(f);
      got.push(...page.items);
      while (page.nextCursor) {
        page = await store.listSightings({ ...f, cursor: page.nextCursor });
        got.push(...page.items);
      }
      const want = rows.filter((r) => f.cameraIds.includes(r.cameraId) && r.atMs >= f.fromMs && r.atMs < f.toMs).sort(newestFirst);
      expect(got.map((r) => r.id)).toEqual(want.map((r) => r.id));
      const same = await store.listSightings({ plateKey: '88C99999', limit: 2 });
      expect(same.items.map((r) => r.id)).toEqual(['t-same-2', 't-same-1']);
      expect((await store.listSightings({ plateKey: '88C99999', limit: 2, cursor: same.nextCursor })).items.map((r) => r.id)).toEqual(['t-same-0']);
    });

    const cases: PlateSearchQuery[] = [
      { query: '30A-123.45', mode: 'exact' },
      { query: '3OA-123.4S', mode: 'exact' },
      { query: '29-B1 123.45', mode: 'exact', cameraIds: ['cam-2'] },
      { query: '30A-12', mode: 'prefix' },
      { query: '30', mode: 'prefix', limit: 500 },
      { query: '3', mode: 'prefix', fromMs: T0 + 43_200_000, cameraIds: ['cam-3', 'cam-4'], limit: 250 },
      { query: '30A-12*', mode: 'wildcard' },
      { query: '??A-123.45', mode: 'wildcard' },
      { query: '*12345', mode: 'wildcard', limit: 3 },
      { query: '3?A*4?', mode: 'wildcard', limit: 400 },
      { query: '*A*', mode: 'wildcard', toMs: T0 + 3_600_000, limit: 300 },
      { query: '30A-123.45', mode: 'fuzzy' },
      { query: '30A-123.45', mode: 'fuzzy', maxDistance: 2, limit: 9 },
      { query: '29B11234', mode: 'fuzzy', fromMs: T0, toMs: T0 + 4_000_000 },
      { query: '29B1-1234', mode: 'fuzzy', limit: 2 },
      { query: '29B11Z34', mode: 'fuzzy', maxDistance: 2, limit: 3 },
    ];
    it.each(cases)('finds exactly what match.ts accepts for $mode $query, newest first across pages', async (q) => {
      const { store } = h();
      const got = await searchAll(store, q);
      const want = reference(rows, q);
      expect(got.map((r) => r.id)).toEqual(want.map((r) => r.id));
      for (const hit of got) {
        const m = matchPlate(q.query, hit.plateKey, { mode: q.mode, maxDistance: q.maxDistance ?? 1 });
        expect([hit.score, hit.matchKind]).toEqual([m.score, m.kind]);
      }
    });

    it('ranks the distinct plates of an exact or fuzzy search with the exact plate first', async () => {
      const { store } = h();
      const exact = await store.searchPlates({ query: '30A-123.45', mode: 'exact' });
      expect(exact.plates[0]).toMatchObject({ key: '30A12345', matchKind: 'exact', score: 1 });
      expect(new Set(exact.plates.map((p) => p.key))).toEqual(new Set(['30A12345', '3OA12345', '30A1234S']));
      const fuzzy = await store.searchPlates({ query: '30A12345', mode: 'fuzzy', maxDistance: 2 });
      expect(fuzzy.plates[0]).toMatchObject({ key: '30A12345', matchKind: 'exact' });
      const scores = fuzzy.plates.map((p) => p.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      expect(fuzzy.plates.map((p) => p.key)).toEqual(expect.arrayContaining(['30A12366', '30A21345', '31A12345', '30A1234']));
    });

    it('refuses hostile or malformed queries and cursors without touching data', async () => {
      const { store } = h();
      for (const query of [...HOSTILE.slice(0, 3), '', '30A%']) await expectArgusError(store.searchPlates({ query, mode: 'exact' }), 'invalid_argument');
      await expectArgusError(store.searchPlates({ query: '30A*', mode: 'exact' }), 'invalid_argument');
      await expectArgusError(store.searchPlates({ query: '30A', mode: 'fuzzy', maxDistance: 3 }), 'invalid_argument');
      await expectArgusError(store.searchPlates({ query: '30A', mode: 'regex' as never }), 'invalid_argument');
      const page = await store.searchPlates({ query: '30', mode: 'prefix', limit: 5 });
      await expectArgusError(store.searchPlates({ query: '31', mode: 'prefix', limit: 5, cursor: page.nextCursor }), 'invalid_argument');
      await expectArgusError(store.searchPlates({ query: '30', mode: 'prefix', limit: 5, cursor: `${page.nextCursor}x` }), 'invalid_argument');
      let total = 0;
      let cursor: string | null = null;
      do {
        const p = await store.listSightings({ limit: 1000, cursor });
        total += p.items.length;
        cursor = p.nextCursor;
      } while (cursor !== null);
      expect(total).toBe(rows.length);
      expect(await store.getSighting(rows[0]!.id)).toEqual(rows[0]);
    });
  });
}
