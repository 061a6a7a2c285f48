/**
 * PP-OCRv4 text detection (DB): a probability map of text pixels → axis-aligned text boxes
 * (connected components above a threshold, scored by their mean probability, grown by the DB
 * "unclip" distance). Plates are near-frontal in traffic cameras, so axis-aligned boxes suffice.
 */
import * as ort from 'onnxruntime-node';
import type { Box } from '../core/box.js';
import { ArgusError } from '../core/errors.js';
import { resizeToChw, type RgbImage } from './image.js';
import { createSession } from './ocr.js';

export interface TextBox {
  readonly box: Box;
  readonly score: number;
}

export interface TextDetector {
  /** Text boxes in `img` pixels. `maxSide` caps the network input (a multiple of 32 is used). */
  detect(img: RgbImage, opts?: { maxSide?: number; minSide?: number }): Promise<TextBox[]>;
  release(): Promise<void>;
}

const MEAN = [0.485, 0.456, 0.406] as const;
const STD = [0.229, 0.224, 0.225] as const;

export async function createTextDetector(path: string, threads = 1): Promise<TextDetector> {
  const session = await createSession(path, threads);
  const inputName = session.inputNames[0] ?? 'x';
  return {
    async detect(img, opts = {}) {
      const maxSide = opts.maxSide ?? 640;
      const minSide = opts.minSide ?? 96;
      let scale = Math.min(1, maxSide / Math.max(img.width, img.height));
      scale = Math.max(scale, minSide / Math.min(img.width, img.height));
      scale = Math.min(scale, maxSide / Math.max(img.width, img.height));
      const w = Math.max(32, Math.round((img.width * scale) / 32) * 32);
      const h = Math.max(32, Math.round((img.height * scale) / 32) * 32);
      const buf = new Float32Array(3 * w * h);
      resizeToChw(img, w, h, buf, w, h, MEAN, STD);
      let out: ort.InferenceSession.OnnxValueMapType;
      try {
        out = await session.run({ [inputName]: new ort.Tensor('float32', buf, [1, 3, h, w]) });
      } catch (e) {
        throw new ArgusError('inference_failed', 'PP-OCR text detection failed', { cause: e });
      }
      const map = out[session.outputNames[0] ?? '']?.data as Float32Array | undefined;
      if (!map) throw new ArgusError('inference_failed', 'PP-OCR detection gave no output');
      return boxesFromMap(map, w, h).map((t) => ({
        score: t.score,
        box: {
          x1: Math.max(0, (t.box.x1 * img.width) / w),
          y1: Math.max(0, (t.box.y1 * img.height) / h),
          x2: Math.min(img.width, (t.box.x2 * img.width) / w),
          y2: Math.min(img.height, (t.box.y2 * img.height) / h),
        },
      }));
    },
    async release() {
      await session.release();
    },
  };
}

/** Connected components of `map > thresh` (4-connected) → boxes with mean probability ≥ boxThresh. */
export function boxesFromMap(map: Float32Array, w: number, h: number, thresh = 0.3, boxThresh = 0.5, unclip = 1.6): TextBox[] {
  const label = new Int32Array(w * h);
  const out: TextBox[] = [];
  const stack: number[] = [];
  let next = 0;
  for (let i = 0; i < w * h; i++) {
    if (label[i] !== 0 || map[i]! <= thresh) continue;
    next++;
    label[i] = next;
    stack.push(i);
    let x1 = w, y1 = h, x2 = 0, y2 = 0, sum = 0, n = 0;
    while (stack.length > 0) {
      const p = stack.pop()!;
      const x = p % w;
      const y = (p - x) / w;
      x1 = Math.min(x1, x);
      x2 = Math.max(x2, x);
      y1 = Math.min(y1, y);
      y2 = Math.max(y2, y);
      sum += map[p]!;
      n++;
      for (const q of [x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, y > 0 ? p - w : -1, y < h - 1 ? p + w : -1]) {
        if (q >= 0 && label[q] === 0 && map[q]! > thresh) {
          label[q] = next;
          stack.push(q);
        }
      }
    }
    const bw = x2 - x1 + 1;
    const bh = y2 - y1 + 1;
    if (n < 6 || Math.min(bw, bh) < 3 || sum / n < boxThresh) continue;
    const d = (bw * bh * unclip) / (2 * (bw + bh));
    out.push({ score: sum / n, box: { x1: x1 - d, y1: y1 - d, x2: x2 + 1 + d, y2: y2 + 1 + d } });
  }
  return out;
}
