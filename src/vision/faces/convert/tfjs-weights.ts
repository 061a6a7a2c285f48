/**
 * Reads a tfjs "weights manifest" (model.json-style `*-weights_manifest.json`) and its binary shards, as
 * tfjs-core's io.decodeWeights does: the shards are one buffer in manifest order; a weight with `quantization`
 * {dtype: uint8|uint16, scale, min} holds integers q with value = min + q·scale; otherwise raw float32.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ArgusError } from '../../../core/errors.js';

interface WeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly quantization?: { readonly dtype: string; readonly scale: number; readonly min: number };
}

interface WeightGroup {
  readonly paths: readonly string[];
  readonly weights: readonly WeightSpec[];
}

export interface TfjsWeight {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export function readTfjsWeights(manifestPath: string): Map<string, TfjsWeight> {
  let groups: WeightGroup[];
  try {
    groups = JSON.parse(readFileSync(manifestPath, 'utf8')) as WeightGroup[];
  } catch (e) {
    throw new ArgusError('model_invalid', `cannot read tfjs weights manifest ${manifestPath}`, { cause: e });
  }
  const out = new Map<string, TfjsWeight>();
  for (const group of groups) {
    const shards = group.paths.map((p) => readFileSync(join(dirname(manifestPath), p)));
    const buf = Buffer.concat(shards);
    let offset = 0;
    for (const w of group.weights) {
      const n = w.shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(n);
      const q = w.quantization;
      if (w.dtype !== 'float32') throw new ArgusError('model_invalid', `${w.name}: dtype ${w.dtype} not supported`);
      if (q) {
        if (q.dtype === 'uint8') {
          for (let i = 0; i < n; i++) data[i] = buf[offset + i]! * q.scale + q.min;
          offset += n;
        } else if (q.dtype === 'uint16') {
          for (let i = 0; i < n; i++) data[i] = buf.readUInt16LE(offset + 2 * i) * q.scale + q.min;
          offset += 2 * n;
        } else {
          throw new ArgusError('model_invalid', `${w.name}: quantisation ${q.dtype} not supported`);
        }
      } else {
        for (let i = 0; i < n; i++) data[i] = buf.readFloatLE(offset + 4 * i);
        offset += 4 * n;
      }
      if (offset > buf.length) throw new ArgusError('model_invalid', `${manifestPath}: shards end before ${w.name}`);
      out.set(w.name, { shape: w.shape, data });
    }
    if (offset !== buf.length) throw new ArgusError('model_invalid', `${manifestPath}: ${buf.length - offset} bytes left after the last weight`);
  }
  return out;
}
