/**
 * The face-api ResNet converter: tfjs weights from the npm package → ONNX file in the project's models folder.
 * Run at set-up (`argus faces convert`) and before the tests when the file is missing.
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ArgusError } from '../../../core/errors.js';
import { buildFaceApiResnet } from './faceapi-resnet.js';
import { encodeModel } from './onnx-proto.js';
import { readTfjsWeights } from './tfjs-weights.js';

export { buildFaceApiResnet, FACEAPI_INPUT_SIZE, FACEAPI_MEAN_RGB } from './faceapi-resnet.js';
export { encodeModel } from './onnx-proto.js';
export { readTfjsWeights } from './tfjs-weights.js';

/** `model/face_recognition_model-weights_manifest.json` inside the installed @vladmandic/face-api package. */
export function faceApiManifestPath(): string {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model', 'face_recognition_model-weights_manifest.json');
  } catch (e) {
    throw new ArgusError('model_missing', 'the @vladmandic/face-api package is not installed (npm install)', { cause: e });
  }
}

/** Convert face-api's recognition net to ONNX at `outPath` (written atomically). Returns the byte size. */
export function convertFaceApiResnet(outPath: string, manifest: string = faceApiManifestPath()): number {
  if (!existsSync(manifest)) throw new ArgusError('model_missing', `face-api weights manifest not found: ${manifest}`);
  const bytes = encodeModel(buildFaceApiResnet(readTfjsWeights(manifest)));
  mkdirSync(dirname(outPath), { recursive: true });
  const tmp = `${outPath}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, outPath);
  return bytes.length;
}
