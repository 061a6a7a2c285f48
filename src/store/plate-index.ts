/**
 * Search-side keys of a plate (see docs/adr/0002-plate-search.md):
 * - deletion variants of the folded key (the key itself and every one-character deletion): keys within
 *   edit distance 1 (Levenshtein or adjacent swap, equivalent characters free) always share one (sets
 *   that meet only bound the distance by 2, so candidates are verified); distance 2 by applying to the
 *   query first the edits that the key side cannot absorb (see fuzzyProbeVariants);
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

/**
 * Variant strings to look up for a fuzzy query at folded edit distance ≤ maxDistance (1 or 2).
 *
 * The side table holds V(key) = {key} ∪ one-character deletions of key. Distance 1: V(query). Distance
 * 2: in an optimal alignment of query and key (OSA: substitution S, insertion I, deletion D, adjacent
 * swap T, at disjoint places) the key may lose at most one character, so whatever needs a second one
 * is applied to the query literally first:
 * - two deletions of the query (covers one edit, and D with anything): ≤ 1 + n + n(n−1)/2 strings;
 * - every substitution (S, S+I) and every insertion (I, I+I) of the query: ~28(2n+1);
 * - every adjacent swap, alone (T, T+I) and less one character (T+S, T+T, T+D): ~n²;
 * - S+S at i < j: substitute at i, delete at j (the key deletes at j): 27·n(n−1)/2.
 * About 1 600 probes for a 9-character plate instead of ~3 800 for "one edit, then V()", and fewer
 * false candidates (that expansion also meets keys at distance 3). plate-index.test.ts checks the
 * cover against brute force.
 */
export function fuzzyProbeVariants(folded: string, maxDistance: number): string[] {
  if (maxDistance <= 1) return deletionVariants(folded);
  const out = new Set<string>();
  const n = folded.length;
  for (const d1 of deletionVariants(folded)) for (const d2 of deletionVariants(d1)) out.add(d2);
  for (let i = 0; i <= n; i++) {
    const head = folded.slice(0, i);
    const tail = folded.slice(i);
    for (const c of FOLDED_ALPHABET) {
      out.add(head + c + tail);
      if (i === n || c === folded[i]) continue;
      const substituted = head + c + tail.slice(1);
      out.add(substituted);
      for (let j = i + 1; j < n; j++) out.add(substituted.slice(0, j) + substituted.slice(j + 1));
    }
    if (i + 1 < n) for (const v of deletionVariants(head + tail[1]! + tail[0]! + tail.slice(2))) out.add(v);
  }
  return [...out];
}
