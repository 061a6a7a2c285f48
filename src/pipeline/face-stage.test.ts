import { describe, expect, it } from 'vitest';
import type { Box } from '../core/box.js';
import type { FaceSeenEvent } from '../core/face.js';
import type { Frame } from '../core/frame.js';
import type { Track, TrackId } from '../core/track.js';
import type { FaceDetection, FaceDetector, FaceEmbedder } from '../vision/faces/index.js';
import type { FrameResult } from './analysis.js';
import { createFaceStage } from './face-stage.js';

// Test doubles of the two ports (the real YuNet and ResNet run in test/server-faces.test.ts and src/vision/faces).
const W = 640;
const H = 360;
const frame = (ptsSec: number): Frame => ({ rgb: new Uint8Array(W * H * 3).fill(90), index: Math.round(ptsSec * 10), ptsSec, capturedAtMs: 1e12 + ptsSec * 1000, size: { width: W, height: H }, sourceSize: { width: W, height: H } });
const face = (x: number, y: number, s = 40, score = 0.9): FaceDetection => ({
  box: { x1: x, y1: y, x2: x + s, y2: y + s }, score,
  landmarks: [[x + 0.3 * s, y + 0.4 * s], [x + 0.7 * s, y + 0.4 * s], [x + 0.5 * s, y + 0.6 * s], [x + 0.35 * s, y + 0.8 * s], [x + 0.65 * s, y + 0.8 * s]],
});
const person = (id: number, box: Box): Track => ({ id: id as TrackId, box, cls: 'person', score: 0.9, state: 'tracked', firstSeenMs: 0, lastSeenMs: 0, hits: 5 });
const result = (f: Frame, tracks: Track[], ended: number[] = []): FrameResult => ({ frame: f, detections: [], tracks, ended: ended as TrackId[], events: [], motion: true });

function doubles(script: (pts: number) => FaceDetection[]) {
  const calls: number[] = [];
  const detector: FaceDetector = { detect: async (f) => (calls.push(f.ptsSec), script(f.ptsSec)), close: async () => undefined };
  const embedder: FaceEmbedder = { model: 'm', dim: 4, input: { template: 'arcface', size: 112 }, embed: async (fs) => fs.map(() => Float32Array.from([1, 0, 0, 0])), close: async () => undefined };
  return { detector, embedder, calls };
}

async function run(stage: ReturnType<typeof createFaceStage>, steps: Array<[number, Track[], number[]?]>): Promise<FaceSeenEvent[]> {
  const out: FaceSeenEvent[] = [];
  for (const [pts, tracks, ended] of steps) out.push(...((await stage.step(result(frame(pts), tracks, ended ?? []))) as FaceSeenEvent[]));
  out.push(...((await stage.finish!()) as FaceSeenEvent[]));
  return out;
}

describe('face stage', () => {
  it('gives a person track one face, its best, emitAfterSec after its first face, and never again', async () => {
    const p = person(7, { x1: 100, y1: 50, x2: 200, y2: 350 });
    // The face grows (better quality) as the person comes closer.
    const d = doubles((pts) => [face(130, 60, 24 + pts * 10)]);
    const stage = createFaceStage({ cameraId: 'c', ...d, emitAfterSec: 1 });
    const events = await run(stage, Array.from({ length: 30 }, (_, i) => [i * 0.1, [p]] as [number, Track[]]));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'face.seen', cameraId: 'c', trackId: 7, model: 'm', embedding: [1, 0, 0, 0] });
    expect(events[0]!.ptsSec).toBeGreaterThan(0.5); // a later, bigger face won over the first one
    expect(events[0]!.cropJpeg?.[0]).toBe(0xff);
    expect(d.calls.length).toBeLessThanOrEqual(11); // every 0.25 s until the face went out: then no more looks for it
  });

  it('keeps a face with no person track on a face track of its own, and emits it when that track is gone', async () => {
    const d = doubles((pts) => (pts < 0.6 ? [face(300 + pts * 40, 100)] : []));
    const stage = createFaceStage({ cameraId: 'c', ...d, emitAfterSec: 5, faceTrackGapSec: 0.5, always: true });
    const events = await run(stage, Array.from({ length: 20 }, (_, i) => [i * 0.1, []] as [number, Track[]]));
    expect(events).toHaveLength(1);
    expect(events[0]!.trackId).toBeGreaterThanOrEqual(1_000_000_000);
  });

  it('does not look at a gateway picture without a person, and a person leaving ends their track', async () => {
    const d = doubles(() => [face(130, 60)]);
    const stage = createFaceStage({ cameraId: 'c', ...d, emitAfterSec: 10 });
    const p = person(3, { x1: 100, y1: 50, x2: 200, y2: 350 });
    const events = await run(stage, [[0, []], [0.5, []], [1, [p]], [1.5, [p]], [2, [], [3]], [2.5, []]]);
    expect(d.calls).toEqual([1, 1.5]);
    expect(events.map((e) => [e.trackId, e.ptsSec])).toEqual([[3, 1]]);
  });
});
