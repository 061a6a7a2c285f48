import { boxArea, iou, type Box } from '../core/box.js';
import { isVehicleClass, type ObjectClass } from '../core/classes.js';
import type { Detection } from '../core/detection.js';

/**
 * Per-track attributes shared by the trackers: a class refined over the track's life and the rider count.
 *
 * Class: YOLOX flips motorbike/car labels from frame to frame on Vietnamese traffic (DESIGN.md §7), so the
 * reported class is a score-weighted vote over every matched detection, with hysteresis: the reported class
 * changes only when another class's accumulated score exceeds the current one's by `switchRatio`. A single
 * mislabelled frame can therefore never flip it back and forth.
 */
export class ClassVote {
  private readonly votes = new Map<ObjectClass, number>();
  private current: ObjectClass;

  constructor(
    first: ObjectClass,
    score: number,
    private readonly switchRatio = 1.5,
  ) {
    this.current = first;
    this.votes.set(first, score);
  }

  get cls(): ObjectClass {
    return this.current;
  }

  add(cls: ObjectClass, score: number): void {
    this.votes.set(cls, (this.votes.get(cls) ?? 0) + Math.max(score, 1e-3));
    const mine = this.votes.get(this.current) ?? 0;
    let best = this.current;
    let bestVotes = mine;
    for (const [c, v] of this.votes) {
      if (v > bestVotes) {
        best = c;
        bestVotes = v;
      }
    }
    if (best !== this.current && bestVotes > mine * this.switchRatio) this.current = best;
  }
}

/** A two-wheeler: its rider may be all the detector boxes of it on some frames. */
export const isTwoWheeler = (cls: ObjectClass): boolean => cls === 'motorcycle' || cls === 'bicycle';

/**
 * Whether a detection of class `det` may continue a track of class `track`: same class, both vehicles
 * (car ↔ motorcycle ↔ bus ↔ truck ↔ bicycle flips), or a person and a two-wheeler: a small or far rider is boxed
 * as the person on some frames and as the bike on others (the boulevard's kerb-side rider: bicycle, person,
 * motorcycle in turns, each 0.1–0.5), and rider fusion can join them only on frames where both are boxed. A person
 * never continues a car, bus or truck, nor they a person.
 */
export const classesCompatible = (track: ObjectClass, det: ObjectClass): boolean =>
  track === det ||
  (isVehicleClass(track) && isVehicleClass(det)) ||
  (track === 'person' && isTwoWheeler(det)) ||
  (isTwoWheeler(track) && det === 'person');

/** The class a matched detection votes for on a track of class `track`: a person on a two-wheeler's track is its rider. */
export const votedClass = (track: ObjectClass, det: ObjectClass): ObjectClass => (isTwoWheeler(track) && det === 'person' ? track : det);

/** Extra association cost of a cross-class match, so that an equal-IoU same-class candidate wins. */
export const CLASS_MISMATCH_COST = 0.1;

/** Riders seen on a two-wheeler: the maximum over the last `windowMs` of matched detections. */
export class RidersWindow {
  private readonly atMs: number[] = [];
  private readonly riders: number[] = [];

  constructor(private readonly windowMs = 2000) {}

  add(riders: number | undefined, atMs: number): void {
    if (riders !== undefined) {
      this.atMs.push(atMs);
      this.riders.push(riders);
    }
    // Keep the latest entry even when old: a track's rider count should not vanish between reports.
    while (this.atMs.length > 1 && atMs - this.atMs[0]! > this.windowMs) {
      this.atMs.shift();
      this.riders.shift();
    }
  }

  /** Max riders over the window (or the last count reported), undefined when never reported. */
  get value(): number | undefined {
    if (this.riders.length === 0) return undefined;
    let max = 0;
    for (const r of this.riders) max = Math.max(max, r);
    return max;
  }
}

/**
 * Class-wise NMS keeps both a `car` and a `truck` box for one vehicle, and tiles can repeat a box. A leftover
 * detection overlapping a live track of a compatible class this much is that track's duplicate, not a new object.
 */
export const DUPLICATE_IOU = 0.7;

export function isDuplicate(d: Detection, tracks: Iterable<{ readonly box: Box; readonly cls: ObjectClass }>): boolean {
  for (const t of tracks) if (classesCompatible(t.cls, d.cls) && iou(t.box, d.box) >= DUPLICATE_IOU) return true;
  return false;
}

/** Detections a tracker may use: finite box with a positive area, finite score (others are dropped). */
export const usableDetection = (d: Detection): boolean =>
  Number.isFinite(d.box.x1 + d.box.y1 + d.box.x2 + d.box.y2 + d.score) && boxArea(d.box) > 0;
