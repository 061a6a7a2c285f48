import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { box, iou, type Box } from '../src/core/box.js';
import { isVehicleClass } from '../src/core/classes.js';
import type { Detection } from '../src/core/detection.js';
import type { Frame } from '../src/core/frame.js';
import { createOnnxDetector, type OnnxDetector } from '../src/vision/onnx-detector.js';
import { fuseRiders } from '../src/vision/riders.js';
import { asset, BOULEVARD, imageFrame, SHARED_MODELS, videoFrame } from '../src/vision/testing/fixtures.js';

process.env.ARGUS_MODELS = SHARED_MODELS;

// Hand-drawn from darknet_dog.jpg (768×576): the red bicycle and the white pick-up behind the railing.
const BICYCLE: Box = box(125, 140, 565, 420);
const PICKUP: Box = box(465, 75, 690, 170);
// Boulevard clip at 2 s: the white car in the middle lane.
const WHITE_CAR: Box = box(838, 121, 902, 182);

const best = (dets: readonly Detection[], cls: readonly string[], target: Box): number =>
  Math.max(0, ...dets.filter((d) => cls.includes(d.cls)).map((d) => iou(d.box, target)));

const inside = (d: Detection, w: number, h: number): boolean => d.box.x1 >= 0 && d.box.y1 >= 0 && d.box.x2 <= w && d.box.y2 <= h && d.box.x2 > d.box.x1;

describe('ONNX detectors on real pictures', () => {
  let dog: Frame;
  beforeAll(async () => {
    dog = await imageFrame(asset('images/darknet_dog.jpg'));
  });

  it.each(['yolox_nano_416_coco', 'yolov8n_int8_640_coco_AGPL', 'nanodet_m_416_coco'])('%s finds the bicycle and the pick-up where they are', async (model) => {
    const detector = await createOnnxDetector({ model, workers: 1, threadsPerWorker: 1 });
    try {
      const dets = await detector.detect(dog);
      expect(best(dets, ['bicycle'], BICYCLE)).toBeGreaterThan(0.6);
      expect(best(dets, ['car', 'truck'], PICKUP)).toBeGreaterThan(0.7);
      expect(dets.every((d) => inside(d, 768, 576) && d.score >= 0.3)).toBe(true);
      // The dog is not an Argus class: nothing is reported over it.
      expect(best(dets, ['person', 'bicycle', 'car', 'truck', 'motorcycle', 'bus'], box(135, 210, 330, 540))).toBeLessThan(0.5);
    } finally {
      await detector.close();
    }
  });

  it('reports boxes in SOURCE pixels when the analysed frame is smaller', async () => {
    const small = await imageFrame(asset('images/darknet_dog.jpg'), { width: 384, height: 288 });
    expect(small.size).toEqual({ width: 384, height: 288 });
    const detector = await createOnnxDetector({ model: 'yolox_nano_416_coco', workers: 1, threadsPerWorker: 1 });
    try {
      const dets = await detector.detect(small);
      expect(best(dets, ['bicycle'], BICYCLE)).toBeGreaterThan(0.6);
      expect(best(dets, ['car', 'truck'], PICKUP)).toBeGreaterThan(0.6);
    } finally {
      await detector.close();
    }
  });
});

describe('YOLOX-nano on the Vietnamese boulevard', () => {
  let frame: Frame;
  let whole: OnnxDetector;
  let tiled: OnnxDetector;
  beforeAll(async () => {
    frame = await videoFrame(asset(BOULEVARD.path), 2, BOULEVARD.size);
    [whole, tiled] = await Promise.all([
      createOnnxDetector({ model: 'yolox_nano_416_coco', workers: 1, threadsPerWorker: 1 }),
      createOnnxDetector({ model: 'yolox_nano_416_coco', workers: 2, threadsPerWorker: 1, tiles: 2 }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([whole?.close(), tiled?.close()]);
  });

  it('finds the white car and several vehicles on the whole frame', async () => {
    const dets = await whole.detect(frame);
    expect(best(dets, ['car'], WHITE_CAR)).toBeGreaterThan(0.6);
    expect(dets.filter((d) => isVehicleClass(d.cls)).length).toBeGreaterThanOrEqual(3);
    expect(dets.every((d) => inside(d, 1568, 778))).toBe(true);
  });

  it('finds more vehicles on two overlapping tiles, with no duplicate of the white car', async () => {
    const [w, t] = [await whole.detect(frame), await tiled.detect(frame)];
    const vehicles = (ds: Detection[]) => ds.filter((d) => isVehicleClass(d.cls)).length;
    expect(vehicles(t)).toBeGreaterThan(vehicles(w));
    expect(t.filter((d) => iou(d.box, WHITE_CAR) > 0.3)).toHaveLength(1);
  });

  it('turns lone riders and tall "cars" into motorcycles when asked (DESIGN §7)', async () => {
    const dets = await tiled.detect(frame);
    const more = fuseRiders(dets, { promoteLoneRiders: true, tallCarsAsMotorcycles: true });
    const motorbikes = (ds: Detection[]) => ds.filter((d) => d.cls === 'motorcycle').length;
    expect(motorbikes(more)).toBeGreaterThanOrEqual(motorbikes(dets) + 2);
    expect(best(more, ['car'], WHITE_CAR)).toBeGreaterThan(0.6); // the real car stays a car
  });

  it('maps tiled detections of a half-size analysis frame back to source pixels', async () => {
    const half = await videoFrame(asset(BOULEVARD.path), 2, BOULEVARD.size, 784);
    expect(half.size).toEqual({ width: 784, height: 390 });
    const dets = await tiled.detect(half);
    expect(best(dets, ['car'], WHITE_CAR)).toBeGreaterThan(0.5);
    expect(dets.every((d) => inside(d, 1568, 778))).toBe(true);
  });

  it('fuses riders into motorbikes (riders counted) by default', async () => {
    const dets = await tiled.detect(frame);
    expect(dets.some((d) => d.cls === 'motorcycle' && (d.riders ?? 0) >= 1)).toBe(true);
  });
});
