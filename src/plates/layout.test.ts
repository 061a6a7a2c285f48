import { describe, expect, it } from 'vitest';
import { rgbImage } from './image.js';
import { trimLine } from './layout.js';

/** A w×h image whose every pixel holds its row number (so a crop shows which rows it kept). */
function rows(w: number, h: number) {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) data.fill(y, y * w * 3, (y + 1) * w * 3);
  return rgbImage(data, w, h);
}

describe('trimLine', () => {
  it.each([
    // height, share, rows kept (first, count)
    [13, 0.08, 1, 11],
    [13, 0.12, 2, 9],
    [30, 0.1, 3, 24],
    [12, 0.04, 0, 12], // under half a row: nothing to trim
    [8, 0.12, 1, 6],
    [7, 0.12, 0, 7], // fewer than 6 rows would be left: the line stays whole
  ])('a %i px line trimmed by %f keeps rows %i.. (%i rows)', (h, share, first, count) => {
    const out = trimLine(rows(20, h), share);
    expect(out.width).toBe(20);
    expect(out.height).toBe(count);
    expect(out.data[0]).toBe(first);
    expect(out.data[(count - 1) * 20 * 3]).toBe(first + count - 1);
  });
});
