import { describe, expect, it } from 'vitest';
import { box, iou } from '../../core/box.js';
import type { TrackId } from '../../core/track.js';
import type { Tracker } from '../tracker.js';
import {
  T0_MS,
  boxAt,
  frameMeta,
  frameTimes,
  idOf,
  prng,
  runScene,
  visibleAt,
  type FrameRecord,
  type MovingObject,
} from './scenario.js';

/** What the suite asks of the tracker it builds. Detections use score 0.9 (must start tracks) and 0.25 (must not). */
export interface ConformanceConfig {
  /** The lost buffer the tracker must honour, seconds. */
  readonly lostBufferSec: number;
}
export type TrackerFactory = (config: ConformanceConfig) => Tracker;

const BUFFER_SEC = 1;
const HIGH = 0.9;
const LOW = 0.25;

type Corners = [number, number, number, number];
const car = (key: string, start: Corners, vx: number, vy: number, extra: Partial<MovingObject> = {}): MovingObject => ({
  key,
  start: box(...start),
  t0Ms: T0_MS,
  vx,
  vy,
  cls: 'car',
  score: HIGH,
  fromMs: T0_MS,
  toMs: Number.POSITIVE_INFINITY,
  ...extra,
});

/** Port-level invariants every run must satisfy: ids unique per frame, ended once, never reported after. */
function checkInvariants(records: readonly FrameRecord[]): void {
  const reported = new Set<TrackId>();
  const ended = new Set<TrackId>();
  for (const r of records) {
    for (const id of r.ended) {
      expect(reported.has(id), `ended id ${id} was never reported`).toBe(true);
      expect(ended.has(id), `id ${id} ended twice`).toBe(false);
      ended.add(id);
    }
    const ids = r.tracks.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const t of r.tracks) {
      expect(ended.has(t.id), `id ${t.id} reported after it ended`).toBe(false);
      expect(t.state).toBe('tracked');
      expect(t.firstSeenMs).toBeLessThanOrEqual(t.lastSeenMs);
      expect(t.lastSeenMs).toBeLessThanOrEqual(r.atMs);
      reported.add(t.id);
    }
  }
}

/** Distinct ids given to object `o` over the frames where it is visible (after its first `skip` frames). */
function idsOf(o: MovingObject, records: readonly FrameRecord[], skip = 3, when: (atMs: number) => boolean = () => true): Set<TrackId> {
  const ids = new Set<TrackId>();
  records
    .filter((r) => visibleAt(o, r.atMs) && when(r.atMs))
    .slice(skip)
    .forEach((r) => {
      const id = idOf(o, r);
      expect(id, `object ${o.key} untracked at +${r.atMs - T0_MS} ms`).toBeDefined();
      if (id !== undefined) ids.add(id);
    });
  return ids;
}

const endedCount = (records: readonly FrameRecord[], id: TrackId): number => records.filter((r) => r.ended.includes(id)).length;

/** The reusable suite: call from a test file with a factory for the tracker under test. */
export function runTrackerConformance(name: string, factory: TrackerFactory): void {
  const make = (): Tracker => factory({ lostBufferSec: BUFFER_SEC });

  describe(`${name} conforms to the Tracker port`, () => {
    it('keeps one id for a single object moving linearly, its box close to the truth', () => {
      const o = car('a', [100, 500, 260, 600], 220, 30);
      const recs = runScene(make(), [o], frameTimes(10, T0_MS, T0_MS + 5000));
      checkInvariants(recs);
      expect(idsOf(o, recs, 2).size).toBe(1);
      for (const r of recs.slice(3)) {
        expect(r.tracks).toHaveLength(1);
        expect(iou(r.tracks[0]!.box, boxAt(o, r.atMs))).toBeGreaterThan(0.6);
      }
    });

    it('keeps the ids of two objects that cross each other', () => {
      const a = car('a', [200, 400, 360, 500], 260, 0);
      const b = car('b', [1240, 420, 1400, 520], -260, 0);
      const recs = runScene(make(), [a, b], frameTimes(10, T0_MS, T0_MS + 4500));
      checkInvariants(recs);
      const apart = (atMs: number): boolean => iou(boxAt(a, atMs), boxAt(b, atMs)) < 0.2;
      const idsA = idsOf(a, recs, 3, apart);
      const idsB = idsOf(b, recs, 3, apart);
      expect(idsA.size).toBe(1);
      expect(idsB.size).toBe(1);
      expect([...idsA][0]).not.toBe([...idsB][0]);
      // Sanity of the scene: they did overlap in between.
      expect(recs.some((r) => !apart(r.atMs))).toBe(true);
    });

    it('gives the same id back to an object missing for less than the lost buffer', () => {
      const gap: [number, number] = [T0_MS + 2000, T0_MS + 2000 + BUFFER_SEC * 600];
      const o = car('a', [100, 500, 260, 600], 150, 0, { gaps: [gap] });
      const recs = runScene(make(), [o], frameTimes(10, T0_MS, T0_MS + 4500));
      checkInvariants(recs);
      expect(idsOf(o, recs).size).toBe(1);
      expect(recs.flatMap((r) => r.ended)).toHaveLength(0);
      expect(recs.filter((r) => r.atMs >= gap[0] && r.atMs < gap[1]).every((r) => r.tracks.length === 0)).toBe(true);
    });

    it('gives a new id after a gap longer than the lost buffer and ends the old id exactly once', () => {
      const lastSeenMs = T0_MS + 1900;
      const gap: [number, number] = [T0_MS + 2000, T0_MS + 2000 + BUFFER_SEC * 1600];
      const o = car('a', [100, 500, 260, 600], 100, 0, { gaps: [gap] });
      const recs = runScene(make(), [o], frameTimes(10, T0_MS, T0_MS + 6000));
      checkInvariants(recs);
      const before = idsOf(o, recs, 3, (t) => t < gap[0]);
      const after = idsOf(o, recs, 3, (t) => t >= gap[1]);
      expect(before.size).toBe(1);
      expect(after.size).toBe(1);
      const oldId = [...before][0]!;
      expect([...after][0]).not.toBe(oldId);
      expect(endedCount(recs, oldId)).toBe(1);
      const endedAt = recs.find((r) => r.ended.includes(oldId))!.atMs;
      expect(endedAt).toBeGreaterThan(lastSeenMs + BUFFER_SEC * 1000 - 1);
      expect(endedAt).toBeLessThanOrEqual(lastSeenMs + BUFFER_SEC * 1000 + 250);
    });

    it('reports no tracks without detections and frees its memory after the lost buffer', () => {
      const o = car('a', [100, 500, 260, 600], 100, 0, { toMs: T0_MS + 1000 });
      const tracker = make();
      expect(tracker.size()).toBe(0);
      const recs = runScene(tracker, [o], frameTimes(10, T0_MS, T0_MS + 4000));
      checkInvariants(recs);
      expect(recs.filter((r) => r.atMs >= T0_MS + 1000).every((r) => r.tracks.length === 0)).toBe(true);
      expect(recs.some((r) => r.size > 0)).toBe(true);
      expect(recs.filter((r) => r.atMs > T0_MS + 1000 + BUFFER_SEC * 1000 + 200).every((r) => r.size === 0)).toBe(true);
      expect(recs.flatMap((r) => r.ended)).toHaveLength(1);
    });

    it('never reports a track for a standing object seen only at a low score', () => {
      // A tracker may hold one candidate for it (ByteTrack's slow start waits for it to move), never report it.
      const o = car('a', [600, 500, 760, 600], 0, 0, { score: LOW });
      const recs = runScene(make(), [o], frameTimes(10, T0_MS, T0_MS + 3000));
      expect(recs.every((r) => r.tracks.length === 0 && r.size <= 1)).toBe(true);
    });

    it.each([
      ['5 fps', 5, 0],
      ['15 fps', 15, 0],
      ['15 fps with 40 % of frames dropped', 15, 0.4],
      ['30 fps with 70 % of frames dropped', 30, 0.7],
    ])('tracks at %s (timestamps, not frame counts)', (_label, fps, dropRate) => {
      const o = car('a', [100, 400, 280, 520], 300, 40);
      const times = frameTimes(fps, T0_MS, T0_MS + 5000, dropRate, 11);
      const recs = runScene(make(), [o], times);
      checkInvariants(recs);
      expect(idsOf(o, recs, 4).size).toBe(1);
    });

    it('tracks a fast object through bursts of dropped frames (prediction scales with real time)', () => {
      // 600 px/s with a 120 px box: a 400 ms burst moves it twice its width, so a per-frame or
      // zero-velocity prediction loses it; predicting over the elapsed time does not.
      const o = car('a', [100, 400, 220, 480], 600, 0);
      const intervals = [67, 67, 67, 67, 67, 400, 67, 67, 333, 67, 67, 67, 467, 67, 67, 400, 67];
      const times = intervals.reduce<number[]>((acc, dt) => [...acc, acc[acc.length - 1]! + dt], [T0_MS]);
      const recs = runScene(make(), [o], times);
      checkInvariants(recs);
      expect(idsOf(o, recs, 3).size).toBe(1);
    });

    it('keeps one id and a steady class when the detector flips motorcycle/car labels', () => {
      const rnd = prng(5);
      const bike = car('m', [300, 600, 360, 700], 120, -40, { cls: 'motorcycle' });
      const times = frameTimes(10, T0_MS, T0_MS + 4000);
      const tracker = make();
      const recs = times.map((atMs, index) => {
        const b = boxAt(bike, atMs);
        // 30 % of frames call it a car (DESIGN.md §7); riders 2 on one frame in ten, else 1.
        const cls = rnd() < 0.3 ? 'car' : 'motorcycle';
        const riders = index % 10 === 5 ? 2 : 1;
        const { tracks, ended } = tracker.update([{ box: b, cls, score: 0.8, riders }], frameMeta(atMs, index));
        return { atMs, tracks, ended, size: tracker.size() };
      });
      checkInvariants(recs);
      expect(idsOf(bike, recs).size).toBe(1);
      const classes = recs.slice(3).map((r) => r.tracks[0]!.cls);
      expect(new Set(classes)).toEqual(new Set(['motorcycle']));
      // Riders: the maximum over recent frames, so the frame after a "2" still reports 2.
      recs.forEach((r, i) => {
        if (i % 10 === 6) expect(r.tracks[0]!.riders).toBe(2);
      });
    });

    it('does not start a second track for one object reported under two vehicle labels', () => {
      // Class-wise NMS keeps both a `car` and a `truck` box for one vehicle (seen on real YOLOX-nano output).
      const o = car('a', [100, 400, 260, 500], 150, 0);
      const tracker = make();
      const rnd = prng(9);
      const recs = frameTimes(10, T0_MS, T0_MS + 3000).map((atMs, index) => {
        const b = boxAt(o, atMs);
        const j = (): number => (rnd() * 2 - 1) * 4;
        const dets = [
          { box: b, cls: 'car' as const, score: 0.85 },
          { box: box(b.x1 + j(), b.y1 + j(), b.x2 + j(), b.y2 + j()), cls: 'truck' as const, score: 0.7 },
        ];
        const { tracks, ended } = tracker.update(dets, frameMeta(atMs, index));
        return { atMs, tracks, ended, size: tracker.size() };
      });
      checkInvariants(recs);
      expect(new Set(recs.flatMap((r) => r.tracks.map((t) => t.id))).size).toBe(1);
    });

    it('survives capture time going backwards (a camera clock reset) and keeps its invariants', () => {
      const o = car('a', [100, 400, 260, 500], 100, 0);
      const times = [...frameTimes(10, T0_MS, T0_MS + 2000), ...frameTimes(10, T0_MS - 60_000, T0_MS - 57_000)];
      const recs = runScene(make(), [o], times);
      checkInvariants(recs);
      expect(recs.at(-1)!.tracks.length).toBeLessThanOrEqual(1);
    });

    it('never continues a vehicle track with a person detection', () => {
      const v = car('v', [600, 400, 700, 500], 0, 0, { toMs: T0_MS + 1000 });
      const p = car('p', [600, 400, 700, 500], 0, 0, { cls: 'person', fromMs: T0_MS + 1000 });
      const recs = runScene(make(), [v, p], frameTimes(10, T0_MS, T0_MS + 2000));
      checkInvariants(recs);
      const carIds = idsOf(v, recs.filter((r) => r.atMs < T0_MS + 1000));
      const personIds = new Set(
        recs.filter((r) => r.atMs >= T0_MS + 1300).flatMap((r) => r.tracks.filter((t) => t.cls === 'person').map((t) => t.id)),
      );
      expect(carIds.size).toBe(1);
      expect(personIds.size).toBe(1);
      expect([...personIds][0]).not.toBe([...carIds][0]);
      expect(recs.every((r) => r.tracks.every((t) => t.id !== [...carIds][0] || r.atMs < T0_MS + 1000))).toBe(true);
    });

    it('stays bounded in memory over 1000 frames of churn and ends every id exactly once', () => {
      const rnd = prng(42);
      const objects: MovingObject[] = [];
      for (let t = T0_MS; t < T0_MS + 95_000; t += 250) {
        if (rnd() > 0.6) continue;
        const w = 60 + rnd() * 120;
        const x = rnd() * 1700;
        const y = rnd() * 900;
        const lifeMs = 1000 + rnd() * 4000;
        const gapAt = t + rnd() * lifeMs;
        objects.push(
          car(`o${objects.length}`, [x, y, x + w, y + w * 0.7], (rnd() - 0.5) * 300, (rnd() - 0.5) * 200, {
            t0Ms: t,
            fromMs: t,
            toMs: t + lifeMs,
            gaps: rnd() < 0.3 ? [[gapAt, gapAt + 300]] : [],
          }),
        );
      }
      const times = [...frameTimes(10, T0_MS, T0_MS + 100_000), ...frameTimes(10, T0_MS + 100_000, T0_MS + 103_000)];
      expect(times).toHaveLength(1030);
      const tracker = make();
      const recs = runScene(tracker, objects, times);
      checkInvariants(recs);
      const maxAlive = Math.max(...times.map((t) => objects.filter((o) => t >= o.fromMs && t < o.toMs).length));
      const maxSize = Math.max(...recs.map((r) => r.size));
      expect(maxSize).toBeLessThanOrEqual(3 * maxAlive);
      expect(tracker.size()).toBe(0);
      const reported = new Set(recs.flatMap((r) => r.tracks.map((t) => t.id)));
      const ended = recs.flatMap((r) => r.ended);
      expect(reported.size).toBeGreaterThan(objects.length / 2);
      expect(ended.length).toBe(reported.size);
    });

    it('holds a standing vehicle through motion-gated frames longer than the lost buffer: same id after, nothing ended', () => {
      const tracker = make();
      const b = box(400, 300, 520, 380);
      const ids: TrackId[] = [];
      const ended: TrackId[] = [];
      let index = 0;
      // Detected for a second at 10 fps, then 3 s of gated frames (the scene did not change), then a keep-alive detection.
      for (let atMs = T0_MS; atMs <= T0_MS + 1000; atMs += 100) {
        const u = tracker.update([{ box: b, cls: 'car', score: HIGH }], frameMeta(atMs, index++));
        ids.push(...u.tracks.map((t) => t.id));
        ended.push(...u.ended);
      }
      for (let atMs = T0_MS + 1100; atMs <= T0_MS + 4000; atMs += 100) tracker.hold?.(frameMeta(atMs, index++));
      const u = tracker.update([{ box: b, cls: 'car', score: HIGH }], frameMeta(T0_MS + 4100, index++));
      ended.push(...u.ended);
      expect(tracker.hold, 'the tracker implements hold').toBeTypeOf('function');
      expect(ended).toEqual([]);
      expect(u.tracks.map((t) => t.id)).toEqual([ids.at(-1)]);
    });
  });
}
