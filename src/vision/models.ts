import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ArgusError } from '../core/errors.js';
import type { LabelSetName } from './labels.js';

/** How a model's raw output is turned into boxes; `none`: catalogued only (no detector decoder here). */
export type DecoderKind = 'yolox' | 'ultralytics' | 'nanodet' | 'none';

/**
 * Input pre-processing of a model, in the 0..255 pixel domain: value = (pixel − mean[c]) / std[c], with the
 * channels in `channelOrder`. Letterboxed with `padValue`, the picture anchored `center` or `topleft`.
 */
export interface ModelInput {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly channelOrder: 'rgb' | 'bgr';
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
  readonly anchor: 'center' | 'topleft';
  readonly padValue: number;
}

export interface ModelEntry {
  /** Catalogue name, e.g. `yolox_nano_416_coco`. */
  readonly name: string;
  /** File name on disk. */
  readonly file: string;
  /** Sub-folder the file is installed into (the shared assets use `coco/`, `plate/`, `face/`). */
  readonly subdir: string;
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly licence: string;
  readonly task: 'detect' | 'plate' | 'face';
  readonly decoder: DecoderKind;
  readonly input?: ModelInput;
  /** Detection models: the label set of their outputs (src/vision/labels.ts). */
  readonly labels?: LabelSetName;
  /** Upstream file (a raw GitHub URL at a pinned commit). */
  readonly sourceUrl: string;
  readonly notes: string;
}

const raw = (repo: string, commit: string, path: string): string => `https://raw.githubusercontent.com/${repo}/${commit}/${path}`;

const inputOf = (name: string, size: number, kind: 'yolox' | 'ultralytics' | 'nanodet'): ModelInput => {
  if (kind === 'yolox') return { name, width: size, height: size, channelOrder: 'bgr', mean: [0, 0, 0], std: [1, 1, 1], anchor: 'topleft', padValue: 114 };
  if (kind === 'ultralytics') return { name, width: size, height: size, channelOrder: 'rgb', mean: [0, 0, 0], std: [255, 255, 255], anchor: 'center', padValue: 114 };
  return { name, width: size, height: size, channelOrder: 'bgr', mean: [103.53, 116.28, 123.675], std: [57.375, 57.12, 58.395], anchor: 'topleft', padValue: 0 };
};

/** Every model Argus knows, with where it comes from and how to check it (shared/assets/SHA256SUMS). */
export const MODEL_CATALOG: readonly ModelEntry[] = [
  {
    name: 'yolox_nano_416_coco', file: 'yolox_nano_416_coco.onnx', subdir: 'coco', task: 'detect', labels: 'coco80', decoder: 'yolox',
    sha256: 'c789161ed43c8269fcd4e67c67eeeb4e80c622da2eb296a20bc6007bd18a0b7d', sizeBytes: 3_659_407,
    licence: 'Apache-2.0', input: inputOf('images', 416, 'yolox'),
    sourceUrl: raw('opencv/opencv_zoo', '371cb249700106b50b2f934b7f18df3f9d127473', 'models/object_detection_yolox/yolox_nano.onnx'),
    notes: 'Recommended default. BGR 0..255, letterbox 114; out [1,3549,85] (obj/cls already sigmoided).',
  },
  {
    name: 'nanodet_m_416_coco', file: 'nanodet_m_416_coco.onnx', subdir: 'coco', task: 'detect', labels: 'coco80', decoder: 'nanodet',
    sha256: '4b82da9944b88577175ee23a459dce2e26e6e4be573def65b1055dc2d9720186', sizeBytes: 3_800_954,
    licence: 'Apache-2.0 upstream (RangiLyu/nanodet); export repo has no licence file', input: inputOf('input.1', 416, 'nanodet'),
    sourceUrl: raw('hpc203/nanodet-opncv-dnn-cpp-python', '15dd99c651d53c824f51d1eb5faddbd4f3d69bbc', 'nanodet_m.onnx'),
    notes: 'NanoDet-m (2020). 6 outputs: cls [1,N,80] + GFL reg [1,N,32] for strides 8/16/32.',
  },
  {
    name: 'yolov8n_int8_640_coco_AGPL', file: 'yolov8n_int8_640_coco_AGPL.onnx', subdir: 'coco', task: 'detect', labels: 'coco80', decoder: 'ultralytics',
    sha256: '83de8f0d2cd521e00ae2b138c340a03dece35b060b3898509bdc69afff417312', sizeBytes: 3_504_119,
    licence: 'AGPL-3.0 (Ultralytics weights)', input: inputOf('images', 640, 'ultralytics'),
    sourceUrl: raw('Lamri-Meriem/edge-object-detection', '6f7f95f70dd52a7805a76a4a1d568af35d34608b', 'yolov8n_int8.onnx'),
    notes: 'Reference/comparison only (AGPL). RGB 0..1, letterbox 114; out [1,84,8400].',
  },
  {
    name: 'yolo11n_int8_320_coco_AGPL', file: 'yolo11n_int8_320_coco_AGPL.onnx', subdir: 'coco', task: 'detect', labels: 'coco80', decoder: 'ultralytics',
    sha256: '5ea9b19c6c4d89041175fd2d4f9d2e1581d16f37b817021d547278fc5e2f2b58', sizeBytes: 2_923_867,
    licence: 'AGPL-3.0 (Ultralytics weights)', input: inputOf('images', 320, 'ultralytics'),
    sourceUrl: raw('achmadnr21/mwc-rpi5', 'aa67e80a9cb637de3d271be231905c30253dbce1', 'yolo11n_int8.onnx'),
    notes: 'Reference/comparison only (AGPL). RGB 0..1, letterbox 114; out [1,84,2100].',
  },
  {
    name: 'retinaplate_mnet_640', file: 'retinaplate_mnet_640.onnx', subdir: 'plate', task: 'plate', decoder: 'none',
    sha256: 'b4a208f937ad01d7d5e1b1d8d4654aed43305d7689e4d982a0be38d6e39dd87a', sizeBytes: 1_708_119,
    licence: 'no licence file (test fixture)',
    sourceUrl: raw('hpc203/license-plate-detect-recoginition-opencv', 'db1d1e40dc79a7658b2fc97fe532cf9d26ad85de', 'mnet_plate.onnx'),
    notes: 'Plate detector with 4 corners (Chinese-trained). Catalogued only.',
  },
  {
    name: 'lprnet_chinese_94x24', file: 'lprnet_chinese_94x24.onnx', subdir: 'plate', task: 'plate', decoder: 'none',
    sha256: '63753cfed58d4c9d98a43636add4a3aa971b9aa9466f6d2da0aa3cd342899f08', sizeBytes: 1_785_394,
    licence: 'no licence file (test fixture)',
    sourceUrl: raw('hpc203/license-plate-detect-recoginition-opencv', 'db1d1e40dc79a7658b2fc97fe532cf9d26ad85de', 'Final_LPRNet_model.onnx'),
    notes: 'LPRNet, Chinese one-line plates, CTC. Catalogued only.',
  },
  {
    name: 'yunet_s_640_640', file: 'yunet_s_640_640.onnx', subdir: 'face', task: 'face', decoder: 'none',
    sha256: '8f2383e4dd3cfbb4553ea8718107fc0423210dc964f9f4280604804ed2552fa4', sizeBytes: 232_589,
    licence: 'Apache-2.0',
    sourceUrl: raw('ShiqiYu/libfacedetection.train', '0047ac24afb1a50a0c6105001c89d1b5b805dbf1', 'onnx/yunet_s_640_640.onnx'),
    notes: 'YuNet face detector. Catalogued only.',
  },
  {
    name: 'yunet_s_dynamic', file: 'yunet_s_dynamic.onnx', subdir: 'face', task: 'face', decoder: 'none',
    sha256: 'daede24002cc8590f457998cc5e6c9e8b82f45f6bd969506a8913cd4ed10a2d3', sizeBytes: 237_823,
    licence: 'Apache-2.0',
    sourceUrl: raw('ShiqiYu/libfacedetection.train', '0047ac24afb1a50a0c6105001c89d1b5b805dbf1', 'onnx/yunet_s_dynamic.onnx'),
    notes: 'YuNet with a dynamic input [N,3,H,W] (H, W multiples of 32), BGR 0..255: the face detector of src/vision/faces (decoder there, not a COCO decoder).',
  },
  {
    name: 'ultraface_rfb_320', file: 'ultraface_rfb_320.onnx', subdir: 'face', task: 'face', decoder: 'none',
    sha256: '34cd7e60aeff28744c657de7a3dc64e872d506741de66987f3426f2b79f88017', sizeBytes: 1_270_727,
    licence: 'MIT',
    sourceUrl: raw('Linzaer/Ultra-Light-Fast-Generic-Face-Detector-1MB', 'dffdddda9794a50607cba8f318507a28c1c27cab', 'models/onnx/version-RFB-320.onnx'),
    notes: 'UltraFace face detector. Catalogued only.',
  },
  {
    name: 'mobilefacenet_112_128d', file: 'mobilefacenet_112_128d.onnx', subdir: 'face', task: 'face', decoder: 'none',
    sha256: '6ced4e0c36abba9dd24b48d725f7dbb94089f75b3d3445d3d67b85157cb64743', sizeBytes: 4_001_322,
    licence: 'unclear provenance (test fixture only)',
    sourceUrl: raw('KennethWang1221/Face-Detection-and-Recognition-System', '5638c7a40ba4f35d614e623f8cf094296c5c6106', 'MobileFaceNet.onnx'),
    notes: 'Face embedding 128-d, (x−127.5)/128 BGR. A benchmark reference in src/vision/faces (`argus faces eval --model mobilefacenet_112_128d`); do not ship.',
  },
];

export const DEFAULT_MODEL = 'yolox_nano_416_coco';

export function findModelEntry(name: string): ModelEntry | undefined {
  return MODEL_CATALOG.find((m) => m.name === name);
}

/** The catalogue entry, or `invalid_argument` listing the known names. */
export function getModelEntry(name: string): ModelEntry {
  const entry = findModelEntry(name);
  if (!entry) {
    throw new ArgusError('invalid_argument', `unknown model "${name}" (known: ${MODEL_CATALOG.map((m) => m.name).join(', ')})`);
  }
  return entry;
}

/**
 * The models directory: an explicit option first (a CLI flag or a config value), else `ARGUS_MODELS`, else
 * `./models`. Returned absolute.
 */
export function modelsDir(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = explicit ?? (env.ARGUS_MODELS !== undefined && env.ARGUS_MODELS !== '' ? env.ARGUS_MODELS : undefined) ?? 'models';
  return resolve(chosen);
}

/** Look for `file` in `dir`, then in its sub-folders (two levels deep). */
export function findFileIn(dir: string, file: string, depth = 2): string | undefined {
  const direct = join(dir, file);
  if (existsSync(direct) && statSync(direct).isFile()) return direct;
  if (depth <= 0 || !existsSync(dir)) return undefined;
  let entries: string[];
  try {
    entries = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  } catch (e) {
    throw new ArgusError('io_failed', `cannot read models directory ${dir}`, { cause: e });
  }
  for (const sub of entries) {
    const found = findFileIn(join(dir, sub), file, depth - 1);
    if (found) return found;
  }
  return undefined;
}

/** Path of an installed model, or `model_missing` saying where it looked and what to do. */
export function resolveModel(name: string, dir: string = modelsDir()): string {
  const entry = getModelEntry(name);
  const found = findFileIn(dir, entry.file);
  if (found) return found;
  throw new ArgusError(
    'model_missing',
    `model "${name}" (${entry.file}) not found in ${dir}: run \`argus models install --from DIR ${name}\` or set ARGUS_MODELS to a folder that has it`,
  );
}
