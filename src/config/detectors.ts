/**
 * The detector choice of a camera (`analysis.detector`), one schema per kind of the detector registry
 * (src/vision/registry.ts: the `satisfies` there makes a kind without its definition, or a definition without its
 * schema, a compile error). A new kind of detector = its schema here, its definition in src/vision, one line in each
 * list. Which model a kind runs, that model's input and its label set are the models catalogue's (src/vision/models.ts):
 * COCO is the label set of the catalogue's current models, not an assumption of the wiring.
 */
import { z } from 'zod';

export const onnxDetectorSchema = z
  .strictObject({
    kind: z.literal('onnx').default('onnx').describe('A detection model of the models catalogue (`argus models list`), run by onnxruntime in worker threads'),
    model: z.string().min(1).default('yolox_nano_416_coco').describe('Detector model name in the models directory; its input size and label set come with it'),
    minScore: z.number().min(0).max(1).default(0.1).describe('Minimum detection confidence handed to the tracker (ByteTrack keeps tracks alive with low-score boxes)'),
    tiles: z
      .union([z.literal('auto'), z.number().int().min(1).max(4)])
      .default('auto')
      .describe('Detect on N overlapping vertical tiles; `auto` tiles frames wider than about two model inputs (finds far motorbikes)'),
    promoteLoneRiders: z
      .boolean()
      .default(true)
      .describe('A rider-shaped person in traffic with no two-wheeler found under it counts as a motorbike (Vietnamese traffic seen from above)'),
  })
  .describe('An ONNX object detector (the default: YOLOX-nano)');

export const noDetectorSchema = z
  .strictObject({
    kind: z.literal('none').describe('No object detection'),
  })
  .describe('No object detection: the camera is recorded, watched live and checked for signal loss, with no model (plate cameras with `plates: anpr` need none either)');

/** One entry per kind of src/vision/registry.ts. */
export const DETECTOR_SCHEMAS = [onnxDetectorSchema, noDetectorSchema] as const;

export const detectorSchema = z.discriminatedUnion('kind', DETECTOR_SCHEMAS).describe('The object detector (choose by `kind`; default the ONNX YOLOX-nano)');

export type DetectorConfig = z.infer<typeof detectorSchema>;
export type DetectorKind = DetectorConfig['kind'];
export type OnnxDetectorConfig = z.infer<typeof onnxDetectorSchema>;

/** The keys of the ONNX detector that older configs (and stored cameras) gave directly under `analysis`. */
export const LEGACY_DETECTOR_KEYS = ['model', 'minScore', 'tiles', 'promoteLoneRiders'] as const;
