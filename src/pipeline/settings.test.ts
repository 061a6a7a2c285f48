import { describe, expect, it } from 'vitest';
import { cameraSchema } from '../config/schema.js';
import { analysisSettings, resolveCameraAnalysis } from './settings.js';

const camera = (analysis: object = {}, plates: boolean | 'anpr' = false) =>
  cameraSchema.parse({ id: 'c', name: 'c', site: 's', kind: 'overview', source: 'rtsp://10.0.0.1/c', location: { lat: 16, lng: 108 }, analysis, plates });

/** The Vietnamese boulevard clip: 1568×778 (about 2:1), 30 fps. */
const BOULEVARD = { width: 1568, height: 778, fps: 30 };

describe('the analysis settings of a camera', () => {
  it('keep the aspect of a source that is not 16:9', () => {
    const s = analysisSettings(resolveCameraAnalysis(camera(), BOULEVARD));
    expect(s).toEqual({ width: 1280, height: 636, fps: 15, tiles: 2, model: 'yolox_nano_416_coco' });
    expect(analysisSettings(resolveCameraAnalysis(camera({ width: 640 }), BOULEVARD))).toMatchObject({ width: 640, height: 318, tiles: 1 });
  });

  it('take the width from the real aspect when the config gives only a height', () => {
    const fourByThree = { width: 1440, height: 1080, fps: 25 };
    expect(resolveCameraAnalysis(camera({ height: 540 }), fourByThree).size).toEqual({ width: 720, height: 540 });
  });

  it("follow the source's rate up to 15 fps, and up to 5 fps for an ANPR camera", () => {
    expect(resolveCameraAnalysis(camera(), { ...BOULEVARD, fps: 12.5 }).fps).toBe(12.5);
    expect(resolveCameraAnalysis(camera({}, 'anpr'), BOULEVARD).fps).toBe(5);
    expect(resolveCameraAnalysis(camera({ fps: 8 }, 'anpr'), BOULEVARD).fps).toBe(8);
  });

  it('analyse a plate camera at its source width (at most 1280), as any other camera', () => {
    expect(resolveCameraAnalysis(camera({}, true), { width: 960, height: 540, fps: 25 }).size).toEqual({ width: 960, height: 540 });
  });
});

describe("the detector and tracker a camera's config chooses", () => {
  it('fill ByteTrack with the defaults for the default detector, and leave the IoU tracker as configured', () => {
    expect(resolveCameraAnalysis(camera(), BOULEVARD).tracker).toEqual({ kind: 'bytetrack', highScore: 0.35, newTrackScore: 0.35 });
    expect(resolveCameraAnalysis(camera({ tracker: { highScore: 0.2 } }), BOULEVARD).tracker).toEqual({ kind: 'bytetrack', highScore: 0.2, newTrackScore: 0.35 });
    expect(resolveCameraAnalysis(camera({ tracker: { kind: 'iou', minHits: 1 } }), BOULEVARD).tracker).toEqual({ kind: 'iou', minHits: 1 });
  });

  it("tile by the model's own input width, and not at all without a detector", () => {
    // YOLOv8n takes 640-pixel inputs: 1280 px is one pair of them, so one tile (YOLOX-nano at 416: two).
    expect(analysisSettings(resolveCameraAnalysis(camera({ detector: { model: 'yolov8n_int8_640_coco_AGPL' } }), BOULEVARD)).tiles).toBe(1);
    expect(analysisSettings(resolveCameraAnalysis(camera({ detector: { kind: 'none' } }), BOULEVARD))).toMatchObject({ tiles: 0, model: 'none' });
  });
});
