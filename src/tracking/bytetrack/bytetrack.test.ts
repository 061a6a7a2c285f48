import { describe, expect, it } from 'vitest';
import { box } from '../../core/box.js';
import { isArgusError } from '../../core/errors.js';
import { runTrackerConformance } from '../testing/conformance.js';
import { T0_MS, frameMeta } from '../testing/scenario.js';
import { ByteTracker } from './bytetrack.js';

runTrackerConformance('ByteTrack', ({ lostBufferSec }) => new ByteTracker({ lostBufferSec }));

const at = (i: number, fps = 10): number => T0_MS + Math.round((i * 1000) / fps);
const carAt = (x: number, score = 0.9) => ({ box: box(x, 300, x + 120, 380), cls: 'car' as const, score });

describe('ByteTrack specifics', () => {
  it('keeps a tracked object through low-score detections (second association), which alone start nothing', () => {
    const t = new ByteTracker();
    const ids = new Set<number>();
    let reportedDuringLow = 0;
    for (let i = 0; i < 40; i++) {
      const low = i >= 10 && i < 30; // occlusion: the detector's confidence drops to 0.3
      const dets = [carAt(100 + i * 15, low ? 0.3 : 0.9), { ...carAt(1400, 0.3), cls: 'truck' as const }];
      const out = t.update(dets, frameMeta(at(i), i));
      for (const tr of out.tracks) ids.add(tr.id);
      if (low) reportedDuringLow += out.tracks.length;
      expect(out.ended).toEqual([]);
    }
    expect(ids).toEqual(new Set([1]));
    expect(reportedDuringLow).toBe(20);
  });

  it('slow start: a moving object scored low on every frame is reported once matched slowStartHits frames and moved', () => {
    const t = new ByteTracker({ newTrackScore: 0.35, highScore: 0.35 });
    const reportedAt: number[] = [];
    for (let i = 0; i < 10; i++) {
      // 0.25 on every frame, 15 px a frame, box 80 px tall: seen on 4 frames (i = 3) it has moved 45 px ≥ 0.5 × 80.
      const out = t.update([carAt(100 + i * 15, 0.25)], frameMeta(at(i), i));
      if (out.tracks.length) reportedAt.push(i);
    }
    expect(reportedAt).toEqual([3, 4, 5, 6, 7, 8, 9]);
  });

  it('slow start: a standing object scored low is never reported; one below slowStartScore is not even held', () => {
    const t = new ByteTracker({ newTrackScore: 0.35, highScore: 0.35 });
    for (let i = 0; i < 30; i++) expect(t.update([carAt(300, 0.25)], frameMeta(at(i), i)).tracks).toEqual([]);
    expect(t.size()).toBe(1);
    const off = new ByteTracker({ newTrackScore: 0.35, highScore: 0.35 });
    for (let i = 0; i < 10; i++) expect(off.update([carAt(100 + i * 15, 0.15)], frameMeta(at(i), i)).tracks).toEqual([]);
    expect(off.size()).toBe(0);
    const disabled = new ByteTracker({ newTrackScore: 0.35, highScore: 0.35, slowStartScore: 0.35 });
    for (let i = 0; i < 10; i++) expect(disabled.update([carAt(100 + i * 15, 0.25)], frameMeta(at(i), i)).tracks).toEqual([]);
  });

  it('a rider boxed as the person on some frames and as the bike on others keeps one two-wheeler track', () => {
    const t = new ByteTracker();
    const ids = new Set<number>();
    const classes = new Set<string>();
    const labels = ['bicycle', 'person', 'person', 'motorcycle', 'person', 'bicycle', 'person', 'motorcycle'] as const;
    for (let i = 0; i < 24; i++) {
      const out = t.update([{ ...carAt(100 + i * 8, 0.6), cls: labels[i % labels.length]! }], frameMeta(at(i), i));
      for (const tr of out.tracks) {
        ids.add(tr.id);
        if (i > 8) classes.add(tr.cls);
      }
    }
    expect(ids.size).toBe(1);
    expect([...classes]).toEqual(['bicycle']);
  });

  it('recovers a track missed on one frame with a low-score detection', () => {
    const t = new ByteTracker();
    for (let i = 0; i < 5; i++) t.update([carAt(100 + i * 10)], frameMeta(at(i), i));
    expect(t.update([], frameMeta(at(5), 5)).tracks).toEqual([]);
    const out = t.update([carAt(160, 0.3)], frameMeta(at(6), 6));
    expect(out.tracks.map((x) => [x.id, x.score])).toEqual([[1, 0.3]]);
  });

  it('loses a track whose only detections are low-score and far from the prediction', () => {
    const t = new ByteTracker({ lostBufferSec: 0.5 });
    for (let i = 0; i < 5; i++) t.update([carAt(100 + i * 10)], frameMeta(at(i), i));
    // Low-score boxes elsewhere: the second association's IoU gate (0.5) rejects them.
    const out = t.update([carAt(800, 0.3)], frameMeta(at(5), 5));
    expect(out.tracks).toEqual([]);
    expect(t.update([], frameMeta(at(12), 12)).ended).toEqual([1]);
    expect(t.size()).toBe(0);
  });

  it.each([
    [1, 0],
    [2, 1],
    [4, 3],
  ])('reports a new track after minHits = %i matched frames', (minHits, firstReportedFrame) => {
    const t = new ByteTracker({ minHits });
    const firstSeen = Array.from({ length: 6 }, (_, i) => t.update([carAt(100 + i * 10)], frameMeta(at(i), i)).tracks.length > 0).indexOf(true);
    expect(firstSeen).toBe(firstReportedFrame);
  });

  it('confirms at once a first detection scoring above instantScore', () => {
    const t = new ByteTracker({ instantScore: 0.95 });
    expect(t.update([carAt(100, 0.97)], frameMeta(at(0), 0)).tracks).toHaveLength(1);
    // A second object scoring under instantScore waits for minHits (2) as usual.
    expect(t.update([carAt(100, 0.97), carAt(700, 0.9)], frameMeta(at(1), 1)).tracks.map((x) => x.id)).toEqual([1]);
    expect(t.update([carAt(100, 0.97), carAt(700, 0.9)], frameMeta(at(2), 2)).tracks.map((x) => x.id)).toEqual([1, 2]);
  });

  it('predicts over the real time elapsed: a fast object seen at irregular intervals keeps its id', () => {
    const t = new ByteTracker();
    const times = [0, 100, 200, 300, 700, 800, 1400, 1500, 1600];
    const ids = times.map((ms, i) => {
      const out = t.update([carAt(100 + ms * 0.4)], frameMeta(T0_MS + ms, i));
      return out.tracks[0]?.id;
    });
    expect(ids.slice(1)).toEqual(new Array(times.length - 1).fill(1));
  });

  it('rejects inconsistent options with invalid_argument', () => {
    for (const bad of [{ lowScore: 0.7, highScore: 0.5 }, { minHits: 0 }, { matchIou: 0 }, { lostBufferSec: -1 }, { newTrackScore: 0.3 }]) {
      let err: unknown;
      try {
        new ByteTracker(bad);
      } catch (e) {
        err = e;
      }
      expect(isArgusError(err, 'invalid_argument')).toBe(true);
    }
  });
});
