import { describe, expect, it } from 'vitest';
import { createSitePrior, homeProvinceSeed } from './site-prior.js';

describe('site prior', () => {
  it('has no opinion until it has seen enough confident reads', () => {
    const p = createSitePrior({ warmUp: 5 });
    for (let i = 0; i < 4; i++) p.observe('77L207115', 0.9);
    expect(p.province(77)).toBe(0);
    p.observe('77A03623', 0.9);
    expect(p.province(77)).toBeGreaterThan(0);
  });

  it('learns the mix: common codes up, unseen codes down, both clipped', () => {
    const p = createSitePrior({ weight: 1, warmUp: 0, floor: -2, ceiling: 4 });
    for (let i = 0; i < 200; i++) p.observe(i % 10 === 0 ? '81A15478' : '77L207115', 0.9);
    expect(p.province(77)).toBeGreaterThan(p.province(81));
    expect(p.province(81)).toBeGreaterThan(0);
    expect(p.province(11)).toBeLessThan(0);
    expect(p.province(77)).toBeLessThanOrEqual(4);
    expect(p.province(11)).toBeGreaterThanOrEqual(-2);
    expect(p.shares()[0]).toMatchObject({ code: 77 });
  });

  it('ignores unsure reads, keys without a province code and codes not in use', () => {
    const p = createSitePrior({ warmUp: 0 });
    p.observe('77L207115', 0.2);
    p.observe('QA1234', 0.99);
    p.observe('10A12345', 0.99);
    expect(p.shares()).toEqual([]);
    expect(p.province(77)).toBe(0);
  });

  it('learns the first series letter per province', () => {
    const p = createSitePrior({ warmUp: 0, seriesWeight: 1 });
    for (let i = 0; i < 50; i++) p.observe(i % 2 ? '77L207115' : '77A03623', 0.9);
    expect(p.series(77, 'A')).toBeGreaterThan(0);
    expect(p.series(77, 'S')).toBeLessThan(0);
    expect(p.series(30, 'A')).toBe(0);
    expect(createSitePrior({ warmUp: 0, seriesWeight: 0, seed: { 77: 10 } }).series(77, 'A')).toBe(0);
  });

  it('a configured home province starts warm, and traffic can still outvote it', () => {
    const p = createSitePrior({ seed: homeProvinceSeed([77]), memory: 100 });
    expect(p.province(77)).toBeGreaterThan(0);
    for (let i = 0; i < 2000; i++) p.observe('30A12345', 0.9);
    expect(p.province(30)).toBeGreaterThan(p.province(77));
    expect(p.province(77)).toBeLessThan(0);
  });

  it('keeps a bounded memory however long it runs', () => {
    const p = createSitePrior({ warmUp: 0 });
    const codes = [11, 29, 30, 43, 51, 59, 77, 81, 92, 99];
    for (let i = 0; i < 20_000; i++) p.observe(`${codes[i % codes.length]}A12345`, 0.9);
    expect(p.shares().length).toBeLessThanOrEqual(codes.length);
    const sum = p.shares().reduce((a, s) => a + s.share, 0);
    expect(sum).toBeCloseTo(1, 3);
  });

  it("learns the site's earlier reads first: a reader started again has the prior it had", () => {
    const reads = Array.from({ length: 40 }, (_, i) => ({ key: i % 4 === 0 ? '81A15478' : '77L207115', confidence: 0.9 }));
    const before = createSitePrior();
    for (const r of reads) before.observe(r.key, r.confidence);
    const restarted = createSitePrior({ history: [...reads, { key: '29A12345', confidence: 0.1 }] });
    expect(createSitePrior().province(77)).toBe(0);
    expect(restarted.province(77)).toBeGreaterThan(0);
    expect(restarted.province(77)).toBeCloseTo(before.province(77), 10);
    expect(restarted.series(77, 'L')).toBeCloseTo(before.series(77, 'L'), 10);
    expect(restarted.shares().map((s) => s.code)).toEqual([77, 81]);
  });

  it('learns the series second character per province, first letter and number of lines', () => {
    const p = createSitePrior({ warmUp: 0 });
    for (let i = 0; i < 60; i++) {
      if (i % 3 === 0) p.observe('77A03623', 0.9, ['77A03623']);
      else p.observe(i % 3 === 1 ? '77L207115' : '77L119327', 0.9, i % 2 ? ['77L2', '07115'] : undefined);
    }
    // Two-line 77-L…: L1 and L2 up; LZ (a tiny 2 read as Z) and a lost digit (77-L) down.
    expect(p.seriesSecond(77, 'L', '2', 2)).toBeGreaterThan(0);
    expect(p.seriesSecond(77, 'L', '1', 2)).toBeGreaterThan(0);
    expect(p.seriesSecond(77, 'L', 'Z', 2)).toBeLessThan(0);
    expect(p.seriesSecond(77, 'L', '', 2)).toBeLessThan(0);
    // The cars' one-line 77A: no second character is the common case there, and says nothing of two-line plates.
    expect(p.seriesSecond(77, 'A', '', 1)).toBeGreaterThan(0);
    expect(p.seriesSecond(77, 'A', 'Z', 1)).toBeLessThan(0);
    // A first letter seldom seen leans on the site's two-line mix: a digit more likely than none.
    expect(p.seriesSecond(77, 'E', '1', 2)).toBeGreaterThan(p.seriesSecond(77, 'E', '', 2));
    // No opinion on a layout never seen, nor before the warm-up, nor when switched off.
    expect(createSitePrior({ warmUp: 0 }).seriesSecond(77, 'L', 'Z', 2)).toBe(0);
    const off = createSitePrior({ warmUp: 0, secondWeight: 0 });
    for (let i = 0; i < 60; i++) off.observe('77L207115', 0.9, ['77L2', '07115']);
    expect(off.seriesSecond(77, 'L', 'Z', 2)).toBe(0);
  });

  it('learns the series second character from stored sightings (keys only) where the key tells it', () => {
    const history = Array.from({ length: 40 }, (_, i) => ({ key: i % 2 ? '77L207115' : '77A03623', confidence: 0.9 }));
    const p = createSitePrior({ history });
    expect(p.seriesSecond(77, 'L', '2', 2)).toBeGreaterThan(0);
    expect(p.seriesSecond(77, 'L', 'Z', 2)).toBeLessThan(0);
    // 77A03623 alone may be one line or two: it teaches nothing of either.
    expect(p.seriesSecond(77, 'A', '', 1)).toBe(0);
  });
});
