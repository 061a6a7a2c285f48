/**
 * Plate localisation by text detection: on a vehicle crop or a whole ANPR frame, PP-OCR finds text
 * boxes; two boxes stacked with similar widths form a two-line plate candidate, a single box a one-line
 * candidate (or one line of a plate whose other line was missed). Candidates are cropped with a margin
 * and read by the crop reader, which re-detects at a higher scale and applies the grammar: text that is
 * not a plate (signs, stickers) is rejected there.
 */
import type { Box } from '../core/box.js';
import type { TextBox, TextDetector } from './detect.js';
import { cropRgb, type RgbImage } from './image.js';

export interface PlateRegion {
  readonly box: Box;
  readonly crop: RgbImage;
}

/** Candidates read per image at most (each read costs a few recogniser runs). */
export const MAX_CANDIDATES = 12;

const bw = (b: Box) => b.x2 - b.x1;
const bh = (b: Box) => b.y2 - b.y1;
const union = (a: Box, b: Box): Box => ({ x1: Math.min(a.x1, b.x1), y1: Math.min(a.y1, b.y1), x2: Math.max(a.x2, b.x2), y2: Math.max(a.y2, b.y2) });

/** Text boxes → plate candidate boxes (two-line stacks first, then single lines), largest first. */
export function plateCandidates(boxes: readonly TextBox[]): Box[] {
  const text = boxes.map((b) => b.box).filter((b) => bh(b) >= 6 && bw(b) >= 8);
  const stacked: Box[] = [];
  for (const a of text) {
    for (const b of text) {
      if (a === b || b.y1 < a.y1) continue;
      const overlapX = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
      const gap = b.y1 - a.y2;
      const hr = bh(a) / bh(b);
      if (overlapX >= 0.5 * Math.min(bw(a), bw(b)) && gap < 0.6 * bh(b) && gap > -0.5 * bh(b) && hr > 0.5 && hr < 2) stacked.push(union(a, b));
    }
  }
  const singles = text.filter((b) => bw(b) / bh(b) >= 1.2 && bw(b) / bh(b) <= 9);
  const all = [...stacked, ...singles];
  return all.sort((a, b) => bw(b) * bh(b) - bw(a) * bh(a)).slice(0, MAX_CANDIDATES);
}

/** Detect text on `img` (its longest side scaled to `maxSide` at most) and crop the plate candidates with a margin. */
export async function findPlateRegions(img: RgbImage, det: TextDetector, maxSide = 960): Promise<PlateRegion[]> {
  const boxes = await det.detect(img, { maxSide, minSide: 96 });
  return plateCandidates(boxes).map((b) => {
    const mx = bw(b) * 0.12;
    const my = bh(b) * 0.2;
    const x1 = Math.max(0, Math.floor(b.x1 - mx));
    const y1 = Math.max(0, Math.floor(b.y1 - my));
    const x2 = Math.min(img.width, Math.ceil(b.x2 + mx));
    const y2 = Math.min(img.height, Math.ceil(b.y2 + my));
    const box = { x1, y1, x2, y2 };
    return { box, crop: cropRgb(img, x1, y1, x2 - x1, y2 - y1) };
  });
}
