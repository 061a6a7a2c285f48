import { describe, expect, it } from 'vitest';
import { box } from '../core/box.js';
import type { FrameMeta } from '../core/frame.js';
import type { Track, TrackState } from '../core/track.js';
import { HeatmapAccumulator } from './heatmap.js';

const size = { width: 1000, height: 500 };
const meta = (atMs: number): FrameMeta => ({ index: 0, ptsSec: 0, capturedAtMs: atMs, size, sourceSize: size });
const track = (id: number, cls: Track['cls'], x: number, yFoot: number, state: TrackState = 'tracked'): Track =>
  ({ id, cls, box: box(x - 10, yFoot - 80, x + 10, yFoot), score: 0.9, state, firstSeenMs: 0, lastSeenMs: 0, hits: 3 });

describe('the heatmap accumulator', () => {
  it('adds object-seconds at the foot point of tracked boxes, per class, and hands the bucket over when the next one starts', () => {
    const acc = new HeatmapAccumulator({ cameraId: 'c', cols: 4, rows: 2, bucketMs: 10_000 });
    const T = 1_000_000; // a multiple of the bucket
    // Person feet at (0.1, 0.9) → cell (0, 1); a car at (0.9, 0.2) → cell (3, 0); a lost and a tentative person ignored.
    const tracks = [track(1, 'person', 100, 450), track(2, 'car', 900, 100), track(3, 'person', 600, 100, 'lost'), track(4, 'person', 600, 100, 'tentative')];
    for (let i = 0; i < 5; i++) expect(acc.add(meta(T + i * 500), tracks)).toEqual([]);
    expect(acc.size()).toBe(2);
    const closed = acc.add(meta(T + 10_000), [track(1, 'person', 100, 450)]);
    const person = closed.find((b) => b.cls === 'person')!;
    const car = closed.find((b) => b.cls === 'car')!;
    expect(person).toMatchObject({ cameraId: 'c', bucketStartMs: T, bucketMs: 10_000, cols: 4, rows: 2, seconds: 2, objectSeconds: 2, maxCount: 1 });
    expect(person.cells).toEqual([0, 0, 0, 0, 2, 0, 0, 0]);
    expect(car.cells).toEqual([0, 0, 0, 2, 0, 0, 0, 0]);
    // The frame that opened the next bucket counted its step (capped at 1 s) there.
    const next = acc.flush();
    expect(next.map((b) => [b.cls, b.bucketStartMs, b.seconds, b.cells[4]])).toEqual([['person', T + 10_000, 1, 1]]);
    expect(acc.size()).toBe(0);
  });

  it('keeps a person record for a bucket without people (zero on the sparkline), clamps feet outside the picture, and counts no stalled time', () => {
    const acc = new HeatmapAccumulator({ cameraId: 'c', cols: 4, rows: 2, bucketMs: 60_000, maxStepMs: 1000 });
    acc.add(meta(0), []);
    acc.add(meta(30_000), [track(1, 'bicycle', 1200, 700)]); // a 30 s stall counts 1 s; feet past the bottom-right corner
    const out = acc.flush();
    expect(out.map((b) => [b.cls, b.objectSeconds, b.seconds])).toEqual([['person', 0, 1], ['bicycle', 1, 1]]);
    expect(out[1]!.cells).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(acc.flush()).toEqual([]);
  });
});
