import { describe, expect, it } from 'vitest';
import { ALPHABET_SIZE, greedyDecode, PLATE_ALPHABET, type StepProbs } from './ctc.js';
import { constrainedDecode, keyPrior, type PlatePrior } from './decode.js';
import { ensembleDecode } from './ensemble.js';

/** Steps written as `'7'` (certain), `'B:0.6 8:0.4'` (alternatives) or `'-'` (blank). */
function steps(spec: string[]): StepProbs {
  const probs = new Float32Array(spec.length * ALPHABET_SIZE);
  spec.forEach((s, t) => {
    if (s === '-') {
      probs[t * ALPHABET_SIZE] = 1;
      return;
    }
    const alts = s.includes(':') ? s.split(' ').map((a) => a.split(':') as [string, string]) : [[s, '1'] as [string, string]];
    let rest = 1;
    for (const [c, p] of alts) {
      probs[t * ALPHABET_SIZE + 1 + PLATE_ALPHABET.indexOf(c)] = Number(p);
      rest -= Number(p);
    }
    probs[t * ALPHABET_SIZE] = Math.max(0, rest);
  });
  return { steps: spec.length, probs };
}

/** One certain character per step, separated by blanks. */
const spell = (s: string) => steps([...s].flatMap((c) => [c, '-']));

describe('constrained CTC decoding', () => {
  it('reads a clean one-line plate as is', () => {
    const r = constrainedDecode([spell('30A12345')]);
    expect(r?.text).toBe('30A12345');
    expect(r?.confidence).toBeGreaterThan(0.9);
  });

  it('never puts a letter in a digit slot: B in the province code becomes 8', () => {
    const sp = steps(['3', '-', 'B:0.6 8:0.4', '-', 'A', '-', '1', '-', '2', '-', '3', '-', '4', '-', '5']);
    expect(greedyDecode(sp)).toBe('3BA12345');
    expect(constrainedDecode([sp])?.text).toBe('38A12345');
  });

  it('never puts a digit in a letter slot: 8 in the series becomes B', () => {
    const sp = steps(['3', '-', '0', '-', '8:0.7 B:0.3', '-', '1', '-', '2', '-', '3', '-', '4', '-', '5']);
    expect(constrainedDecode([sp])?.text).toBe('30B12345');
  });

  it('rejects an unused province code in favour of a valid one', () => {
    const sp = steps(['1', '-', '3:0.55 5:0.45', '-', 'A', '-', '1', '-', '2', '-', '3', '-', '4', '-', '5']);
    expect(constrainedDecode([sp])?.text).toBe('15A12345');
  });

  it('keeps a doubled digit apart only when a blank separates it', () => {
    expect(constrainedDecode([steps(['2', '9', '-', 'A', '-', '1', '1', '-', '1', '-', '2', '-', '3', '-', '4'])])?.text).toBe('29A11234');
    expect(constrainedDecode([steps(['7', '7', '-', '7', '-', 'A', '-', '1', '-', '2', '-', '3', '-', '4'])])?.text).toBe('77A1234');
  });

  it('combines the two lines of a motorbike plate in one search', () => {
    const r = constrainedDecode([spell('29B1'), spell('12345')]);
    expect(r?.text).toBe('29B112345');
    expect(r?.lines).toEqual(['29B1', '12345']);
  });

  it('lets line 1 decide the series: the serial never moves onto line 1', () => {
    // Line 1 reads "29B" then an uncertain "1"/"-": the grammar allows 29B or 29B1; line 2 has 5 digits either way.
    const r = constrainedDecode([steps(['2', '-', '9', '-', 'B', '-', '1:0.3']), spell('12345')]);
    expect(r?.lines[1]).toBe('12345');
    expect(['29B', '29B1']).toContain(r?.lines[0]);
  });

  it('returns null when nothing fits the grammar', () => {
    expect(constrainedDecode([spell('12')])).toBeNull();
  });

  it('does not read military layouts when told the plate is not red', () => {
    const sp = steps(['Q', '-', 'A:0.6 4:0.4', '-', '1', '-', '2', '-', '3', '-', '4']);
    expect(constrainedDecode([sp])?.text).toBe('QA1234');
    expect(constrainedDecode([sp], { kinds: ['civil'] })).toBeNull();
  });
});

describe('CTC forward scoring', () => {
  it('sums over alignments and prefers the spelled text', async () => {
    const { ctcLogProb } = await import('./ctc.js');
    const sp = spell('30A12345');
    expect(ctcLogProb(sp, '30A12345')).toBeCloseTo(0, 5);
    expect(ctcLogProb(sp, '30A1234')).toBe(-Infinity);
    const soft = steps(['3', '-', '0:0.7 8:0.3', '-', 'A']);
    expect(Math.exp(ctcLogProb(soft, '30A'))).toBeCloseTo(0.7, 5);
    expect(Math.exp(ctcLogProb(soft, '38A'))).toBeCloseTo(0.3, 5);
  });

  describe('site prior', () => {
    // Top line of a small two-line plate: the province reads 11 a little more than 77.
    const line1 = steps(['1:0.55 7:0.45', '-', '1:0.55 7:0.45', '-', 'L', '-', '2']);
    const line2 = spell('07115');
    const prior: PlatePrior = { province: (c) => (c === 77 ? 2 : c === 11 ? -1 : 0), series: () => 0 };

    it('without a prior the recogniser decides', () => {
      expect(constrainedDecode([line1, line2])?.text).toBe('11L207115');
    });

    it("a site whose plates are mostly 77 turns a close call into 77, in the search and in the ensemble's rescoring", () => {
      expect(constrainedDecode([line1, line2], { sitePrior: prior })?.text).toBe('77L207115');
      expect(ensembleDecode([{ streams: [line1, line2], weight: 1 }, { streams: [line1, line2], weight: 0.5 }], { sitePrior: prior })?.text).toBe('77L207115');
    });

    it('does not overrule a clear read', () => {
      const clear = steps(['1:0.95 7:0.05', '-', '1:0.95 7:0.05', '-', 'L', '-', '2']);
      expect(constrainedDecode([clear, line2], { sitePrior: prior })?.text).toBe('11L207115');
    });

    it('weights the first series letter given the province', () => {
      const letters: PlatePrior = { province: () => 0, series: (c, l) => (c === 77 && l === 'A' ? 1.5 : 0) };
      const sp = steps(['7', '-', '7', '-', 'S:0.55 A:0.45', '-', '1', '-', '2', '-', '2', '-', '2', '-', '5']);
      expect(constrainedDecode([sp])?.text).toBe('77S12225');
      expect(constrainedDecode([sp], { sitePrior: letters })?.text).toBe('77A12225');
      expect(keyPrior(letters, '77A12225')).toBe(1.5);
      expect(keyPrior(letters, 'QA1234')).toBe(0);
    });
  });
});

describe('ensemble rescoring', () => {
  /** A two-line `77-L? 193.27` read by two recognisers (weights 1 and 0.5) that see the series' second character as Z at these probabilities, else 2. */
  const lzExperts = (z1: number, z2: number) => {
    const line1 = (z: number) => steps(['7', '-', '7', '-', 'L', '-', `Z:${z} 2:${(0.98 - z).toFixed(2)}`]);
    const line2 = spell('19327');
    return [
      { streams: [line1(z1), line2], weight: 1 },
      { streams: [line1(z2), line2], weight: 0.5 },
    ];
  };

  it('scores every candidate with the layout prior of the search: 2 or Z after the series letter reads as the common L2', () => {
    // Both recognisers see the second series character as 2 or Z, Z a little stronger: alone, each search ends
    // with L2 only by its layout prior, and the rescoring must weigh the two candidates the same way.
    const experts = lzExperts(0.6, 0.55);
    const r = ensembleDecode(experts);
    expect(r?.text).toBe('77L219327');
    expect(r?.alternatives.map((a) => a.text)).toContain('77LZ19327');
  });

  it("counts the site's series second character: Z far stronger than 2 still reads as L2 where the site's L-plates carry digits", () => {
    // Z so strong that the layout prior alone (−1) leaves LZ ahead; the site has seen L1/L2 and never LZ.
    const experts = lzExperts(0.85, 0.8);
    expect(ensembleDecode(experts)?.text).toBe('77LZ19327');
    const site: PlatePrior = { province: () => 0, series: () => 0, seriesSecond: (_c, f, s, n) => (n === 2 && f === 'L' ? (/\d/.test(s) ? 1.5 : -2) : 0) };
    expect(ensembleDecode(experts, { sitePrior: site })?.text).toBe('77L219327');
    expect(keyPrior(site, '77LZ19327', ['77LZ', '19327'])).toBe(-2);
    expect(keyPrior(site, '77LZ19327')).toBe(0);
  });

  it("reports where the right plate stood, given it: chosen, outscored by the chosen plate, or never proposed", () => {
    const experts = lzExperts(0.85, 0.8);
    const chosen = ensembleDecode(experts, {}, '77LZ19327');
    expect(chosen?.text).toBe('77LZ19327');
    expect(chosen?.truth?.rank).toBe(0);
    expect(chosen?.truth?.gap).toBeCloseTo(0, 6);
    const outscored = ensembleDecode(experts, {}, '77L219327')?.truth;
    expect(outscored?.rank).toBeGreaterThan(0);
    expect(outscored?.gap).toBeGreaterThan(0);
    // A serial digit no recogniser saw: never proposed, and far behind.
    const misread = ensembleDecode(experts, {}, '77L219328')?.truth;
    expect(misread?.rank).toBe(-1);
    expect(misread?.gap).toBeGreaterThan(5);
    expect(ensembleDecode(experts)?.truth).toBeUndefined();
  });

  it("counts the vehicle: a motorbike's series carries a digit or a second letter, a car's does not", () => {
    // `77-AE 096.20` where both recognisers see the A only faintly: without the vehicle the one-letter `77E` wins; on a
    // motorbike (which never carries a one-letter series) the rescoring prefers `77AE`; on a car it stays `77E`.
    const top = steps(['7', '-', '7', '-', 'A:0.3', '-', 'E', '-']);
    const bottom = spell('09620');
    const experts = [
      { streams: [top, bottom], weight: 1 },
      { streams: [top, bottom], weight: 0.5 },
    ];
    expect(ensembleDecode(experts)?.text).toBe('77E09620');
    expect(ensembleDecode(experts, { vehicle: 'motorcycle' })?.text).toBe('77AE09620');
    expect(ensembleDecode(experts, { vehicle: 'car' })?.text).toBe('77E09620');
    // One recogniser (no line model) weighs the vehicle too.
    expect(ensembleDecode(experts.slice(0, 1))?.text).toBe('77E09620');
    expect(ensembleDecode(experts.slice(0, 1), { vehicle: 'motorcycle' })?.text).toBe('77AE09620');
    // A clear read is not overruled: the prior is soft.
    const clear = [
      { streams: [spell('77E'), bottom], weight: 1 },
      { streams: [spell('77E'), bottom], weight: 0.5 },
    ];
    expect(ensembleDecode(clear, { vehicle: 'motorcycle' })?.text).toBe('77E09620');
  });

  it('says when no recogniser could read a plate without being forced into the grammar', () => {
    // The bottom line of a square plate read as a whole plate: `5001` clear, anything else at a trace.
    const serialOnly = steps(['4:0.00005', '-', '0:0.00005', '-', 'Y:0.00005', '-', '5', '-', '0', '-', '0', '-', '1', '-']);
    expect(constrainedDecode([serialOnly])).toBeNull();
    const forced = ensembleDecode([{ streams: [serialOnly], weight: 1 }, { streams: [serialOnly], weight: 0.5 }]);
    expect(forced?.text).toBe('40Y5001');
    expect(forced?.forced).toBe(true);
    expect(ensembleDecode([{ streams: [spell('40Y5001')], weight: 1 }, { streams: [serialOnly], weight: 0.5 }])?.forced).toBe(false);
  });
});
