import { describe, expect, it } from 'vitest';
import { isArgusError } from '../core/errors.js';
import { COCO80 } from './labels.js';
import { MODEL_CATALOG } from './models.js';
import { createDetector, describeDetector, NULL_DETECTOR } from './registry.js';

const onnx = { kind: 'onnx', model: 'yolox_nano_416_coco', minScore: 0.1, tiles: 1, promoteLoneRiders: true } as const;

describe('the detector registry', () => {
  it("says what an ONNX detector runs: the catalogue model's input and its own label set", () => {
    const d = describeDetector(onnx);
    expect(d).toMatchObject({ runtime: 'onnxruntime-node', model: 'yolox_nano_416_coco', input: { width: 416, height: 416 }, labels: COCO80 });
    expect(COCO80.toArgus.get(3)).toBe('motorcycle');
  });

  it('gives every detection model of the catalogue a label set, and none to the other models', () => {
    for (const m of MODEL_CATALOG) expect(m.labels !== undefined, m.name).toBe(m.task === 'detect');
  });

  it('builds no detector for kind none (health, recording and live view need no model)', async () => {
    expect(describeDetector({ kind: 'none' })).toEqual({ runtime: 'none', model: null, input: null, labels: null });
    expect(await createDetector({ kind: 'none' })).toBe(NULL_DETECTOR);
  });

  it('refuses an unknown kind and a model that is no detector, with invalid_argument', async () => {
    await expect(createDetector({ kind: 'tflite' } as never)).rejects.toSatisfy((e) => isArgusError(e, 'invalid_argument'));
    await expect(createDetector({ ...onnx, model: 'retinaplate_mnet_640' })).rejects.toSatisfy((e) => isArgusError(e, 'invalid_argument'));
  });
});
