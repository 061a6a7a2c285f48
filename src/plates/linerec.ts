/**
 * The project's own plate line recogniser (tools/plate-ocr: a small CNN + CTC trained on rendered
 * Vietnamese plates only), an optional second opinion beside PP-OCR. Input: a grey line 32×128,
 * (x/255 − 0.5)/0.5, right-padded by repeating the last column; output per-step probabilities in the
 * StepProbs layout (blank, then 0-9A-Z).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { ArgusError } from '../core/errors.js';
import { ALPHABET_SIZE, type StepProbs } from './ctc.js';
import { toGray, type RgbImage } from './image.js';
import { createSession, type Recogniser } from './ocr.js';

export const LINE_MODEL_FILE = 'plate_line_rec.onnx';
const H = 32;
const W = 128;

/**
 * The line model: in the models directory (`ARGUS_MODELS`/plate/) when installed there, else the copy
 * trained in this checkout (tools/plate-ocr/), else none (PP-OCR alone).
 */
export function findLineModel(modelsDir = process.env.ARGUS_MODELS): string | undefined {
  const candidates = [modelsDir ? join(modelsDir, 'plate', LINE_MODEL_FILE) : undefined, checkoutModel()];
  return candidates.find((p): p is string => p !== undefined && existsSync(p));
}

/** tools/plate-ocr/<file> of the checkout this module runs from (src/ via tsx or dist/src/ when built). */
function checkoutModel(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'tools', 'plate-ocr', LINE_MODEL_FILE);
    dir = dirname(dir);
  }
  return undefined;
}

export async function createLineRecogniser(path: string, threads = 1): Promise<Recogniser> {
  const session = await createSession(path, threads);
  const inputName = session.inputNames[0] ?? 'x';
  const run = async (lines: readonly RgbImage[]): Promise<StepProbs[]> => {
    const x = new Float32Array(lines.length * H * W);
    lines.forEach((line, i) => x.set(lineTensor(line), i * H * W));
    let out: ort.InferenceSession.OnnxValueMapType;
    try {
      out = await session.run({ [inputName]: new ort.Tensor('float32', x, [lines.length, 1, H, W]) });
    } catch (e) {
      throw new ArgusError('inference_failed', 'plate line recognition failed', { cause: e });
    }
    const t = out[session.outputNames[0] ?? ''];
    if (!t || t.dims[2] !== ALPHABET_SIZE) throw new ArgusError('model_invalid', `plate line model output must be [n, steps, ${ALPHABET_SIZE}]`);
    const steps = t.dims[1] ?? 0;
    const data = t.data as Float32Array;
    return lines.map((_, i) => ({ steps, probs: data.slice(i * steps * ALPHABET_SIZE, (i + 1) * steps * ALPHABET_SIZE) }));
  };
  return {
    async recognise(line) {
      return (await run([line]))[0]!;
    },
    recogniseAll: (lines) => (lines.length === 0 ? Promise.resolve([]) : run(lines)),
    async release() {
      await session.release();
    },
  };
}

/** Grey, height 32 keeping the aspect (width ≤ 128), last column repeated to the right. */
export function lineTensor(line: RgbImage): Float32Array {
  const g = toGray(line);
  const w = Math.max(8, Math.min(W, Math.round((line.width * H) / line.height)));
  const out = new Float32Array(H * W);
  const sx = line.width / w;
  const sy = line.height / H;
  for (let y = 0; y < H; y++) {
    const fy = Math.max(0, (y + 0.5) * sy - 0.5);
    const y0 = Math.min(line.height - 1, Math.floor(fy));
    const y1 = Math.min(line.height - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < W; x++) {
      const fx = Math.max(0, (Math.min(x, w - 1) + 0.5) * sx - 0.5);
      const x0 = Math.min(line.width - 1, Math.floor(fx));
      const x1 = Math.min(line.width - 1, x0 + 1);
      const wx = fx - x0;
      const v =
        (g[y0 * line.width + x0]! * (1 - wx) + g[y0 * line.width + x1]! * wx) * (1 - wy) +
        (g[y1 * line.width + x0]! * (1 - wx) + g[y1 * line.width + x1]! * wx) * wy;
      out[y * W + x] = (Math.round(v) / 255 - 0.5) / 0.5;
    }
  }
  return out;
}
