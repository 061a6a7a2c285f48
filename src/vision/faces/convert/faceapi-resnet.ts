/**
 * face-api's 128-d face-recognition ResNet (@vladmandic/face-api `model/face_recognition_model*`, a tfjs port of
 * dlib's dlib_face_recognition_resnet_model_v1) rebuilt as an ONNX graph, layer for layer as face-api's
 * FaceRecognitionNet.forwardInput runs it:
 *   (x − meanRgb) / 255 → convDown 7×7/2 valid → maxPool 3/2 valid → residual ×3 (32) → residualDown (64) → ×3
 *   → residualDown (128) → ×2 → residualDown (256) → ×2 → residualDown (256) → mean over H,W → ·fc (256×128).
 * Each conv is conv + bias then a per-channel scale (·w + b); the two are folded into one Conv.
 * residualDown adds avgPool 2/2 of its input, zero-padded on channels when they double, and zero-pads the conv
 * branch by one row and column at the end when the spatial sizes differ (as face-api does).
 * Input `input` f32[N,3,150,150] RGB 0..255 (NCHW); output `descriptor` f32[N,128] (not normalised).
 */
import { ArgusError } from '../../../core/errors.js';
import type { OnnxGraph, OnnxNode, OnnxTensor } from './onnx-proto.js';
import type { TfjsWeight } from './tfjs-weights.js';

export const FACEAPI_INPUT_SIZE = 150;
export const FACEAPI_MEAN_RGB = [122.782, 117.001, 104.298] as const;

interface Builder {
  readonly nodes: OnnxNode[];
  readonly inits: OnnxTensor[];
  readonly weights: Map<string, TfjsWeight>;
  /** Spatial size (square) and channels of each tensor, to reproduce face-api's shape checks. */
  readonly shapes: Map<string, { size: number; ch: number }>;
  /** Weight names the graph consumed: every weight must be (a layer the graph forgot is an error). */
  readonly used: Set<string>;
  n: number;
}

const get = (b: Builder, name: string): TfjsWeight => {
  const w = b.weights.get(name);
  if (!w) throw new ArgusError('model_invalid', `face-api weights lack ${name}`);
  b.used.add(name);
  return w;
};

const fresh = (b: Builder, base: string): string => `${base}_${b.n++}`;

function conv(b: Builder, x: string, prefix: string, stride: 1 | 2, relu: boolean, valid: boolean): string {
  const filters = get(b, `${prefix}/conv/filters`); // [kh, kw, in, out]
  const bias = get(b, `${prefix}/conv/bias`).data;
  const sw = get(b, `${prefix}/scale/weights`).data;
  const sb = get(b, `${prefix}/scale/biases`).data;
  const [kh, kw, cin, cout] = filters.shape as [number, number, number, number];
  const w = new Float32Array(cout * cin * kh * kw);
  for (let y = 0; y < kh; y++)
    for (let xk = 0; xk < kw; xk++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++) w[((o * cin + i) * kh + y) * kw + xk] = filters.data[((y * kw + xk) * cin + i) * cout + o]! * sw[o]!;
  const bb = new Float32Array(cout);
  for (let o = 0; o < cout; o++) bb[o] = bias[o]! * sw[o]! + sb[o]!;
  const wn = `${prefix}/W`;
  const bn = `${prefix}/B`;
  b.inits.push({ name: wn, dims: [cout, cin, kh, kw], data: w }, { name: bn, dims: [cout], data: bb });
  const pad = valid ? 0 : (kh - 1) / 2;
  const out = fresh(b, `${prefix}/conv`);
  b.nodes.push({ op: 'Conv', inputs: [x, wn, bn], outputs: [out], attrs: { kernel_shape: [kh, kw], strides: [stride, stride], pads: [pad, pad, pad, pad] } });
  const inShape = b.shapes.get(x)!;
  const size = valid ? Math.floor((inShape.size - kh) / stride) + 1 : inShape.size;
  b.shapes.set(out, { size, ch: cout });
  if (!relu) return out;
  const r = fresh(b, `${prefix}/relu`);
  b.nodes.push({ op: 'Relu', inputs: [out], outputs: [r] });
  b.shapes.set(r, { size, ch: cout });
  return r;
}

function addRelu(b: Builder, a: string, c: string, prefix: string): string {
  const sum = fresh(b, `${prefix}/add`);
  b.nodes.push({ op: 'Add', inputs: [a, c], outputs: [sum] });
  const r = fresh(b, `${prefix}/out`);
  b.nodes.push({ op: 'Relu', inputs: [sum], outputs: [r] });
  b.shapes.set(r, b.shapes.get(c)!);
  return r;
}

function pad(b: Builder, x: string, pads: readonly number[], prefix: string): string {
  const pn = fresh(b, `${prefix}/pads`);
  b.inits.push({ name: pn, dims: [8], data: BigInt64Array.from(pads.map(BigInt)) });
  const out = fresh(b, `${prefix}/pad`);
  b.nodes.push({ op: 'Pad', inputs: [x, pn], outputs: [out], attrs: {} });
  return out;
}

function residual(b: Builder, x: string, prefix: string): string {
  const c1 = conv(b, x, `${prefix}/conv1`, 1, true, false);
  const c2 = conv(b, c1, `${prefix}/conv2`, 1, false, false);
  return addRelu(b, c2, x, prefix);
}

function residualDown(b: Builder, x: string, prefix: string): string {
  const c1 = conv(b, x, `${prefix}/conv1`, 2, true, true);
  let c2 = conv(b, c1, `${prefix}/conv2`, 1, false, false);
  const xs = b.shapes.get(x)!;
  let pooled = fresh(b, `${prefix}/avgpool`);
  b.nodes.push({ op: 'AveragePool', inputs: [x], outputs: [pooled], attrs: { kernel_shape: [2, 2], strides: [2, 2] } });
  const pooledSize = Math.floor((xs.size - 2) / 2) + 1;
  const cs = b.shapes.get(c2)!;
  if (pooledSize !== cs.size) {
    // face-api concatenates one zero row (axis H) and one zero column (axis W) at the end of the conv branch.
    const d = pooledSize - cs.size;
    c2 = pad(b, c2, [0, 0, 0, 0, 0, 0, d, d], prefix);
    b.shapes.set(c2, { size: pooledSize, ch: cs.ch });
  }
  if (xs.ch !== cs.ch) {
    // Channels double: the pooled shortcut is followed by as many zero channels.
    pooled = pad(b, pooled, [0, 0, 0, 0, 0, cs.ch - xs.ch, 0, 0], prefix);
  }
  b.shapes.set(pooled, { size: pooledSize, ch: cs.ch });
  return addRelu(b, pooled, c2, prefix);
}

/** The ONNX graph of face-api's FaceRecognitionNet from its decoded tfjs weights. */
export function buildFaceApiResnet(weights: Map<string, TfjsWeight>): OnnxGraph {
  const b: Builder = { nodes: [], inits: [], weights, shapes: new Map(), used: new Set(), n: 0 };
  b.shapes.set('input', { size: FACEAPI_INPUT_SIZE, ch: 3 });
  b.inits.push({ name: 'mean', dims: [1, 3, 1, 1], data: Float32Array.from(FACEAPI_MEAN_RGB) });
  b.inits.push({ name: 'inv255', dims: [], data: Float32Array.of(1 / 255) });
  b.nodes.push({ op: 'Sub', inputs: ['input', 'mean'], outputs: ['centred'] });
  b.nodes.push({ op: 'Mul', inputs: ['centred', 'inv255'], outputs: ['normalised'] });
  b.shapes.set('normalised', { size: FACEAPI_INPUT_SIZE, ch: 3 });
  let x = conv(b, 'normalised', 'conv32_down', 2, true, true);
  const pooled = 'maxpool';
  b.nodes.push({ op: 'MaxPool', inputs: [x], outputs: [pooled], attrs: { kernel_shape: [3, 3], strides: [2, 2] } });
  b.shapes.set(pooled, { size: Math.floor((b.shapes.get(x)!.size - 3) / 2) + 1, ch: 32 });
  x = pooled;
  for (const name of ['conv32_1', 'conv32_2', 'conv32_3']) x = residual(b, x, name);
  x = residualDown(b, x, 'conv64_down');
  for (const name of ['conv64_1', 'conv64_2', 'conv64_3']) x = residual(b, x, name);
  x = residualDown(b, x, 'conv128_down');
  for (const name of ['conv128_1', 'conv128_2']) x = residual(b, x, name);
  x = residualDown(b, x, 'conv256_down');
  for (const name of ['conv256_1', 'conv256_2']) x = residual(b, x, name);
  x = residualDown(b, x, 'conv256_down_out');
  b.nodes.push({ op: 'GlobalAveragePool', inputs: [x], outputs: ['gap'] });
  b.nodes.push({ op: 'Flatten', inputs: ['gap'], outputs: ['flat'], attrs: { axis: 1 } });
  const fc = get(b, 'fc');
  b.inits.push({ name: 'fc', dims: [...fc.shape], data: fc.data });
  b.nodes.push({ op: 'MatMul', inputs: ['flat', 'fc'], outputs: ['descriptor'] });
  if (b.used.size !== b.weights.size) {
    const missing = [...b.weights.keys()].filter((k) => !b.used.has(k));
    throw new ArgusError('model_invalid', `face-api weights not used by the graph: ${missing.join(', ')}`);
  }
  return {
    name: 'faceapi_resnet_128d',
    producer: 'argus face-convert',
    opset: 13,
    nodes: b.nodes,
    initializers: b.inits,
    inputs: [{ name: 'input', dims: ['N', 3, FACEAPI_INPUT_SIZE, FACEAPI_INPUT_SIZE] }],
    outputs: [{ name: 'descriptor', dims: ['N', 128] }],
    metadata: {
      source: '@vladmandic/face-api model/face_recognition_model (tfjs) — dlib_face_recognition_resnet_model_v1',
      licence: 'MIT (face-api package); dlib model weights released into the public domain by Davis King (davisking/dlib-models README)',
      input: 'f32[N,3,150,150] RGB 0..255; mean subtraction and /255 are inside the graph',
    },
  };
}
