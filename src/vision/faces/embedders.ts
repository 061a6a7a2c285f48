/**
 * Face embedders, chosen by name from one registry, all on onnxruntime-node:
 * - `faceapi_resnet_128d`: @vladmandic/face-api's 128-d ResNet (a tfjs port of dlib's
 *   dlib_face_recognition_resnet_model_v1), converted to ONNX by `argus faces convert` into the project models
 *   folder. Package MIT; dlib's weights released into the public domain by their author. Shippable: the default.
 * - `mobilefacenet_112_128d`: the shared-assets MobileFaceNet (no licence, provenance unclear): a benchmark
 *   reference and test fixture only, never shipped.
 */
import * as ort from 'onnxruntime-node';
import { ArgusError } from '../../core/errors.js';
import { remapAligned } from './align.js';
import { findFaceModel } from './models-dir.js';
import { openSession } from './session.js';
import type { AlignedFace, FaceEmbedder, FaceTemplateName } from './types.js';

export interface EmbedderSpec {
  readonly name: string;
  readonly file: string;
  readonly dim: number;
  readonly template: FaceTemplateName;
  readonly size: number;
  readonly channelOrder: 'rgb' | 'bgr';
  /** value = (pixel − mean) · scale, applied here (0 and 1 when the graph normalises itself). */
  readonly mean: number;
  readonly scale: number;
  readonly licence: string;
  readonly shippable: boolean;
  readonly hint: string;
}

export const EMBEDDERS: Readonly<Record<string, EmbedderSpec>> = {
  faceapi_resnet_128d: {
    name: 'faceapi_resnet_128d', file: 'faceapi_resnet_128d.onnx', dim: 128, template: 'dlib', size: 150, channelOrder: 'rgb', mean: 0, scale: 1,
    licence: 'MIT (@vladmandic/face-api); weights: dlib_face_recognition_resnet_model_v1, public domain (Davis King)', shippable: true,
    hint: 'run `argus faces convert` (npm run setup does) to convert it from @vladmandic/face-api',
  },
  mobilefacenet_112_128d: {
    name: 'mobilefacenet_112_128d', file: 'mobilefacenet_112_128d.onnx', dim: 128, template: 'arcface', size: 112, channelOrder: 'bgr', mean: 127.5, scale: 1 / 128,
    licence: 'none stated, provenance unclear (test fixture / benchmark reference only)', shippable: false,
    hint: 'it is in the shared assets (models/face/): set ARGUS_MODELS to that folder',
  },
};

/** The embedder Argus ships and uses unless told otherwise: the licensed one. */
export const DEFAULT_FACE_EMBEDDER = 'faceapi_resnet_128d';

export function embedderSpec(name: string): EmbedderSpec {
  const spec = EMBEDDERS[name];
  if (!spec) throw new ArgusError('invalid_argument', `unknown face embedder "${name}" (known: ${Object.keys(EMBEDDERS).join(', ')})`);
  return spec;
}

/** Cosine similarity (= dot product for L2-normalised vectors; computed in full so either kind works). */
export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

export function l2normalise(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  const k = s > 0 ? 1 / Math.sqrt(s) : 0;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! * k;
  return out;
}

/** NCHW float tensor data of faces already at the spec's template and size. */
export function toTensorData(spec: EmbedderSpec, faces: readonly AlignedFace[]): Float32Array {
  const plane = spec.size * spec.size;
  const data = new Float32Array(faces.length * 3 * plane);
  const order = spec.channelOrder === 'rgb' ? [0, 1, 2] : [2, 1, 0];
  faces.forEach((f, n) => {
    const base = n * 3 * plane;
    for (let c = 0; c < 3; c++) {
      const src = order[c]!;
      const dst = base + c * plane;
      for (let p = 0; p < plane; p++) data[dst + p] = (f.rgb[p * 3 + src]! - spec.mean) * spec.scale;
    }
  });
  return data;
}

const BATCH = 16;

export async function createFaceEmbedder(opts: { modelsDir: string; model?: string; threads?: number }): Promise<FaceEmbedder> {
  const spec = embedderSpec(opts.model ?? DEFAULT_FACE_EMBEDDER);
  const session = await openSession(findFaceModel(spec.file, opts.modelsDir, spec.hint), opts.threads ?? 1);
  const inputName = session.inputNames[0]!;
  const outputName = session.outputNames[0]!;
  return {
    model: spec.name,
    dim: spec.dim,
    input: { template: spec.template, size: spec.size },
    async embed(faces) {
      const out: Float32Array[] = [];
      for (let i = 0; i < faces.length; i += BATCH) {
        const batch = faces.slice(i, i + BATCH).map((f) => remapAligned(f, spec.template, spec.size));
        const feeds = { [inputName]: new ort.Tensor('float32', toTensorData(spec, batch), [batch.length, 3, spec.size, spec.size]) };
        let res: ort.InferenceSession.OnnxValueMapType;
        try {
          res = await session.run(feeds);
        } catch (e) {
          throw new ArgusError('inference_failed', `face embedder ${spec.name} failed`, { cause: e });
        }
        const data = res[outputName]!.data as Float32Array;
        for (let n = 0; n < batch.length; n++) out.push(l2normalise(data.subarray(n * spec.dim, (n + 1) * spec.dim)));
      }
      return out;
    },
    async close() {
      await session.release();
    },
  };
}
