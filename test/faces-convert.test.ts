/**
 * The ONNX conversion of face-api's 128-d ResNet against face-api's own tfjs network on the same inputs: real dev
 * faces (re-cut to the dlib chip the embedder feeds) and a synthetic pattern. Any wrong layer (a transposed filter,
 * a missed scale, the shortcut padding) moves the descriptors far past the 1e-3 bound.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { convertFaceApiResnet } from '../src/vision/faces/convert/index.js';
import { l2normalise } from '../src/vision/faces/embedders.js';
import { loadImageFrame, remapAligned } from '../src/vision/faces/index.js';
import { loadFaceApiTfjs, type FaceApiTfjs } from '../src/vision/faces/testing/faceapi-tfjs.js';
import { DATA } from './assets.js';

const FACES = join(DATA, 'faces_celeb24_aligned');

describe('face-api ResNet → ONNX converter', () => {
  let onnxPath: string;
  let tfjs: FaceApiTfjs;
  beforeAll(async () => {
    onnxPath = join(mkdtempSync(join(tmpdir(), 'argus-faceconv-')), 'faceapi_resnet_128d.onnx');
    const t0 = performance.now();
    convertFaceApiResnet(onnxPath);
    process.stderr.write(`converted in ${(performance.now() - t0).toFixed(0)} ms\n`);
    tfjs = await loadFaceApiTfjs();
  }, 120_000);

  it('gives the same descriptors as face-api on tfjs (max |diff| ≤ 1e-3 after L2 norm)', async () => {
    const names = readFileSync(join(FACES, 'labels.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]!);
    const inputs: Float32Array[] = [];
    for (const name of [names[0]!, names[57]!, names[119]!]) {
      const f = await loadImageFrame(join(FACES, 'images', name));
      const chip = remapAligned({ rgb: f.rgb, size: f.size.width, template: 'arcface' }, 'dlib', 150);
      inputs.push(Float32Array.from(chip.rgb));
    }
    inputs.push(Float32Array.from({ length: 150 * 150 * 3 }, (_, i) => (Math.sin(i * 0.37) * 0.5 + 0.5) * 255));
    const session = await ort.InferenceSession.create(onnxPath, { logSeverityLevel: 3, intraOpNumThreads: 1 });
    let worst = 0;
    for (const hwc of inputs) {
      const chw = new Float32Array(hwc.length);
      for (let p = 0; p < 150 * 150; p++) for (let c = 0; c < 3; c++) chw[c * 22500 + p] = hwc[p * 3 + c]!;
      const out = await session.run({ input: new ort.Tensor('float32', chw, [1, 3, 150, 150]) });
      const a = l2normalise(out.descriptor!.data as Float32Array);
      const b = l2normalise(await tfjs.descriptor(hwc));
      let d = 0;
      for (let i = 0; i < 128; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
      worst = Math.max(worst, d);
    }
    await session.release();
    process.stderr.write(`max |onnx − tfjs| after L2 norm: ${worst.toExponential(2)}\n`);
    expect(worst).toBeLessThanOrEqual(1e-3);
  }, 120_000);
});
