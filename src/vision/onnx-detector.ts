import { boxArea, clipBox, type Box } from '../core/box.js';
import type { ObjectClass } from '../core/classes.js';
import type { Detection } from '../core/detection.js';
import { ArgusError } from '../core/errors.js';
import type { Frame } from '../core/frame.js';
import { decodeNanodet } from './decoders/nanodet.js';
import type { Decoder, RawDetection } from './decoders/types.js';
import { decodeUltralytics } from './decoders/ultralytics.js';
import { decodeYolox } from './decoders/yolox.js';
import type { Detector } from './detector.js';
import { LABEL_SETS, type LabelSet } from './labels.js';
import { toSourceBox, type Region } from './letterbox.js';
import { getModelEntry, modelsDir, resolveModel, type DecoderKind, type ModelEntry } from './models.js';
import { nms } from './nms.js';
import { createOnnxPool, type OnnxPoolStats } from './onnx-pool.js';
import { fuseRiders, type RiderOptions } from './riders.js';
import { mergeTiles, tileRegions, type TileDetection, type TileEdges } from './tiles.js';

export interface OnnxDetectorOptions {
  /** Catalogue name, e.g. `yolox_nano_416_coco`. */
  readonly model: string;
  /** Models directory (default: ARGUS_MODELS, else ./models). */
  readonly modelsDir?: string;
  /** Minimum score kept (default 0.3). */
  readonly minScore?: number;
  /** Class-wise NMS IoU threshold (default 0.45). */
  readonly iouThreshold?: number;
  /** Worker threads (default cores / threadsPerWorker: 2 on 2 cores). */
  readonly workers?: number;
  /** onnxruntime intra-op threads per worker (default 1: one session per core measured fastest). */
  readonly threadsPerWorker?: number;
  /** Overlapping columns the frame is cut into (default 1: whole frame). 2 finds far motorbikes on wide frames. */
  readonly tiles?: number;
  /** Overlap of neighbouring tiles, share of the tile width (default 0.25). */
  readonly tileOverlap?: number;
  /** Rider fusion (person on a two-wheeler → one vehicle with `riders`). Default on; `false` leaves persons alone. */
  readonly riders?: RiderOptions | false;
  /** Read COCO's overhead confusions (a car from above → `cell phone`) as vehicles when vehicle-sized. Default on. */
  readonly overheadProxies?: boolean;
}

/** Per-call timings of the last detect(), ms. */
export interface DetectTimings {
  readonly preMs: number;
  readonly runMs: number;
  readonly totalMs: number;
}

export interface OnnxDetector extends Detector {
  readonly entry: ModelEntry;
  readonly labels: LabelSet;
  readonly modelPath: string;
  stats(): OnnxPoolStats;
  /** Timings of the most recent completed detect() (undefined before the first). */
  lastTimings(): DetectTimings | undefined;
}

const DECODERS: Readonly<Record<Exclude<DecoderKind, 'none'>, Decoder>> = {
  yolox: decodeYolox,
  ultralytics: decodeUltralytics,
  nanodet: decodeNanodet,
};

/**
 * Seen from straight above, COCO models take a car for a `cell phone` (YOLOX-nano on the top-down parking-lot
 * clip: 0.94 "cell phone", no "car" above 0.1). A phone big enough to be seen by a road camera is a vehicle, so
 * with `overheadProxies` (default on) such a box (a label set's `proxies`) counts as a car when its shorter side is
 * at least PROXY_MIN_SIDE of the frame's shorter side. The tracker then refines the class over the track.
 */
const PROXY_MIN_SIDE = 0.08;
const MOTOR_VEHICLES: ReadonlySet<ObjectClass> = new Set(['car', 'truck', 'bus']);
const MOTOR_VEHICLE_IOU = 0.7;

/**
 * A Detector on an ONNX detection model of the catalogue (its decoder, input and label set come with its catalogue
 * entry) running in a pool of worker threads. Boxes in source pixels, clipped.
 * detect() copies frame.rgb synchronously (the worker letterboxes the copy) before it first awaits, so the caller may reuse the buffer
 * as soon as detect() has returned its promise. detect() may be called concurrently (jobs queue in the pool):
 * share one detector per model across cameras rather than one per camera.
 */
export async function createOnnxDetector(opts: OnnxDetectorOptions): Promise<OnnxDetector> {
  const entry = getModelEntry(opts.model);
  if (entry.decoder === 'none' || !entry.input) {
    throw new ArgusError('invalid_argument', `model "${entry.name}" is catalogued but is not an object detector Argus can decode`);
  }
  const decoder = DECODERS[entry.decoder];
  const input = entry.input;
  const labels: LabelSet | undefined = entry.labels ? LABEL_SETS[entry.labels] : undefined;
  if (!labels) throw new ArgusError('invalid_argument', `model "${entry.name}" declares no label set: its classes cannot be read`);
  const proxies = opts.overheadProxies ?? true;
  const keep = new Set([...labels.toArgus.keys(), ...(proxies ? labels.proxies.keys() : [])]);
  const modelPath = resolveModel(entry.name, opts.modelsDir ?? modelsDir());
  const pool = await createOnnxPool({ modelPath, workers: opts.workers, intraOpNumThreads: opts.threadsPerWorker });
  if (!pool.inputNames.includes(input.name)) {
    await pool.close();
    throw new ArgusError('model_invalid', `${modelPath} has inputs ${pool.inputNames.join(', ')}, expected "${input.name}"`);
  }
  const minScore = opts.minScore ?? 0.3;
  const iouThreshold = opts.iouThreshold ?? 0.45;
  let last: DetectTimings | undefined;

  const detect = async (frame: Frame): Promise<Detection[]> => {
    const t0 = performance.now();
    const regions = tileRegions(frame.size, opts.tiles ?? 1, opts.tileOverlap);
    let preMs = 0;
    let runMs = 0;
    const perTile = await Promise.all(
      regions.map(async (region, tile) => {
        // The worker letterboxes (off the main thread, which carries every camera's frames); the frame is copied
        // here, synchronously, so the caller may reuse its buffer once detect() has returned its promise.
        const res = await pool.runImage({
          rgb: frame.rgb.slice(0, frame.size.width * frame.size.height * 3), width: frame.size.width, height: frame.size.height,
          sourceWidth: frame.sourceSize.width, sourceHeight: frame.sourceSize.height,
          input: input.name, letterbox: { ...input, region },
        });
        preMs += res.preMs;
        runMs += res.runMs;
        const lb = res;
        const raw = decoder(res.outputs, { inputWidth: input.width, inputHeight: input.height, minScore, keep });
        return nms(raw, iouThreshold, (d) => d.classId)
          .map((d) => toTileDetection(d, tile, lb.transform, labels, proxies))
          .filter((d): d is TileDetection<ObjectClass> => d !== undefined && (!d.proxy || isVehicleSized(d.box, frame)));
      }),
    );
    const merged = regions.length > 1 ? mergeTiles(perTile.flat(), tileEdges(regions, frame), iouThreshold) : (perTile[0] ?? []);
    const dets = finish(merged, frame, opts.riders);
    last = { preMs, runMs, totalMs: performance.now() - t0 };
    return dets;
  };

  return {
    name: entry.name,
    entry,
    labels,
    modelPath,
    detect,
    stats: () => pool.stats(),
    lastTimings: () => last,
    close: () => pool.close(),
  };
}

type MaybeProxy = TileDetection<ObjectClass> & { readonly proxy?: true };

function toTileDetection(d: RawDetection, tile: number, t: Parameters<typeof toSourceBox>[1], labels: LabelSet, proxies: boolean): MaybeProxy | undefined {
  const cls = labels.toArgus.get(d.classId);
  if (cls) return { box: toSourceBox(d.box, t), score: d.score, cls, tile };
  const proxy = proxies ? labels.proxies.get(d.classId) : undefined;
  return proxy ? { box: toSourceBox(d.box, t), score: d.score, cls: proxy, tile, proxy: true } : undefined;
}

/** A proxy box must be the size of a vehicle in the picture, not of a small object. */
function isVehicleSized(b: Box, frame: Frame): boolean {
  const minSide = PROXY_MIN_SIDE * Math.min(frame.sourceSize.width, frame.sourceSize.height);
  return Math.min(b.x2 - b.x1, b.y2 - b.y1) >= minSide;
}

/** The shared (inner) edges of each tile, in source pixels. */
function tileEdges(regions: readonly Region[], frame: Frame): TileEdges[] {
  const sx = frame.sourceSize.width / frame.size.width;
  return regions.map((r, i) => ({
    left: i > 0 ? r.x * sx : undefined,
    right: i < regions.length - 1 ? (r.x + r.width) * sx : undefined,
  }));
}

function finish(dets: readonly TileDetection<ObjectClass>[], frame: Frame, riders: RiderOptions | false | undefined): Detection[] {
  const { width, height } = frame.sourceSize;
  const clipped: Detection[] = dets
    .map((d) => ({ box: clipBox(d.box, width, height), cls: d.cls, score: d.score }))
    .filter((d) => boxArea(d.box) > 0);
  // One vehicle, two labels (car 0.6 + truck 0.5 on the same box): keep the better label.
  const deduped = nms(clipped, MOTOR_VEHICLE_IOU, (d) => (MOTOR_VEHICLES.has(d.cls) ? 'motor_vehicle' : d.cls));
  if (riders === false) return deduped;
  return fuseRiders(deduped, riders).map((d) => ({ ...d, box: clipBox(d.box, width, height) }));
}

