import { fromXyah, toXyah, type Box } from '../../core/box.js';
import type { Detection } from '../../core/detection.js';
import type { Track, TrackId } from '../../core/track.js';
import { ClassVote, RidersWindow, votedClass } from '../track-attributes.js';
import { kalmanInit, kalmanPredict, kalmanUpdate, kalmanXyah, type KalmanState } from './kalman.js';

/** Internal lifecycle: tentative (not yet reported, no public id) → tracked ⇄ lost → removed. */
export type STrackState = 'tentative' | 'tracked' | 'lost';

/** One ByteTrack track: Kalman state plus the attributes reported downstream. Mutable, private to the tracker. */
export class STrack {
  /** Public id, 0 while tentative (ids are given on confirmation so the reported ones are dense). */
  id: TrackId = 0;
  state: STrackState = 'tentative';
  hits = 1;
  score: number;
  readonly firstSeenMs: number;
  /** The first detection's box (where the object was first seen). */
  readonly firstBox: Box;
  /** Started below the track-start score: confirmed only by persistence and movement (ByteTrackOptions.slowStart). */
  slowStart = false;
  lastSeenMs: number;
  private lastPredictMs: number;
  private readonly kalman: KalmanState;
  private readonly classVote: ClassVote;
  private readonly riders = new RidersWindow();
  /** Predicted (before matching) or filtered (after) box. */
  box: Box;

  constructor(det: Detection, atMs: number) {
    this.kalman = kalmanInit(toXyah(det.box));
    this.classVote = new ClassVote(det.cls, det.score);
    this.riders.add(det.riders, atMs);
    this.score = det.score;
    this.firstSeenMs = atMs;
    this.firstBox = det.box;
    this.lastSeenMs = atMs;
    this.lastPredictMs = atMs;
    this.box = this.filteredBox();
  }

  get cls(): Detection['cls'] {
    return this.classVote.cls;
  }

  /** Advance the motion model to `atMs` (real elapsed time; a clock going backwards is ignored). */
  predict(atMs: number): void {
    const dtSec = (atMs - this.lastPredictMs) / 1000;
    if (dtSec <= 0) return;
    kalmanPredict(this.kalman, dtSec, this.state !== 'tracked');
    this.lastPredictMs = atMs;
    this.box = this.filteredBox();
  }

  /** The scene did not change up to `atMs` (a motion-gated frame): seen there, standing where it was. */
  hold(atMs: number): void {
    if (atMs <= this.lastSeenMs) return;
    this.lastSeenMs = atMs;
    this.lastPredictMs = atMs;
  }

  /** A detection was matched on the frame captured at `atMs`. */
  match(det: Detection, atMs: number): void {
    kalmanUpdate(this.kalman, toXyah(det.box));
    this.classVote.add(votedClass(this.classVote.cls, det.cls), det.score);
    this.riders.add(det.riders, atMs);
    this.score = det.score;
    this.lastSeenMs = atMs;
    this.hits += 1;
    this.box = this.filteredBox();
  }

  /** The value reported downstream (a fresh object: callers may keep it). */
  toTrack(): Track {
    const riders = this.riders.value;
    const base = {
      id: this.id,
      box: this.box,
      cls: this.cls,
      score: this.score,
      state: this.state,
      firstSeenMs: this.firstSeenMs,
      lastSeenMs: this.lastSeenMs,
      hits: this.hits,
    } as const;
    return riders === undefined ? base : { ...base, riders };
  }

  private filteredBox(): Box {
    const [cx, cy, a, h] = kalmanXyah(this.kalman);
    return fromXyah(cx, cy, a, h);
  }
}
