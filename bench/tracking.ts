import { performance } from 'node:perf_hooks';
import { box, iou, type Box } from '../src/core/box.js';
import type { Detection } from '../src/core/detection.js';
import type { FrameMeta } from '../src/core/frame.js';
import { px } from '../src/core/geometry.js';
import { lineCounterInit, lineCounterStep } from '../src/rules/line-counter.js';
import { ByteTracker } from '../src/tracking/bytetrack/bytetrack.js';
import { IouTracker } from '../src/tracking/iou-tracker.js';
import type { Tracker, TrackerUpdate } from '../src/tracking/tracker.js';

/**
 * Tracker cost and quality on a synthetic scene: 50 objects crossing a 1920×1080 picture at 50–250 px/s (one
 * leaves, a new one enters), corners jittered ±3 px, scores 0.3–1, 10 % of detections missed, 2000 frames at
 * 10 fps with 10 % of frames dropped (irregular timestamps). Quality: identity switches during objects' lives.
 */

const W = 1920;
const H = 1080;
const OBJECTS = 50;
const FRAMES = 2000;

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Frame {
  readonly meta: FrameMeta;
  readonly truth: readonly { readonly key: string; readonly box: Box }[];
  readonly detections: readonly Detection[];
}

interface Obj {
  x: number;
  y: number;
  w: number;
  h: number;
  vx: number;
  vy: number;
  /** Identity of the object in this slot: bumped when it leaves and a new one enters. */
  gen: number;
}

/** A new object entering from a random edge, heading into the picture at 50–250 px/s. */
function spawn(rnd: () => number, gen: number): Obj {
  const w = 50 + rnd() * 110;
  const h = w * (0.6 + rnd() * 0.6);
  const speed = 50 + rnd() * 200;
  const side = Math.floor(rnd() * 4);
  const along = rnd();
  const spread = (rnd() - 0.5) * 0.6;
  const entries: [number, number, number][] = [
    [-w + 1, along * (H - h), spread], // from the left, heading right
    [W - 1, along * (H - h), Math.PI + spread], // from the right
    [along * (W - w), -h + 1, Math.PI / 2 + spread], // from the top
    [along * (W - w), H - 1, -Math.PI / 2 + spread], // from the bottom
  ];
  const [x, y, angle] = entries[side]!;
  return { x, y, w, h, vx: speed * Math.cos(angle), vy: speed * Math.sin(angle), gen };
}

const outside = (o: Obj): boolean => o.x > W || o.x + o.w < 0 || o.y > H || o.y + o.h < 0;

function scene(seed = 1): Frame[] {
  const rnd = prng(seed);
  const objs = Array.from({ length: OBJECTS }, () => {
    const o = spawn(rnd, 0);
    o.x = rnd() * (W - o.w); // start spread over the picture
    o.y = rnd() * (H - o.h);
    return o;
  });
  const frames: Frame[] = [];
  let atMs = Date.UTC(2026, 0, 1);
  let lastMs = atMs;
  for (let index = 0; frames.length < FRAMES; index++) {
    atMs += 100;
    if (rnd() < 0.1) continue; // dropped frame
    const dt = (atMs - lastMs) / 1000;
    lastMs = atMs;
    objs.forEach((o, i) => {
      o.x += o.vx * dt;
      o.y += o.vy * dt;
      if (outside(o)) objs[i] = spawn(rnd, o.gen + 1);
    });
    const truth = objs.map((o) => ({ key: `${objs.indexOf(o)}:${o.gen}`, box: box(o.x, o.y, o.x + o.w, o.y + o.h) }));
    const j = (): number => (rnd() * 2 - 1) * 3;
    const detections = truth
      .filter(() => rnd() >= 0.1)
      .map(({ box: b }) => ({ box: box(b.x1 + j(), b.y1 + j(), b.x2 + j(), b.y2 + j()), cls: 'car' as const, score: 0.3 + rnd() * 0.7 }));
    const size = { width: W, height: H };
    frames.push({ meta: { index, ptsSec: index / 10, capturedAtMs: atMs, size, sourceSize: size }, truth, detections });
  }
  return frames;
}

/** Identity switches: the id best overlapping (IoU > 0.5) an object changes during its life. */
function idSwitches(frames: readonly Frame[], outputs: readonly TrackerUpdate[]): number {
  const lastId = new Map<string, number>();
  let switches = 0;
  frames.forEach((f, k) => {
    for (const t of f.truth) {
      let best: number | undefined;
      let bestIou = 0.5;
      for (const tr of outputs[k]!.tracks) {
        const v = iou(tr.box, t.box);
        if (v > bestIou) [best, bestIou] = [tr.id, v];
      }
      if (best === undefined) continue;
      const prev = lastId.get(t.key);
      if (prev !== undefined && prev !== best) switches++;
      lastId.set(t.key, best);
    }
  });
  return switches;
}

function timeTracker(make: () => Tracker, frames: readonly Frame[]) {
  make().update(frames[0]!.detections, frames[0]!.meta); // warm-up (JIT)
  const tracker = make();
  const outputs: TrackerUpdate[] = [];
  let maxSize = 0;
  const t0 = performance.now();
  for (const f of frames) {
    outputs.push(tracker.update(f.detections, f.meta));
    maxSize = Math.max(maxSize, tracker.size());
  }
  const ms = performance.now() - t0;
  return { msPerFrame: ms / frames.length, idSwitches: idSwitches(frames, outputs), maxSize, outputs };
}

export async function benchTracker(): Promise<Record<string, number>> {
  const frames = scene();
  const byte = timeTracker(() => new ByteTracker(), frames);
  const greedy = timeTracker(() => new IouTracker(), frames);
  const lines = Array.from({ length: 4 }, (_, i) => ({ id: `L${i + 1}`, a: px(100, 200 + i * 220), b: px(1800, 260 + i * 220) }));
  let state = lineCounterInit(lines, { cameraId: 'bench' });
  let crossings = 0;
  const t0 = performance.now();
  byte.outputs.forEach((o, k) => {
    const out = lineCounterStep(state, o.tracks, frames[k]!.meta, o.ended);
    state = out.state;
    crossings += out.events.length;
  });
  const lineMs = performance.now() - t0;
  return Promise.resolve({
    frames: frames.length,
    objects: OBJECTS,
    objectLives: new Set(frames.flatMap((f) => f.truth.map((t) => t.key))).size,
    byteTrackMsPerFrameAt50Tracks: round(byte.msPerFrame),
    byteTrackIdSwitches: byte.idSwitches,
    byteTrackMaxSize: byte.maxSize,
    iouTrackerMsPerFrameAt50Tracks: round(greedy.msPerFrame),
    iouTrackerIdSwitches: greedy.idSwitches,
    iouTrackerMaxSize: greedy.maxSize,
    lineCounterMsPerFrameAt50Tracks4Lines: round(lineMs / frames.length),
    lineCrossings: crossings,
  });
}

const round = (v: number): number => Math.round(v * 1000) / 1000;

/**
 * Real-clip line count: `opencv4nodejs_traffic.mp4` (640×360, 20 s), YOLOX-nano (minScore 0.1) at 10 fps and
 * at 5 fps (every other analysed frame), line L1 = (320,108)→(320,360) across the lower carriageway. Ground
 * truth, counted by hand from a slit-scan of the column x = 320 (ffmpeg crop=2:252:319:108, tile=480x1):
 * 16 cars cross it, all left → right (direction `neg`); a 17th is only halfway at the end of the clip.
 */
export const TRAFFIC_CLIP_CROSSINGS = 16;

export async function benchLineCountRealClip(): Promise<Record<string, number>> {
  const [{ openFrameSource }, { createOnnxDetector }] = await Promise.all([
    import('../src/video/frame-source.js'),
    import('../src/vision/onnx-detector.js'),
  ]);
  const assets = process.env.ARGUS_ASSETS ?? '../shared/assets';
  const detector = await createOnnxDetector({
    model: 'yolox_nano_416_coco',
    modelsDir: process.env.ARGUS_MODELS ?? `${assets}/models`,
    minScore: 0.1,
  });
  const frames: { meta: FrameMeta; detections: Detection[] }[] = [];
  try {
    for await (const f of openFrameSource({ url: `${assets}/videos/opencv4nodejs_traffic.mp4`, fps: 10 })) {
      const { rgb: _rgb, ...meta } = f;
      frames.push({ meta, detections: await detector.detect(f) });
    }
  } finally {
    await detector.close();
  }
  const line = { id: 'L1', a: px(320, 108), b: px(320, 360) };
  /** [crossings counted left → right (correct), counted the other way (wrong)]. */
  const count = (tracker: Tracker, every: number): [number, number] => {
    let state = lineCounterInit([line], { cameraId: 'bench' });
    let neg = 0;
    let pos = 0;
    frames
      .filter((_, i) => i % every === 0)
      .forEach((f) => {
        const out = tracker.update(f.detections, f.meta);
        const step = lineCounterStep(state, out.tracks, f.meta, out.ended);
        state = step.state;
        for (const e of step.events) if (e.direction === 'neg') neg++; else pos++;
      });
    return [neg, pos];
  };
  const out: Record<string, number> = { frames: frames.length, handCountedCrossings: TRAFFIC_CLIP_CROSSINGS };
  for (const [name, make] of [['byteTrack', () => new ByteTracker()], ['iouTracker', () => new IouTracker()]] as const) {
    for (const [fps, every] of [[10, 1], [5, 2]] as const) {
      const [right, wrong] = count(make(), every);
      out[`${name}${fps}FpsCounted`] = right;
      out[`${name}${fps}FpsWrongDirection`] = wrong;
    }
  }
  return out;
}
