/**
 * Search-side keys of a plate (see docs/adr/0002-plate-search.md):
 * - deletion variants of the folded key (the key itself and every one-character deletion): two keys
 *   are within edit distance 1 (Levenshtein or adjacent swap, equivalent characters free) exactly when
 *   their variant sets meet; distance 2 by expanding the query by one edit first;
 * - trigrams of the folded key, for wildcard patterns without a literal prefix.
 */
import { foldPlate } from '../plates/match.js';

/** Folded-key alphabet: digits and the letters that are no OCR-equivalent of a digit. */
const FOLDED_ALPHABET = [...new Set(foldPlate('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'))].join('');

export function deletionVariants(folded: string): string[] {
  const out = new Set<string>([folded]);
  for (let i = 0; i < folded.length; i++) out.add(folded.slice(0, i) + folded.slice(i + 1));
  return [...out];
}

export function trigrams(folded: string): string[] {
  const out = new Set<string>();
  for (let i = 0; i + 3 <= folded.length; i++) out.add(folded.slice(i, i + 3));
  return [...out];
}

/** Every string at edit distance ≤ 1 from `s` over the folded alphabet (s included). */
export function editNeighbourhood(s: string): string[] {
  const out = new Set<string>([s]);
  for (let i = 0; i <= s.length; i++) {
    const head = s.slice(0, i);
    const tail = s.slice(i);
    for (const c of FOLDED_ALPHABET) {
      out.add(head + c + tail);
      if (i < s.length) out.add(head + c + tail.slice(1));
    }
    if (i < s.length) out.add(head + tail.slice(1));
    if (i + 1 < s.length) out.add(head + tail[1]! + tail[0]! + tail.slice(2));
  }
  return [...out];
}

/** Variant strings to look up for a fuzzy query at folded edit distance ≤ maxDistance (1 or 2). */
export function fuzzyProbeVariants(folded: string, maxDistance: number): string[] {
  if (maxDistance <= 1) return deletionVariants(folded);
  const out = new Set<string>();
  for (const n of editNeighbourhood(folded)) for (const v of deletionVariants(n)) if (v.length > 0) out.add(v);
  return [...out];
}
