/**
 * YuNet face detector (libfacedetection.train `yunet_s_dynamic.onnx`, Apache-2.0) on onnxruntime-node.
 * Input f32[1,3,H,W] BGR 0..255, H and W multiples of 32 (the picture is resized to the input width, keeping its
 * aspect, and zero-padded at the bottom/right). Outputs per stride s ∈ {8,16,32}, one row per grid cell
 * (row-major): cls_s, obj_s [1,N,1], bbox_s [1,N,4] (dx, dy, log w, log h), kps_s [1,N,10]. Decoded as OpenCV's
 * FaceDetectorYN does: score = √(clamp(cls)·clamp(obj)); centre = (cell + d)·s; size = exp(l)·s; landmark k =
 * (cell + kps)·s. Then greedy NMS (IoU 0.3).
 */
import * as ort from 'onnxruntime-node';
import { box, type Box } from '../../core/box.js';
import { ArgusError } from '../../core/errors.js';
import type { Frame } from '../../core/frame.js';
import { getModelEntry } from '../models.js';
import { nms } from '../nms.js';
import { findFaceModel } from './models-dir.js';
import { openSession } from './session.js';
import type { FaceDetection, FaceDetector, Point } from './types.js';

export const YUNET_MODEL = 'yunet_s_dynamic';
/**
 * Default input width for whole frames: 960 (a 1280×720 frame runs at 960×544). Street faces are small: on the
 * London clip at 4.5 s, 640 found 3 faces (two people's boxes 1.5× too large), 960 found 5, 1280 found 4 with
 * others, at about 30, 55 and 90 ms on this box. Person boxes (`roi`) are enlarged up to 2× instead.
 */
export const DEFAULT_FACE_INPUT_WIDTH = 960;
const STRIDES = [8, 16, 32] as const;
const NMS_IOU = 0.3;

export interface YuNetInput {
  readonly data: Float32Array;
  readonly width: number;
  readonly height: number;
  /** Input pixels per frame pixel. */
  readonly scale: number;
}

/** Bilinear resize of a frame region to `scale`, BGR planes, padded to multiples of 32. */
export function yunetInput(frame: Frame, region: { x: number; y: number; w: number; h: number }, scale: number): YuNetInput {
  const rw = Math.max(1, Math.round(region.w * scale));
  const rh = Math.max(1, Math.round(region.h * scale));
  const width = Math.ceil(rw / 32) * 32;
  const height = Math.ceil(rh / 32) * 32;
  const plane = width * height;
  const data = new Float32Array(3 * plane);
  const fw = frame.size.width, fh = frame.size.height, rgb = frame.rgb;
  for (let v = 0; v < rh; v++) {
    let sy = region.y + (v + 0.5) / scale - 0.5;
    sy = Math.min(Math.max(sy, 0), fh - 1);
    const y0 = Math.floor(sy), y1 = Math.min(y0 + 1, fh - 1), ay = sy - y0;
    for (let u = 0; u < rw; u++) {
      let sx = region.x + (u + 0.5) / scale - 0.5;
      sx = Math.min(Math.max(sx, 0), fw - 1);
      const x0 = Math.floor(sx), x1 = Math.min(x0 + 1, fw - 1), ax = sx - x0;
      const i00 = (y0 * fw + x0) * 3, i01 = (y0 * fw + x1) * 3, i10 = (y1 * fw + x0) * 3, i11 = (y1 * fw + x1) * 3;
      const o = v * width + u;
      for (let c = 0; c < 3; c++) {
        const top = rgb[i00 + c]! + (rgb[i01 + c]! - rgb[i00 + c]!) * ax;
        const bot = rgb[i10 + c]! + (rgb[i11 + c]! - rgb[i10 + c]!) * ax;
        data[(2 - c) * plane + o] = top + (bot - top) * ay; // RGB → BGR planes
      }
    }
  }
  return { data, width, height, scale };
}

/** Decode YuNet's outputs (input pixels) into detections above `threshold`, before NMS. */
export function decodeYuNet(outputs: Readonly<Record<string, { data: unknown }>>, width: number, height: number, threshold: number): FaceDetection[] {
  const found: FaceDetection[] = [];
  for (const s of STRIDES) {
    const cols = width / s;
    const rows = height / s;
    const cls = outputs[`cls_${s}`]?.data as Float32Array | undefined;
    const obj = outputs[`obj_${s}`]?.data as Float32Array | undefined;
    const bbox = outputs[`bbox_${s}`]?.data as Float32Array | undefined;
    const kps = outputs[`kps_${s}`]?.data as Float32Array | undefined;
    if (!cls || !obj || !bbox || !kps) throw new ArgusError('model_invalid', `YuNet output for stride ${s} missing`);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const i = r * cols + c;
        const score = Math.sqrt(Math.min(Math.max(cls[i]!, 0), 1) * Math.min(Math.max(obj[i]!, 0), 1));
        if (score < threshold) continue;
        const cx = (c + bbox[i * 4]!) * s;
        const cy = (r + bbox[i * 4 + 1]!) * s;
        const w = Math.exp(bbox[i * 4 + 2]!) * s;
        const h = Math.exp(bbox[i * 4 + 3]!) * s;
        const lm = [0, 1, 2, 3, 4].map((k) => [(c + kps[i * 10 + 2 * k]!) * s, (r + kps[i * 10 + 2 * k + 1]!) * s] as Point);
        found.push({ box: box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2), score, landmarks: lm as unknown as FaceDetection['landmarks'] });
      }
    }
  }
  return found;
}

export async function createFaceDetector(opts: { modelsDir: string; scoreThreshold?: number; inputWidth?: number; threads?: number }): Promise<FaceDetector> {
  const entry = getModelEntry(YUNET_MODEL);
  const session = await openSession(findFaceModel(entry.file, opts.modelsDir, 'it is in the shared assets (models/face/): set ARGUS_MODELS'), opts.threads ?? 1);
  const threshold = opts.scoreThreshold ?? 0.6;
  const inputWidth = opts.inputWidth ?? DEFAULT_FACE_INPUT_WIDTH;
  if (!(inputWidth >= 32)) throw new ArgusError('invalid_argument', `face detector input width ${inputWidth} is too small`);
  return {
    async detect(frame, roi?: Box) {
      // Source pixels → frame pixels.
      const kx = frame.size.width / frame.sourceSize.width;
      const ky = frame.size.height / frame.sourceSize.height;
      let region = { x: 0, y: 0, w: frame.size.width, h: frame.size.height };
      if (roi) {
        const x1 = Math.max(0, Math.floor(roi.x1 * kx)), y1 = Math.max(0, Math.floor(roi.y1 * ky));
        const x2 = Math.min(frame.size.width, Math.ceil(roi.x2 * kx)), y2 = Math.min(frame.size.height, Math.ceil(roi.y2 * ky));
        if (x2 - x1 < 8 || y2 - y1 < 8) return [];
        region = { x: x1, y: y1, w: x2 - x1, h: y2 - y1 };
      }
      // A whole frame is brought to the input width; a region (a person box) at most to it, and enlarged at most 2×.
      const scale = roi ? Math.min(2, inputWidth / Math.max(region.w, region.h)) : inputWidth / region.w;
      const input = yunetInput(frame, region, scale);
      let out: ort.InferenceSession.OnnxValueMapType;
      try {
        out = await session.run({ input: new ort.Tensor('float32', input.data, [1, 3, input.height, input.width]) });
      } catch (e) {
        throw new ArgusError('inference_failed', 'YuNet face detection failed', { cause: e });
      }
      const back = (p: Point): Point => [(region.x + p[0] / scale) / kx, (region.y + p[1] / scale) / ky];
      return nms(decodeYuNet(out, input.width, input.height, threshold), NMS_IOU).map((d) => {
        const [a, b] = [back([d.box.x1, d.box.y1]), back([d.box.x2, d.box.y2])];
        return { box: box(a[0], a[1], b[0], b[1]), score: d.score, landmarks: d.landmarks.map(back) as unknown as FaceDetection['landmarks'] };
      });
    },
    async close() {
      await session.release();
    },
  };
}
