import { box, iou, type Box } from '../../core/box.js';
import type { ObjectClass } from '../../core/classes.js';
import type { Detection } from '../../core/detection.js';
import type { FrameMeta } from '../../core/frame.js';
import type { Track, TrackId } from '../../core/track.js';
import type { Tracker } from '../tracker.js';

/** Synthetic scenes for tracker tests and benchmarks: deterministic (seeded), timestamps in ms. */

export const T0_MS = Date.UTC(2026, 0, 1, 8, 0, 0);
const SIZE = { width: 1920, height: 1080 } as const;

export function frameMeta(atMs: number, index: number): FrameMeta {
  return { index, ptsSec: (atMs - T0_MS) / 1000, capturedAtMs: atMs, size: SIZE, sourceSize: SIZE };
}

/** mulberry32: a small seeded PRNG in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An object moving at constant velocity (px/s) from `start` (its box at `t0Ms`), visible in [fromMs, toMs). */
export interface MovingObject {
  readonly key: string;
  readonly start: Box;
  readonly t0Ms: number;
  readonly vx: number;
  readonly vy: number;
  readonly cls: ObjectClass;
  readonly score: number;
  readonly fromMs: number;
  readonly toMs: number;
  /** Intervals [from, to) where the detector misses it. */
  readonly gaps?: readonly (readonly [number, number])[];
}

export function boxAt(o: MovingObject, atMs: number): Box {
  const dt = (atMs - o.t0Ms) / 1000;
  const b = o.start;
  return box(b.x1 + o.vx * dt, b.y1 + o.vy * dt, b.x2 + o.vx * dt, b.y2 + o.vy * dt);
}

export const visibleAt = (o: MovingObject, atMs: number): boolean =>
  atMs >= o.fromMs && atMs < o.toMs && !(o.gaps ?? []).some(([a, b]) => atMs >= a && atMs < b);

/** Frame times at `fps` over [startMs, endMs), each dropped with probability `dropRate` (seeded). */
export function frameTimes(fps: number, startMs: number, endMs: number, dropRate = 0, seed = 1): number[] {
  const rnd = prng(seed);
  const out: number[] = [];
  for (let t = startMs; t < endMs; t += 1000 / fps) if (rnd() >= dropRate) out.push(Math.round(t));
  return out;
}

/** Detections of the visible objects at `atMs`, corners jittered by ±`noisePx` (seeded by `rnd`). */
export function detect(objects: readonly MovingObject[], atMs: number, rnd: () => number, noisePx = 2): Detection[] {
  const j = (): number => (rnd() * 2 - 1) * noisePx;
  return objects
    .filter((o) => visibleAt(o, atMs))
    .map((o) => {
      const b = boxAt(o, atMs);
      return { box: box(b.x1 + j(), b.y1 + j(), b.x2 + j(), b.y2 + j()), cls: o.cls, score: o.score };
    });
}

export interface FrameRecord {
  readonly atMs: number;
  readonly tracks: readonly Track[];
  readonly ended: readonly TrackId[];
  readonly size: number;
}

/** Run a tracker over frame times and record its output. */
export function runScene(tracker: Tracker, objects: readonly MovingObject[], times: readonly number[], seed = 7): FrameRecord[] {
  const rnd = prng(seed);
  return times.map((atMs, index) => {
    const { tracks, ended } = tracker.update(detect(objects, atMs, rnd), frameMeta(atMs, index));
    return { atMs, tracks, ended, size: tracker.size() };
  });
}

/** The id of the reported track best overlapping object `o` on a frame (IoU ≥ 0.3), if any. */
export function idOf(o: MovingObject, rec: FrameRecord): TrackId | undefined {
  const truth = boxAt(o, rec.atMs);
  let best: Track | undefined;
  let bestIou = 0.3;
  for (const t of rec.tracks) {
    const v = iou(t.box, truth);
    if (v >= bestIou) {
      best = t;
      bestIou = v;
    }
  }
  return best?.id;
}
