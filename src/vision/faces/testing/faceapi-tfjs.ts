/**
 * face-api's own tfjs FaceRecognitionNet (the original the ONNX conversion is checked against), loaded in Node
 * from the package's browser bundle with tfjs's cpu backend. Test helper; not part of the build.
 * The bundle's Node platform asks for `util` through a stub that is empty in this build: the one call is pointed
 * at Node's real `util` (TextEncoder), nothing else in the bundle changes.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { faceApiManifestPath } from '../convert/index.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the bundle has no types on this path */
export interface FaceApiTfjs {
  /** Raw 128-d descriptor of one 150×150 RGB 0..255 face (HWC order), as face-api computes it. */
  descriptor(hwc: Float32Array): Promise<Float32Array>;
}

export async function loadFaceApiTfjs(): Promise<FaceApiTfjs> {
  const require = createRequire(import.meta.url);
  const src = readFileSync(require.resolve('@vladmandic/face-api/dist/face-api.js'), 'utf8').replace(/this\.util=[A-Za-z_$]+\(\)/, 'this.util=require("util")');
  const faceapi = new Function('require', `${src}\nreturn faceapi;`)(require) as any;
  const tf = faceapi.tf;
  await tf.setBackend('cpu');
  await tf.ready();
  const manifestPath = faceApiManifestPath();
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { paths: string[]; weights: unknown[] }[];
  const shards = manifest.flatMap((g) => g.paths.map((p) => readFileSync(manifestPath.replace(/[^/]+$/, p))));
  const bin = Buffer.concat(shards);
  const weightMap = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength), manifest.flatMap((g) => g.weights));
  const net = new faceapi.FaceRecognitionNet();
  net.loadFromWeightMap(weightMap);
  return {
    async descriptor(hwc) {
      const t = tf.tensor3d(hwc, [150, 150, 3]);
      try {
        return Float32Array.from((await net.computeFaceDescriptor(t)) as Float32Array);
      } finally {
        t.dispose();
      }
    },
  };
}
