import { describe, expect, it } from 'vitest';
import { foldPlate, plateDistance } from '../plates/match.js';
import { deletionVariants, fuzzyProbeVariants, trigrams } from './plate-index.js';
import { prng } from './synthetic.js';

/** Every string over `alphabet` of length 1…maxLength. */
function allStrings(alphabet: string, maxLength: number): string[] {
  const out: string[] = [];
  let level = [''];
  for (let n = 1; n <= maxLength; n++) {
    level = level.flatMap((s) => [...alphabet].map((c) => s + c));
    out.push(...level);
  }
  return out;
}

/** Does a fuzzy lookup of `query` reach `key` through the side table (variants of the key)? */
const reaches = (probes: Set<string>, key: string): boolean => deletionVariants(key).some((v) => probes.has(v));

describe('plate index', () => {
  it('stores the folded key with its one-character deletions, and its trigrams', () => {
    expect(deletionVariants('30A12')).toEqual(['30A12', '0A12', '3A12', '3012', '30A2', '30A1']);
    expect(trigrams('30A1212')).toEqual(['30A', '0A1', 'A12', '121', '212']);
  });

  // Folded keys: OCR-equivalent characters are equal there, so plateDistance is the unit OSA distance.
  it.each([1, 2])('reaches every key within folded distance %i (exhaustive over a 3-symbol alphabet)', (k) => {
    const strings = allStrings('01A', 5);
    let pairs = 0;
    for (const q of strings) {
      const probes = new Set(fuzzyProbeVariants(q, k));
      for (const key of strings) {
        if (plateDistance(q, key) > k) continue;
        pairs++;
        if (!reaches(probes, key)) expect.fail(`query ${q} misses ${key} at distance ${plateDistance(q, key)}`);
      }
    }
    expect(pairs).toBeGreaterThan(k === 1 ? 1_000 : 10_000);
  });

  it('reaches keys two random edits away from plate-shaped queries', () => {
    const rnd = prng(7);
    const alphabet = foldPlate('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ');
    const at = (n: number) => Math.floor(rnd() * n);
    const edit = (s: string): string => {
      const i = at(s.length);
      const c = alphabet[at(alphabet.length)]!;
      switch (at(4)) {
        case 0: return s.slice(0, i) + c + s.slice(i + 1);
        case 1: return s.length > 1 ? s.slice(0, i) + s.slice(i + 1) : s;
        case 2: return s.slice(0, i) + c + s.slice(i);
        default: return i + 1 < s.length ? s.slice(0, i) + s[i + 1]! + s[i]! + s.slice(i + 2) : s;
      }
    };
    for (let t = 0; t < 300; t++) {
      const q = foldPlate(`${10 + at(90)}${alphabet[10 + at(18)]!}${String(at(100_000)).padStart(5, '0')}`.slice(0, 7 + at(3)));
      const probes = new Set(fuzzyProbeVariants(q, 2));
      for (let e = 0; e < 20; e++) {
        const key = edit(edit(q));
        expect(reaches(probes, key), `${q} → ${key}`).toBe(true);
      }
    }
  });

  it('keeps a distance-2 lookup to about 1 600 probes for a 9-character plate', () => {
    expect(fuzzyProbeVariants('308112345', 1)).toHaveLength(9); // '11' deletes to one string
    const n = fuzzyProbeVariants('308112345', 2).length;
    expect(n).toBeGreaterThan(1_000);
    expect(n).toBeLessThan(1_700);
  });
});
