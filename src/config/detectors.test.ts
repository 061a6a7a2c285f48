import { describe, expect, it } from 'vitest';
import { analysisSchema } from './schema.js';

describe("a camera's detector and tracker choice", () => {
  it('defaults to the ONNX YOLOX-nano detector and ByteTrack', () => {
    const a = analysisSchema.parse({});
    expect(a.detector).toEqual({ kind: 'onnx', model: 'yolox_nano_416_coco', minScore: 0.1, tiles: 'auto', promoteLoneRiders: true });
    expect(a.tracker).toEqual({ kind: 'bytetrack' });
  });

  it('reads the detector keys that older configs and stored cameras kept under analysis', () => {
    const a = analysisSchema.parse({ model: 'nanodet_m_416_coco', tiles: 2, fps: 5, tracker: { highScore: 0.2, newTrackScore: 0.2 } });
    expect(a.detector).toEqual({ kind: 'onnx', model: 'nanodet_m_416_coco', minScore: 0.1, tiles: 2, promoteLoneRiders: true });
    expect([a.fps, a.tracker]).toEqual([5, { kind: 'bytetrack', highScore: 0.2, newTrackScore: 0.2 }]);
    // What is written back (a camera saved through the API) is the new form, and reads back the same.
    expect(analysisSchema.parse(JSON.parse(JSON.stringify(a)))).toEqual(a);
  });

  it('chooses the IoU tracker or no detector by kind', () => {
    const a = analysisSchema.parse({ detector: { kind: 'none' }, tracker: { kind: 'iou', minHits: 3 } });
    expect([a.detector, a.tracker]).toEqual([{ kind: 'none' }, { kind: 'iou', minHits: 3 }]);
  });

  it('refuses an unknown kind, options of another kind, and the old keys beside the new detector', () => {
    expect(analysisSchema.safeParse({ detector: { kind: 'tflite' } }).success).toBe(false);
    expect(analysisSchema.safeParse({ tracker: { kind: 'iou', highScore: 0.3 } }).success).toBe(false);
    const both = analysisSchema.safeParse({ model: 'x', detector: { kind: 'onnx' } });
    expect(both.success).toBe(false);
    expect(both.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['model'] });
  });

  it('describes every field of every kind (the text feeds the docs and the UI forms)', () => {
    const js = JSON.stringify(analysisSchema.toJSONSchema?.() ?? {});
    for (const kind of ['onnx', 'none', 'bytetrack', 'iou']) expect(js).toContain(`"const":"${kind}"`);
  });
});
