import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isArgusError } from '../src/core/errors.js';
import { createOnnxDetector } from '../src/vision/onnx-detector.js';
import { createOnnxPool } from '../src/vision/onnx-pool.js';
import { resolveModel } from '../src/vision/models.js';
import { asset, imageFrame, SHARED_MODELS } from '../src/vision/testing/fixtures.js';

const YOLOX = resolveModel('yolox_nano_416_coco', SHARED_MODELS);
const ports = (): number => process.getActiveResourcesInfo().filter((r) => r === 'MessagePort').length;

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describe('ONNX session pool', () => {
  it('answers two concurrent detect() calls and leaves no worker after close()', async () => {
    const before = ports();
    const detector = await createOnnxDetector({ model: 'yolox_nano_416_coco', modelsDir: SHARED_MODELS, workers: 2, threadsPerWorker: 1 });
    expect(detector.stats().workers).toBe(2);
    expect(ports()).toBe(before + 2);
    const dog = await imageFrame(asset('images/darknet_dog.jpg'));
    const [a, b] = await Promise.all([detector.detect(dog), detector.detect(dog)]);
    expect(a.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
    expect(detector.stats()).toMatchObject({ completed: 2, failed: 0, busy: 0, queued: 0 });
    await detector.close();
    expect(detector.stats().workers).toBe(0);
    expect(ports()).toBe(before);
  });

  it('queues more jobs than workers and transfers the input buffers', async () => {
    const pool = await createOnnxPool({ modelPath: YOLOX, workers: 1, intraOpNumThreads: 1 });
    try {
      const inputs = [0, 1, 2].map(() => new Float32Array(3 * 416 * 416).fill(0.5));
      const results = await Promise.all(inputs.map((data) => pool.run({ images: { data, dims: [1, 3, 416, 416] } })));
      expect(results.map((r) => r.outputs.output?.dims)).toEqual([[1, 3549, 85], [1, 3549, 85], [1, 3549, 85]]);
      expect(inputs.every((d) => d.byteLength === 0)).toBe(true); // detached: transferred, not copied
    } finally {
      await pool.close();
    }
  });

  it('fails a bad job with inference_failed and keeps working', async () => {
    const pool = await createOnnxPool({ modelPath: YOLOX, workers: 1, intraOpNumThreads: 1 });
    try {
      const err = await caught(pool.run({ nope: { data: new Float32Array(4), dims: [1, 4] } }));
      expect(isArgusError(err, 'inference_failed')).toBe(true);
      const ok = await pool.run({ images: { data: new Float32Array(3 * 416 * 416), dims: [1, 3, 416, 416] } });
      expect(ok.runMs).toBeGreaterThan(0);
    } finally {
      await pool.close();
    }
    expect(isArgusError(await caught(pool.run({})), 'inference_failed')).toBe(true);
  });

  it('refuses a file that is not a model with model_invalid', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'argus-pool-'));
    try {
      const bogus = join(dir, 'bogus.onnx');
      await writeFile(bogus, 'not an onnx model');
      const before = ports();
      expect(isArgusError(await caught(createOnnxPool({ modelPath: bogus, workers: 2 })), 'model_invalid')).toBe(true);
      expect(ports()).toBe(before);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
