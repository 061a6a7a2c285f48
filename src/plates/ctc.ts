/** The plate alphabet and CTC basics shared by the recogniser and the decoders. */

/** Characters a Vietnamese plate is made of (separators are layout, not characters). */
export const PLATE_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const ALPHABET_SIZE = PLATE_ALPHABET.length + 1; // + blank at index 0

/** Per-timestep probabilities: `steps` rows of ALPHABET_SIZE (blank first, then PLATE_ALPHABET). */
export interface StepProbs {
  readonly steps: number;
  readonly probs: Float32Array;
}

export const charAt = (index: number): string => PLATE_ALPHABET[index - 1] ?? '';

/** Best-path (greedy) CTC decoding: argmax per step, collapse repeats, drop blanks. For comparison only. */
export function greedyDecode(sp: StepProbs): string {
  let out = '';
  let prev = 0;
  for (let t = 0; t < sp.steps; t++) {
    let best = 0;
    let bestP = -1;
    for (let j = 0; j < ALPHABET_SIZE; j++) {
      const p = sp.probs[t * ALPHABET_SIZE + j]!;
      if (p > bestP) {
        bestP = p;
        best = j;
      }
    }
    if (best !== 0 && best !== prev) out += charAt(best);
    prev = best;
  }
  return out;
}

/**
 * log P(text | step probabilities) summed over all CTC alignments (the forward algorithm).
 * Used to rescore candidate plates under several recognisers.
 */
export function ctcLogProb(sp: StepProbs, text: string): number {
  const labels = [...text].map((c) => PLATE_ALPHABET.indexOf(c) + 1);
  if (labels.some((l) => l <= 0)) return -Infinity;
  const s = 2 * labels.length + 1;
  if (sp.steps === 0) return labels.length === 0 ? 0 : -Infinity;
  let alpha = new Float64Array(s);
  const at = (t: number, k: number) => sp.probs[t * ALPHABET_SIZE + k]!;
  const sym = (i: number) => (i % 2 === 0 ? 0 : labels[(i - 1) / 2]!);
  alpha[0] = at(0, 0);
  if (s > 1) alpha[1] = at(0, sym(1));
  let logScale = 0;
  for (let t = 1; t < sp.steps; t++) {
    const next = new Float64Array(s);
    for (let i = 0; i < s; i++) {
      let a = alpha[i]!;
      if (i > 0) a += alpha[i - 1]!;
      if (i > 1 && i % 2 === 1 && sym(i) !== sym(i - 2)) a += alpha[i - 2]!;
      next[i] = a * at(t, sym(i));
    }
    let sum = 0;
    for (let i = 0; i < s; i++) sum += next[i]!;
    if (sum <= 0) return -Infinity;
    for (let i = 0; i < s; i++) next[i]! /= sum;
    logScale += Math.log(sum);
    alpha = next;
  }
  const end = alpha[s - 1]! + (s > 1 ? alpha[s - 2]! : 0);
  return end > 0 ? Math.log(end) + logScale : -Infinity;
}
