/**
 * From text boxes found on a plate crop to line hypotheses to read: the plate's two lines when the
 * detector finds two rows, otherwise the one row read as a one-line plate, or as one line of a two-line
 * plate whose other line the detector missed (tiny crops), or a projection split of the whole crop.
 */
import type { Box } from '../core/box.js';
import type { TextBox } from './detect.js';
import { cropRgb, levelLine, type RgbImage } from './image.js';
import { splitLines, TWO_LINE_MAX_ASPECT } from './lines.js';

export interface LineHypothesis {
  readonly name: string;
  readonly lines: readonly RgbImage[];
}

const bw = (b: Box) => b.x2 - b.x1;
const bh = (b: Box) => b.y2 - b.y1;

/** Merge boxes that share a row (vertical overlap ≥ half the smaller height) into one box per row, top-down. */
export function groupRows(boxes: readonly TextBox[]): Box[] {
  const rows: Box[] = [];
  for (const { box } of [...boxes].sort((a, b) => a.box.y1 + a.box.y2 - (b.box.y1 + b.box.y2))) {
    const row = rows.findIndex((r) => Math.min(r.y2, box.y2) - Math.max(r.y1, box.y1) >= 0.5 * Math.min(bh(r), bh(box)));
    if (row < 0) rows.push(box);
    else {
      const r = rows[row]!;
      rows[row] = { x1: Math.min(r.x1, box.x1), y1: Math.min(r.y1, box.y1), x2: Math.max(r.x2, box.x2), y2: Math.max(r.y2, box.y2) };
    }
  }
  return rows.sort((a, b) => a.y1 + a.y2 - (b.y1 + b.y2));
}

const pad = (b: Box, img: RgbImage, dx: number, dy: number): Box => ({
  x1: Math.max(0, b.x1 - dx),
  y1: Math.max(0, b.y1 - dy),
  x2: Math.min(img.width, b.x2 + dx),
  y2: Math.min(img.height, b.y2 + dy),
});

const crop = (img: RgbImage, b: Box) => cropRgb(img, b.x1, b.y1, bw(b), bh(b));

/** The line hypotheses to try, most likely first. */
export function lineHypotheses(img: RgbImage, boxes: readonly TextBox[]): LineHypothesis[] {
  // Detector boxes can clip the first/last character: widen each row a little.
  const rows = groupRows(boxes.filter((b) => bw(b.box) >= 3 && bh(b.box) >= 3)).map((r) => pad(r, img, 0.25 * bh(r), 0.06 * bh(r)));
  const out: LineHypothesis[] = [];
  if (rows.length >= 2) {
    // The two largest rows, in top-down order, spanning their common width.
    const two = [...rows].sort((a, b) => bw(b) * bh(b) - bw(a) * bh(a)).slice(0, 2).sort((a, b) => a.y1 - b.y1);
    const [top, bottom] = two as [Box, Box];
    const x1 = Math.min(top.x1, bottom.x1);
    const x2 = Math.max(top.x2, bottom.x2);
    out.push({ name: 'two-rows', lines: [crop(img, { ...top, x1, x2 }), crop(img, { ...bottom, x1, x2 })] });
    // A tilted one-line plate can come out as two overlapping rows: read their union as one line too.
    const all = { x1, x2, y1: Math.min(...rows.map((r) => r.y1)), y2: Math.max(...rows.map((r) => r.y2)) };
    if (bw(all) / bh(all) >= TWO_LINE_MAX_ASPECT * 0.8) out.push({ name: 'rows-as-one', lines: [crop(img, all)] });
  }
  if (rows.length === 1) {
    const r = rows[0]!;
    const h = bh(r);
    if (bw(r) / h >= TWO_LINE_MAX_ASPECT * 0.9) out.push({ name: 'one-row', lines: [crop(img, r)] });
    // The detector often sees one line of a small two-line plate: guess the other one.
    if (r.y1 >= h * 0.5) out.push({ name: 'row-is-line2', lines: [crop(img, { ...r, y1: Math.max(0, r.y1 - h * 1.05), y2: r.y1 + h * 0.1 }), crop(img, r)] });
    if (img.height - r.y2 >= h * 0.5) out.push({ name: 'row-is-line1', lines: [crop(img, r), crop(img, { ...r, y1: r.y2 - h * 0.1, y2: Math.min(img.height, r.y2 + h * 1.05) })] });
    // A tilted one-line plate gives a taller box: still worth reading as one line.
    const aspect = bw(r) / h;
    if (aspect < TWO_LINE_MAX_ASPECT * 0.9 && aspect >= 1.6) out.push({ name: 'tilted-row', lines: [levelLine(crop(img, r))] });
  }
  const whole = splitLines(img);
  out.push({ name: whole.lines.length === 2 ? 'projection' : 'whole', lines: whole.lines });
  return out;
}

/** The line without `share` of its height at top and bottom; lines too small to lose rows (under 6 px left) stay whole. */
export function trimLine(line: RgbImage, share: number): RgbImage {
  const t = Math.round(share * line.height);
  const h = line.height - 2 * t;
  return t <= 0 || h < 6 ? line : cropRgb(line, 0, t, line.width, h);
}
