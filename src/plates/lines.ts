/**
 * Line layout of a plate crop: one-line (long car plates) or two-line (motorbike and square plates),
 * split at the quietest row of a horizontal projection profile. On tiny CCTV crops this is steadier
 * than running the text detector, and it costs nothing.
 */
import { cropRgb, toGray, type RgbImage } from './image.js';

export interface LineSplit {
  /** Text lines, top-down. */
  readonly lines: readonly RgbImage[];
  /** Row where line 2 starts (two-line plates). */
  readonly splitRow?: number;
}

/** Crops narrower than this (width / height) are treated as two-line plates. */
export const TWO_LINE_MAX_ASPECT = 2.6;

/** Sum of |horizontal gradient| per row over the central columns: text rows are busy, the gap is quiet. */
export function rowProfile(img: RgbImage): Float32Array {
  const g = toGray(img);
  const { width: w, height: h } = img;
  const x0 = Math.floor(w * 0.08);
  const x1 = Math.ceil(w * 0.92);
  const prof = new Float32Array(h);
  for (let y = 0; y < h; y++) {
    let s = 0;
    for (let x = x0 + 1; x < x1; x++) s += Math.abs(g[y * w + x]! - g[y * w + x - 1]!);
    prof[y] = s;
  }
  // Light smoothing (3 rows).
  const sm = new Float32Array(h);
  for (let y = 0; y < h; y++) sm[y] = (prof[Math.max(0, y - 1)]! + prof[y]! + prof[Math.min(h - 1, y + 1)]!) / 3;
  return sm;
}

/** Row (in the middle band of the crop) between the two text lines. */
export function findSplitRow(img: RgbImage): number {
  const prof = rowProfile(img);
  const h = img.height;
  const lo = Math.floor(h * 0.3);
  const hi = Math.max(lo + 1, Math.ceil(h * 0.7));
  let best = Math.round(h / 2);
  let bestV = Infinity;
  for (let y = lo; y < hi; y++) {
    // Prefer the centre slightly when the profile is flat.
    const v = prof[y]! * (1 + 0.6 * Math.abs(y / h - 0.5));
    if (v < bestV) {
      bestV = v;
      best = y;
    }
  }
  return best;
}

export function splitLines(img: RgbImage, twoLine?: boolean): LineSplit {
  const isTwo = twoLine ?? img.width / img.height < TWO_LINE_MAX_ASPECT;
  if (!isTwo) return { lines: [img] };
  const row = findSplitRow(img);
  const overlap = Math.max(1, Math.round(img.height * 0.04));
  const top = cropRgb(img, 0, 0, img.width, row + overlap);
  const bottom = cropRgb(img, 0, row - overlap, img.width, img.height - row + overlap);
  return { lines: [top, bottom], splitRow: row };
}
