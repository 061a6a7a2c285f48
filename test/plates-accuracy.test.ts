import { describe, expect, it } from 'vitest';
import { createPlateReader, evaluateLabels, type EvalSummary, type PlateReaderOptions } from '../src/plates/index.js';

/**
 * Exact-match accuracy on the real labelled crops (the half of each set we have). The floors sit a few
 * points under the measured figures so a regression fails the test. Measured with
 * `argus plates eval --labels ../shared/assets/data/<set>/labels.csv`:
 *   cctv_dinhlong04 0.563 · bkav_thanglm20 0.906 (valid labels 0.923) · chars_vitocolerole 0.908 (valid 0.967)
 * (PP-OCRv4 + constrained decoding, the tools/plate-ocr v4 line model as a second opinion reading two-line plates
 * in three views, and the site prior learnt from the reader's own confident reads; without the site prior cctv
 * reads 0.442, without its series-second-character part 0.532, with the line model's lines as cut only 0.455).
 * Checkpoints of the same training differ by ±4 CCTV plates, hence the margin.
 * Each set is its own site (one reader each): the prior must not carry Quy Nhơn's 77 into Hà Nội's crops.
 * Some labels are wrong (bkav part p8 is shifted against its images; vitocolerole has `SO-B4`, `47-81`…):
 * `validAccuracy` counts only labels the grammar accepts.
 */
const DATA = '../shared/assets/data';

async function evaluate(set: string, opts: PlateReaderOptions = {}, diagnose = false): Promise<EvalSummary> {
  const reader = await createPlateReader({ threads: 2, ...opts });
  try {
    return await evaluateLabels({ labelsPath: `${DATA}/${set}/labels.csv`, reader, diagnose });
  } finally {
    await reader.close();
  }
}

describe('plate reading accuracy on real crops', () => {
  it.each([
    ['vn_plates_cctv_dinhlong04', 0.5, 0.5],
    ['vn_plates_bkav_thanglm20', 0.87, 0.89],
    ['vn_plates_chars_vitocolerole', 0.86, 0.92],
  ])('%s: exact ≥ %s, on valid labels ≥ %s', async (set, floor, validFloor) => {
    const s = await evaluate(set, {}, true);
    expect(s.total).toBeGreaterThan(90);
    expect(s.accuracy).toBeGreaterThanOrEqual(floor);
    expect(s.validAccuracy).toBeGreaterThanOrEqual(validFloor);
    expect(s.charAccuracy).toBeGreaterThan(s.accuracy);
    // Every miss has its class (two recognisers score every decision, so none is unscored).
    const { noRead, outscored, searchMissed, misread, unscored } = s.failureClasses!;
    expect(noRead + outscored + searchMissed + misread).toBe(s.total - s.exact);
    expect(unscored).toBe(0);
  }, 180_000);

  it('classing the misses does not change the reading', async () => {
    const plain = await evaluate('vn_plates_bkav_thanglm20');
    const diagnosed = await evaluate('vn_plates_bkav_thanglm20', {}, true);
    expect(diagnosed.exact).toBe(plain.exact);
    expect(diagnosed.charAccuracy).toBe(plain.charAccuracy);
    expect(plain.failureClasses).toBeUndefined();
  }, 120_000);

  it("the site prior (learnt from the reader's own reads) lifts the single-province CCTV set, its series part too", async () => {
    const without = await evaluate('vn_plates_cctv_dinhlong04', { sitePrior: false });
    const noSecond = await evaluate('vn_plates_cctv_dinhlong04', { sitePrior: { secondWeight: 0 } });
    const learnt = await evaluate('vn_plates_cctv_dinhlong04');
    expect(learnt.exact - without.exact).toBeGreaterThanOrEqual(12);
    // The series' second character (`77-LZ` read for `77-L2` where the site's L-plates carry digits): 123 → 128.
    expect(learnt.exact - noSecond.exact).toBeGreaterThanOrEqual(3);
  }, 240_000);

  it("the line model's further views of two-line plates lift the CCTV set and leave one-line plates alone", async () => {
    for (const [set, gain] of [
      ['vn_plates_cctv_dinhlong04', 6],
      ['vn_plates_bkav_thanglm20', 0],
    ] as const) {
      const asCut = await evaluate(set, { lineViews: [] });
      const views = await evaluate(set);
      expect(views.exact - asCut.exact, set).toBeGreaterThanOrEqual(gain);
    }
  }, 240_000);
});
