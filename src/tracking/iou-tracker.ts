import { box, iou, type Box } from '../core/box.js';
import type { Detection } from '../core/detection.js';
import { ArgusError } from '../core/errors.js';
import type { FrameMeta } from '../core/frame.js';
import type { Track, TrackId } from '../core/track.js';
import { CLASS_MISMATCH_COST, ClassVote, RidersWindow, classesCompatible, isDuplicate, usableDetection, votedClass } from './track-attributes.js';
import type { Tracker, TrackerUpdate } from './tracker.js';

export interface IouTrackerOptions {
  /** Detections below this score are ignored. */
  readonly lowScore: number;
  /** An unmatched detection must score this much to start a track. */
  readonly newTrackScore: number;
  /** Minimum IoU between a track's extrapolated box and a detection. */
  readonly matchIou: number;
  /** A track unmatched for longer than this (seconds of capture time) ends. */
  readonly lostBufferSec: number;
  /** Matched frames before a track is reported. */
  readonly minHits: number;
}

export const IOU_TRACKER_DEFAULTS: IouTrackerOptions = {
  lowScore: 0.3,
  newTrackScore: 0.5,
  matchIou: 0.2,
  lostBufferSec: 1.5,
  minHits: 2,
};

interface IouTrack {
  id: TrackId;
  box: Box;
  /** Centre velocity, pixels per second (smoothed). */
  vx: number;
  vy: number;
  score: number;
  hits: number;
  readonly firstSeenMs: number;
  lastSeenMs: number;
  readonly classVote: ClassVote;
  readonly riders: RidersWindow;
}

/** The track's box moved by its velocity to `atMs`. */
function extrapolate(t: IouTrack, atMs: number): Box {
  const dt = Math.max(0, (atMs - t.lastSeenMs) / 1000);
  return box(t.box.x1 + t.vx * dt, t.box.y1 + t.vy * dt, t.box.x2 + t.vx * dt, t.box.y2 + t.vy * dt);
}

/**
 * A greedy IoU tracker: the cheap baseline for low-end boxes. Each frame, track/detection pairs are matched in
 * decreasing IoU of the detection with the track's box extrapolated at its smoothed velocity (no Kalman, no
 * global assignment). Same lifecycle contract as ByteTrack: ids given on confirmation, lost buffer in
 * seconds, every reported id ends exactly once.
 */
export class IouTracker implements Tracker {
  private readonly opts: IouTrackerOptions;
  private tracks: IouTrack[] = [];
  private nextId = 1;
  private lastUpdateMs = -Infinity;

  constructor(options: Partial<IouTrackerOptions> = {}) {
    this.opts = { ...IOU_TRACKER_DEFAULTS, ...options };
    const o = this.opts;
    if (!(o.lowScore <= o.newTrackScore && o.matchIou > 0 && o.lostBufferSec >= 0 && o.minHits >= 1)) {
      throw new ArgusError('invalid_argument', `invalid IoU tracker options ${JSON.stringify(o)}`);
    }
  }

  size(): number {
    return this.tracks.length;
  }

  /** Tracks reported on the last update stand still through a motion-gated frame (seen there, no extrapolation). */
  hold(meta: FrameMeta): void {
    const now = meta.capturedAtMs;
    for (const t of this.tracks) {
      if (t.id === 0 || t.lastSeenMs !== this.lastUpdateMs || now <= t.lastSeenMs) continue;
      t.lastSeenMs = now;
    }
    this.lastUpdateMs = Math.max(this.lastUpdateMs, now);
  }

  update(detections: readonly Detection[], meta: FrameMeta): TrackerUpdate {
    const now = meta.capturedAtMs;
    this.lastUpdateMs = now;
    const ended = this.expire(now);
    const dets = detections.filter((d) => usableDetection(d) && d.score >= this.opts.lowScore);
    const candidates: { t: IouTrack; d: number; cost: number }[] = [];
    for (const t of this.tracks) {
      const predicted = extrapolate(t, now);
      dets.forEach((d, j) => {
        const overlap = classesCompatible(t.classVote.cls, d.cls) ? iou(predicted, d.box) : 0;
        if (overlap >= this.opts.matchIou) {
          candidates.push({ t, d: j, cost: 1 - overlap + (t.classVote.cls === d.cls ? 0 : CLASS_MISMATCH_COST) });
        }
      });
    }
    candidates.sort((a, b) => a.cost - b.cost);
    const usedTracks = new Set<IouTrack>();
    const usedDets = new Set<number>();
    for (const c of candidates) {
      if (usedTracks.has(c.t) || usedDets.has(c.d)) continue;
      usedTracks.add(c.t);
      usedDets.add(c.d);
      this.match(c.t, dets[c.d]!, now);
    }
    // An unconfirmed track that missed a frame is dropped (never reported, so not in `ended`).
    this.tracks = this.tracks.filter((t) => t.id !== 0 || usedTracks.has(t));
    const live = (): Iterable<{ box: Box; cls: Detection['cls'] }> => this.tracks.map((t) => ({ box: t.box, cls: t.classVote.cls }));
    dets
      .filter((d, j) => !usedDets.has(j) && d.score >= this.opts.newTrackScore)
      .sort((a, b) => b.score - a.score)
      .forEach((d) => {
        if (!isDuplicate(d, live())) this.start(d, now);
      });
    const tracks: Track[] = [];
    for (const t of this.tracks) if (t.id !== 0 && t.lastSeenMs === now) tracks.push(toTrack(t));
    tracks.sort((a, b) => a.id - b.id);
    return { tracks, ended };
  }

  private match(t: IouTrack, d: Detection, now: number): void {
    const dt = (now - t.lastSeenMs) / 1000;
    if (dt > 0) {
      const vx = ((d.box.x1 + d.box.x2 - t.box.x1 - t.box.x2) / 2) / dt;
      const vy = ((d.box.y1 + d.box.y2 - t.box.y1 - t.box.y2) / 2) / dt;
      const alpha = t.hits === 1 ? 1 : 0.5;
      t.vx += alpha * (vx - t.vx);
      t.vy += alpha * (vy - t.vy);
    }
    t.box = d.box;
    t.score = d.score;
    t.hits += 1;
    t.lastSeenMs = now;
    t.classVote.add(votedClass(t.classVote.cls, d.cls), d.score);
    t.riders.add(d.riders, now);
    if (t.id === 0 && t.hits >= this.opts.minHits) t.id = this.nextId++;
  }

  private start(d: Detection, now: number): void {
    const riders = new RidersWindow();
    riders.add(d.riders, now);
    const t: IouTrack = {
      id: 0,
      box: d.box,
      vx: 0,
      vy: 0,
      score: d.score,
      hits: 1,
      firstSeenMs: now,
      lastSeenMs: now,
      classVote: new ClassVote(d.cls, d.score),
      riders,
    };
    if (this.opts.minHits <= 1) t.id = this.nextId++;
    this.tracks.push(t);
  }

  private expire(now: number): TrackId[] {
    const bufferMs = this.opts.lostBufferSec * 1000;
    const ended: TrackId[] = [];
    this.tracks = this.tracks.filter((t) => {
      if (now - t.lastSeenMs <= bufferMs) return true;
      if (t.id !== 0) ended.push(t.id);
      return false;
    });
    return ended;
  }
}

function toTrack(t: IouTrack): Track {
  const base = {
    id: t.id,
    box: t.box,
    cls: t.classVote.cls,
    score: t.score,
    state: 'tracked',
    firstSeenMs: t.firstSeenMs,
    lastSeenMs: t.lastSeenMs,
    hits: t.hits,
  } as const;
  const riders = t.riders.value;
  return riders === undefined ? base : { ...base, riders };
}

/** A greedy IoU tracker with the given options (defaults: IOU_TRACKER_DEFAULTS). */
export const createIouTracker = (options: Partial<IouTrackerOptions> = {}): Tracker => new IouTracker(options);
