/**
 * Accuracy of the reader on a labelled set (`image,text` CSV rows): exact match after normalisation
 * (upper-case, Đ → D, [0-9A-Z] only), character accuracy (1 − edit distance / label length, summed),
 * and mean milliseconds per plate crop.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isVehicleClass, VEHICLE_CLASSES, type VehicleClass } from '../core/classes.js';
import { ArgusError } from '../core/errors.js';
import { median } from '../core/stats.js';
import { normalizePlateText } from './format.js';
import { isValidPlateKey } from './grammar.js';
import { loadRgb } from './load.js';
import type { CropRead, PlateReader } from './reader.js';

export interface LabelRow {
  readonly image: string;
  readonly text: string;
  /** The vehicle the plate is on, from an optional `vehicle` column (the reader's vehicle prior); absent = unknown. */
  readonly vehicle?: VehicleClass;
}

export interface EvalSummary {
  readonly total: number;
  readonly exact: number;
  readonly accuracy: number;
  readonly charAccuracy: number;
  readonly msPerPlate: number;
  /** Rows whose label is a valid plate under the grammar, and the exact matches among them. */
  readonly validTotal: number;
  readonly validExact: number;
  readonly validAccuracy: number;
  /** With `diagnose`: the misses by where the right plate stood (see FailureClasses). */
  readonly failureClasses?: FailureClasses;
}

/**
 * Why the misses missed, from where the right plate stood in the decision that gave the read (`diagnose`):
 * - `noRead`: no plate read at all;
 * - `outscored`: a recogniser's search proposed the right plate, but the weighted recognisers and priors scored
 *   another higher (a scoring matter: weights, priors); `outscoredMedianGap` is the median margin in nats;
 * - `searchMissed`: the right plate would have won, but no search proposed it (a search matter: beam, candidates);
 * - `misread`: not proposed, and it would have lost anyway (a recognition matter: the models see another plate);
 * - `unscored`: the decision had one recogniser only, or no candidate to compare with.
 */
export interface FailureClasses {
  readonly noRead: number;
  readonly outscored: number;
  readonly outscoredMedianGap: number;
  readonly searchMissed: number;
  readonly misread: number;
  readonly unscored: number;
}

export type FailureClass = 'noRead' | 'outscored' | 'searchMissed' | 'misread' | 'unscored';

export function failureClass(r: CropRead): FailureClass {
  if (!r.read) return 'noRead';
  if (!r.truth) return 'unscored';
  if (r.truth.rank >= 0) return 'outscored';
  return r.truth.gap < 0 ? 'searchMissed' : 'misread';
}

export interface EvalFailure {
  readonly image: string;
  readonly expected: string;
  readonly got: string | null;
  readonly raw: readonly string[];
  readonly validLabel: boolean;
  /** With `diagnose`: the miss's class. */
  readonly class?: FailureClass;
}

/**
 * Parse `image,text[,…]` rows (header optional; simple quoting). A header row may name a `vehicle` column
 * (`motorcycle`, `car`, `bus`, `truck`, `bicycle`; empty = unknown); other extra columns are ignored.
 */
export function parseLabels(csv: string): LabelRow[] {
  const rows: LabelRow[] = [];
  let vehicleCol = -1;
  for (const [i, line] of csv.split(/\r?\n/).entries()) {
    if (line.trim() === '') continue;
    const cells = line.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
    const [image = '', text = ''] = cells;
    if (i === 0 && image.toLowerCase() === 'image') {
      vehicleCol = cells.findIndex((c) => c.toLowerCase() === 'vehicle');
      continue;
    }
    const vehicle = vehicleCol >= 0 ? (cells[vehicleCol] ?? '') : '';
    if (vehicle === '') rows.push({ image, text });
    else if (isVehicleClass(vehicle)) rows.push({ image, text, vehicle });
    else throw new ArgusError('invalid_argument', `labels line ${i + 1}: unknown vehicle '${vehicle}' (expected one of ${VEHICLE_CLASSES.join(', ')}, or empty)`);
  }
  return rows;
}

export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

export interface EvalOptions {
  readonly labelsPath: string;
  readonly imagesDir?: string;
  readonly reader: PlateReader;
  readonly onProgress?: (done: number, total: number) => void;
  readonly onFailure?: (f: EvalFailure) => void;
  /** Give the reader the right plate of each row so that misses are classed (FailureClasses); the reading is unchanged. */
  readonly diagnose?: boolean;
}

export async function evaluateLabels(opts: EvalOptions): Promise<EvalSummary> {
  let csv: string;
  try {
    csv = await readFile(opts.labelsPath, 'utf8');
  } catch (e) {
    throw new ArgusError('io_failed', `cannot read labels ${opts.labelsPath}`, { cause: e });
  }
  const rows = parseLabels(csv);
  const dir = opts.imagesDir ?? join(dirname(opts.labelsPath), 'images');
  let exact = 0, validTotal = 0, validExact = 0, chars = 0, charsOk = 0, ms = 0;
  const classes: Record<FailureClass, number> = { noRead: 0, outscored: 0, searchMissed: 0, misread: 0, unscored: 0 };
  const gaps: number[] = [];
  for (const [i, row] of rows.entries()) {
    const img = await loadRgb(join(dir, row.image));
    const expected = normalizePlateText(row.text);
    const t0 = performance.now();
    const hints = { ...(opts.diagnose ? { truth: expected } : {}), ...(row.vehicle ? { vehicle: row.vehicle } : {}) };
    const r: CropRead = await opts.reader.readCrop(img.data, img.width, img.height, hints);
    ms += performance.now() - t0;
    const got = r.read?.plate ?? null;
    const valid = isValidPlateKey(expected);
    const ok = got === expected;
    exact += ok ? 1 : 0;
    validTotal += valid ? 1 : 0;
    validExact += valid && ok ? 1 : 0;
    chars += expected.length;
    charsOk += Math.max(0, expected.length - editDistance(expected, got ?? ''));
    const cls = !ok && opts.diagnose ? failureClass(r) : undefined;
    if (cls) {
      classes[cls]++;
      if (cls === 'outscored') gaps.push(r.truth!.gap);
    }
    if (!ok) opts.onFailure?.({ image: row.image, expected, got, raw: r.raw, validLabel: valid, ...(cls ? { class: cls } : {}) });
    opts.onProgress?.(i + 1, rows.length);
  }
  const n = rows.length;
  const round = (x: number) => Math.round(x * 10000) / 10000;
  return {
    total: n,
    exact,
    accuracy: n ? round(exact / n) : 0,
    charAccuracy: chars ? round(charsOk / chars) : 0,
    msPerPlate: n ? Math.round((ms / n) * 100) / 100 : 0,
    validTotal,
    validExact,
    validAccuracy: validTotal ? round(validExact / validTotal) : 0,
    ...(opts.diagnose ? { failureClasses: { ...classes, outscoredMedianGap: gaps.length ? Math.round(median(gaps) * 100) / 100 : 0 } } : {}),
  };
}
