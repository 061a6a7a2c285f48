/** Conformance: track summaries of attribute search (class, colours, time window, cameras), paging and retention. */
import { describe, expect, it } from 'vitest';
import type { TrackAttributesRecord } from '../store.js';
import { expectArgusError, useHarness, type StoreFactory } from './harness.js';

const T0 = 1_767_225_600_000;
const MIN = 60_000;

const track = (id: string, extra: Partial<TrackAttributesRecord> = {}): TrackAttributesRecord => ({
  id, cameraId: 'c1', trackId: 1, cls: 'person', firstMs: T0, lastMs: T0 + 5000, upper: [], lower: [], body: [],
  details: { samples: 3 }, cropRef: null, ...extra,
});

export function runAttributeConformance(factory: StoreFactory): void {
  describe('track attributes (attribute search)', () => {
    const h = useHarness(factory);
    const ids = (p: { items: TrackAttributesRecord[] }): string[] => p.items.map((t) => t.id);

    it('stores summaries with the batch (idempotent, not as events) and finds them by class, colour, window and camera', async () => {
      const { store } = h();
      const rows = [
        track('t1', { upper: ['red', 'white'], lower: ['black'], cropRef: '2026-01-01/a.jpg' }),
        track('t2', { cameraId: 'c2', upper: ['blue'], lower: ['red'], firstMs: T0 + 10 * MIN, lastMs: T0 + 11 * MIN }),
        track('t3', { cls: 'car', body: ['white'], firstMs: T0 + 20 * MIN, lastMs: T0 + 21 * MIN }),
        track('t4', { cls: 'motorcycle', body: ['gray', 'red'], firstMs: T0 + 30 * MIN, lastMs: T0 + 31 * MIN }),
      ];
      expect((await store.writeBatch({ tracks: rows })).events).toBe(0);
      await store.writeBatch({ tracks: rows }); // a retry stores nothing twice
      expect((await store.listEvents({})).items).toEqual([]);
      expect(await store.getTrackAttributes('t1')).toEqual(rows[0]);
      expect(ids(await store.searchTrackAttributes({}))).toEqual(['t4', 't3', 't2', 't1']);
      expect(ids(await store.searchTrackAttributes({ cls: ['person'], upper: 'red' }))).toEqual(['t1']);
      expect(ids(await store.searchTrackAttributes({ upper: 'white' }))).toEqual(['t1']); // the second colour counts
      expect(ids(await store.searchTrackAttributes({ lower: 'red' }))).toEqual(['t2']);
      expect(ids(await store.searchTrackAttributes({ colour: 'red' }))).toEqual(['t4', 't2', 't1']);
      expect(ids(await store.searchTrackAttributes({ body: 'white', cls: ['car', 'bus'] }))).toEqual(['t3']);
      expect(ids(await store.searchTrackAttributes({ cls: [] }))).toEqual([]);
      // The window overlaps the track's life: t2 (10–11 min) is in [10.5, 20) min, t3 (20–21) is not.
      expect(ids(await store.searchTrackAttributes({ fromMs: T0 + 10.5 * MIN, toMs: T0 + 20 * MIN }))).toEqual(['t2']);
      expect(ids(await store.searchTrackAttributes({ cameraIds: ['c2'] }))).toEqual(['t2']);
      expect(ids(await store.searchTrackAttributes({ cameraIds: [] }))).toEqual([]);
    });

    it('pages newest first with a cursor bound to its query', async () => {
      const { store } = h();
      const p1 = await store.searchTrackAttributes({ limit: 3 });
      expect(ids(p1)).toEqual(['t4', 't3', 't2']);
      const p2 = await store.searchTrackAttributes({ limit: 3, cursor: p1.nextCursor });
      expect(ids(p2)).toEqual(['t1']);
      expect(p2.nextCursor).toBeNull();
      await expectArgusError(store.searchTrackAttributes({ limit: 3, cls: ['car'], cursor: p1.nextCursor }), 'invalid_argument');
    });

    it('refuses a summary that ends before it starts or names a colour that is not a word', async () => {
      const { store } = h();
      await expectArgusError(store.writeBatch({ tracks: [track('bad', { lastMs: T0 - 1 })] }), 'invalid_argument');
      await expectArgusError(store.writeBatch({ tracks: [track('bad', { upper: ["red' or 1=1"] })] }), 'invalid_argument');
      expect(await store.getTrackAttributes('bad')).toBeNull();
    });

    it('prunes by age and gives back the crops to remove', async () => {
      const { store } = h();
      expect(await store.pruneTrackAttributes(T0 + 10 * MIN)).toEqual({ deleted: 1, cropRefs: ['2026-01-01/a.jpg'] });
      expect(ids(await store.searchTrackAttributes({}))).toEqual(['t4', 't3', 't2']);
    });
  });
}
