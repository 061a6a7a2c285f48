/** Conformance: heatmap bucket parts (issue #24): idempotent insert, a window summed over buckets and parts, retention. */
import { describe, expect, it } from 'vitest';
import type { HeatmapBucket } from '../store.js';
import { useHarness, type StoreFactory } from './harness.js';

const T0 = 1_767_225_600_000; // 2026-01-01T00:00Z
const B = 300_000;

/** A 4 × 2 grid part with the given cells. */
const part = (id: string, o: Partial<HeatmapBucket> & { cells: number[] }): HeatmapBucket => ({
  id, cameraId: 'c1', bucketStartMs: T0, bucketMs: B, cls: 'person', cols: 4, rows: 2, seconds: 300, objectSeconds: o.cells.reduce((s, x) => s + x, 0), maxCount: 2, ...o,
});

export function runHeatmapConformance(factory: StoreFactory): void {
  describe('heatmaps', () => {
    const h = useHarness(factory);

    it('stores bucket parts once, and sums a window over its buckets and parts, per camera and class', async () => {
      const { store } = h();
      const rows = [
        part('h1', { cells: [1, 0, 0, 0, 0, 2.5, 0, 0] }),
        // The same bucket again from a camera restarted inside it: a second part, summed.
        part('h2', { cells: [0, 0, 0, 0, 0, 1, 0, 0], seconds: 40, maxCount: 5 }),
        part('h3', { bucketStartMs: T0 + B, cells: [0, 0, 0, 3, 0, 0, 0, 0], maxCount: 1 }),
        part('h4', { bucketStartMs: T0 + 2 * B, cells: [9, 9, 9, 9, 9, 9, 9, 9] }), // outside the window below
        part('h5', { cls: 'car', cells: [7, 0, 0, 0, 0, 0, 0, 0] }),
        part('h6', { cameraId: 'c2', cells: [0, 0, 0, 0, 0, 0, 0, 8] }),
      ];
      expect(await store.insertHeatmapBuckets(rows)).toEqual({ inserted: 6 });
      expect(await store.insertHeatmapBuckets(rows.slice(0, 2))).toEqual({ inserted: 0 });
      const w = await store.heatmapWindow({ cameraId: 'c1', cls: 'person', fromMs: T0, toMs: T0 + 2 * B });
      expect(w).toEqual({
        cols: 4, rows: 2, cells: [1, 0, 0, 3, 0, 3.5, 0, 0], seconds: 640,
        buckets: [
          { startMs: T0, seconds: 340, objectSeconds: 4.5, maxCount: 5 },
          { startMs: T0 + B, seconds: 300, objectSeconds: 3, maxCount: 1 },
        ],
      });
      expect((await store.heatmapWindow({ cameraId: 'c1', cls: 'car', fromMs: T0, toMs: T0 + B })).cells).toEqual([7, 0, 0, 0, 0, 0, 0, 0]);
      expect(await store.heatmapWindow({ cameraId: 'c9', cls: 'person', fromMs: T0, toMs: T0 + 9 * B })).toEqual({ cols: null, rows: null, cells: [], seconds: 0, buckets: [] });
    });

    it('leaves out parts of another grid size than the newest bucket (a camera whose grid changed)', async () => {
      const { store } = h();
      await store.insertHeatmapBuckets([
        part('g1', { cameraId: 'c3', cells: [1, 1, 1, 1, 1, 1, 1, 1] }),
        part('g2', { cameraId: 'c3', bucketStartMs: T0 + B, cols: 2, rows: 1, cells: [4, 6] }),
      ]);
      const w = await store.heatmapWindow({ cameraId: 'c3', cls: 'person', fromMs: T0, toMs: T0 + 2 * B });
      expect([w.cols, w.rows, w.cells]).toEqual([2, 1, [4, 6]]);
      expect(w.buckets.map((b) => b.objectSeconds)).toEqual([8, 10]);
    });

    it('prunes the buckets that started before the retention cut-off', async () => {
      const { store } = h();
      await store.insertHeatmapBuckets([part('p1', { cameraId: 'c4', bucketStartMs: T0 - 10 * B, cells: [1, 0, 0, 0, 0, 0, 0, 0] }), part('p2', { cameraId: 'c4', cells: [0, 1, 0, 0, 0, 0, 0, 0] })]);
      expect(await store.pruneHeatmap(T0 - 5 * B)).toBe(1);
      const w = await store.heatmapWindow({ cameraId: 'c4', cls: 'person', fromMs: 0, toMs: T0 + B });
      expect(w.buckets.map((b) => b.startMs)).toEqual([T0]);
    });
  });
}
