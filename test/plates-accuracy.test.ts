import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlateReader, evaluateLabels, type PlateReader } from '../src/plates/index.js';

/**
 * Exact-match accuracy on the real labelled crops (the half of each set we have). The floors sit a few
 * points under the measured figures so a regression fails the test. Measured with
 * `argus plates eval --labels ../shared/assets/data/<set>/labels.csv` (see docs in the report):
 *   cctv_dinhlong04 0.32 · bkav_thanglm20 0.86 (valid labels 0.875) · chars_vitocolerole 0.89 (valid 0.946)
 * (PP-OCRv4 + constrained decoding, with the tools/plate-ocr line model as a second opinion when present;
 * PP-OCR alone: 0.29 · 0.87 · 0.89).
 * Some labels are wrong (bkav part p8 is shifted against its images; vitocolerole has `SO-B4`, `47-81`…):
 * `validAccuracy` counts only labels the grammar accepts.
 */
const DATA = '../shared/assets/data';
let reader: PlateReader;

beforeAll(async () => {
  reader = await createPlateReader({ threads: 2 });
});
afterAll(async () => {
  await reader.close();
});

describe('plate reading accuracy on real crops', () => {
  it.each([
    ['vn_plates_cctv_dinhlong04', 0.25, 0.25],
    ['vn_plates_bkav_thanglm20', 0.82, 0.84],
    ['vn_plates_chars_vitocolerole', 0.85, 0.9],
  ])('%s: exact ≥ %s, on valid labels ≥ %s', async (set, floor, validFloor) => {
    const s = await evaluateLabels({ labelsPath: `${DATA}/${set}/labels.csv`, reader });
    expect(s.total).toBeGreaterThan(90);
    expect(s.accuracy).toBeGreaterThanOrEqual(floor);
    expect(s.validAccuracy).toBeGreaterThanOrEqual(validFloor);
    expect(s.charAccuracy).toBeGreaterThan(s.accuracy);
  }, 180_000);
});
