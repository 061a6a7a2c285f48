import { describe, expect, it } from 'vitest';
import type { HeatmapBucket } from '../../core/heatmap.js';
import { withOpenBucket } from './heatmap.js';

const open = (o: Partial<HeatmapBucket> = {}): HeatmapBucket => ({
  id: 'open', cameraId: 'c', bucketStartMs: 600, bucketMs: 300, cls: 'person', cols: 2, rows: 1, cells: [1, 2], seconds: 10, objectSeconds: 3, maxCount: 4, ...o,
});

describe('the open bucket added to a stored window', () => {
  it('adds its cells and merges it with a stored part of the same bucket', () => {
    const w = withOpenBucket({ cols: 2, rows: 1, cells: [5, 0], seconds: 310, buckets: [{ startMs: 300, seconds: 300, objectSeconds: 5, maxCount: 1 }, { startMs: 600, seconds: 10, objectSeconds: 0, maxCount: 7 }] }, open());
    expect(w).toEqual({ cols: 2, rows: 1, cells: [6, 2], seconds: 320, buckets: [{ startMs: 300, seconds: 300, objectSeconds: 5, maxCount: 1 }, { startMs: 600, seconds: 20, objectSeconds: 3, maxCount: 7 }] });
  });

  it('takes the open grid alone when nothing is stored or the stored grid differs', () => {
    expect(withOpenBucket({ cols: null, rows: null, cells: [], seconds: 0, buckets: [] }, open()).cells).toEqual([1, 2]);
    expect(withOpenBucket({ cols: 3, rows: 1, cells: [9, 9, 9], seconds: 300, buckets: [{ startMs: 300, seconds: 300, objectSeconds: 27, maxCount: 3 }] }, open()))
      .toMatchObject({ cols: 2, rows: 1, cells: [1, 2], seconds: 310 });
  });
});
