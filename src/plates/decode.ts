/**
 * Grammar-constrained CTC decoding: a prefix beam search over the per-step probabilities whose prefixes
 * are walked through the plate automaton (grammar.ts). A prefix the grammar cannot continue is never
 * extended, so a digit slot never takes a letter and a letter slot never takes a digit; the result is
 * the most probable plate string (summed over CTC alignments, approximately) that the grammar accepts.
 * Two-line plates are searched in one pass: line 1's steps, a line break the grammar must allow, then
 * line 2's steps.
 */
import { ALPHABET_SIZE, charAt, type StepProbs } from './ctc.js';
import { seriesLayout } from './format.js';
import { automatonFor, maskOf, type Automaton, type Mask, type PlateKind, type ReadMode } from './grammar.js';

export interface DecodeOptions {
  /** Prefixes kept per step. */
  readonly beamWidth?: number;
  /** Characters below this probability at a step are not tried there. */
  readonly minCharProb?: number;
  /** Plate kinds allowed (default all). Military layouts only make sense on red plates. */
  readonly kinds?: readonly PlateKind[];
  /** Grammar mode (default: `two` for two streams, `one` for one); `two-flat` = a two-line plate's lines side by side in one stream. */
  readonly mode?: ReadMode;
  /** What the site's traffic says about province codes and series letters (site-prior.ts); none = uniform. */
  readonly sitePrior?: PlatePrior;
}

/** Log-weights (nats) for the parts of a plate that a site's traffic makes more or less likely. */
export interface PlatePrior {
  /** A province code (the first two digits). */
  province(code: number): number;
  /** The first series letter after province `code`. */
  series(code: number, letter: string): number;
  /**
   * The series' second character (a letter, a digit, or '' for a one-letter series) after province `code` and first
   * letter `first`, on a plate of `lines` lines (optional: counted where the read's lines are known).
   */
  seriesSecond?(code: number, first: string, second: string, lines: number): number;
}

/**
 * The prior's log-weight for a whole key (0 for keys that do not start with a province code); with the read's
 * `lines`, the series' second character counts too.
 */
export function keyPrior(prior: PlatePrior | undefined, key: string, lines?: readonly string[]): number {
  if (!prior || !/^\d\d/.test(key)) return 0;
  const code = Number(key.slice(0, 2));
  const letter = key[2] ?? '';
  const ser = lines && prior.seriesSecond ? seriesLayout(key, lines) : undefined;
  const second = ser ? prior.seriesSecond!(code, ser.first, ser.second, ser.lines) : 0;
  return prior.province(code) + (/[A-Z]/.test(letter) ? prior.series(code, letter) : 0) + second;
}

export interface ConstrainedRead {
  /** Normalised key, e.g. `30A12345`. */
  readonly text: string;
  /** Characters per stream (1 or 2 entries). */
  readonly lines: readonly string[];
  /** log P(text) under the CTC model (+ layout prior). */
  readonly logProb: number;
  /** Posterior of `text` among the grammar-valid strings the search kept (0–1). */
  readonly confidence: number;
  /** Per character: the highest probability the model gave it at a step where it was emitted. */
  readonly charProbs: readonly number[];
  /** The other grammar-valid candidates the search ended with, best first (text and line split). */
  readonly alternatives: readonly { readonly text: string; readonly lines: readonly string[]; readonly score: number }[];
}

interface Beam {
  text: string;
  /** Where stream 1 starts in `text` (= text length while in stream 0). */
  split: number;
  mask: Mask;
  pb: number;
  pnb: number;
  charProbs: number[];
}

function partPrior(prior: PlatePrior, text: string, ch: string): number {
  if (text.length === 1) return prior.province(Number(text + ch));
  return ch >= 'A' && ch <= 'Z' ? prior.series(Number(text), ch) : 0;
}

/** Beams are identified by their text and where line 2 starts (`77L1|2345` ≠ `77L|12345`). */
const keyOf = (text: string, split: number): string => `${split}|${text}`;

/** Decode one stream (a whole plate read as one line) or two (line 1, line 2) under the grammar. */
export function constrainedDecode(streams: readonly StepProbs[], opts: DecodeOptions = {}): ConstrainedRead | null {
  const a = automatonFor(opts.mode ?? (streams.length === 2 ? 'two' : 'one'));
  const width = opts.beamWidth ?? 24;
  const minP = opts.minCharProb ?? 1e-4;
  const start = opts.kinds ? a.start & maskOf((v) => opts.kinds!.includes(v.kind)) : a.start;
  let beams = new Map<string, Beam>([['', { text: '', split: 0, mask: start, pb: 1, pnb: 0, charProbs: [] }]]);
  let logScale = 0;
  for (let s = 0; s < streams.length; s++) {
    if (s > 0) beams = lineBreak(beams, a, s);
    const sp = streams[s]!;
    for (let t = 0; t < sp.steps; t++) {
      const next = stepBeams(beams, sp.probs, t * ALPHABET_SIZE, a, s, minP, s === 0 ? opts.sitePrior : undefined);
      logScale += normalise(next);
      beams = prune(next, width);
    }
  }
  return finish(beams, a, streams.length - 1, logScale);
}

/** Variants whose first two characters are a province code. */
const PROVINCE_MASK: Mask = maskOf((v) => v.province);

function stepBeams(
  beams: Map<string, Beam>,
  probs: Float32Array,
  row: number,
  a: Automaton,
  stream: number,
  minP: number,
  sitePrior?: PlatePrior,
) {
  const next = new Map<string, Beam>();
  const get = (b: Beam, text: string, mask: Mask, charProbs: number[]) => {
    const split = stream === 0 ? text.length : b.split;
    const key = keyOf(text, split);
    let n = next.get(key);
    if (!n) {
      n = { text, split, mask, pb: 0, pnb: 0, charProbs };
      next.set(key, n);
    }
    return n;
  };
  const blank = probs[row]!;
  // The characters worth trying at this step, found once for all beams (most steps of a CTC line are blank).
  const tries: number[] = [];
  for (let j = 1; j < ALPHABET_SIZE; j++) if (probs[row + j]! >= minP) tries.push(j);
  for (const b of beams.values()) {
    const total = b.pb + b.pnb;
    get(b, b.text, b.mask, b.charProbs).pb += total * blank;
    const pos = b.text.length - (stream === 0 ? 0 : b.split);
    const last = pos > 0 ? b.text[b.text.length - 1] : undefined;
    for (const j of tries) {
      const p = probs[row + j]!;
      const ch = charAt(j);
      if (ch === last) {
        // Repeat without a blank between collapses onto the same prefix.
        const same = get(b, b.text, b.mask, b.charProbs);
        same.pnb += b.pnb * p;
        if (p > (same.charProbs[same.charProbs.length - 1] ?? 0)) same.charProbs = [...same.charProbs.slice(0, -1), p];
        if (b.pb === 0) continue;
      }
      const mask = a.step(b.mask, stream, pos, ch, stream === 0 ? (b.text[pos - 1] ?? '') : '');
      if (mask === 0) continue;
      const ext = get(b, b.text + ch, mask, [...b.charProbs, p]);
      // The site prior enters as the second digit completes the province code (pos 1 of line 1) and as the
      // first series letter follows it (pos 2), each once.
      const prior = sitePrior && pos >= 1 && pos <= 2 && mask & PROVINCE_MASK ? Math.exp(partPrior(sitePrior, b.text, ch)) : 1;
      ext.pnb += (ch === last ? b.pb : total) * p * prior;
      if (p > (ext.charProbs[ext.charProbs.length - 1] ?? 0)) ext.charProbs = [...ext.charProbs.slice(0, -1), p];
    }
  }
  return next;
}

function normalise(beams: Map<string, Beam>): number {
  let sum = 0;
  for (const b of beams.values()) sum += b.pb + b.pnb;
  if (sum <= 0) return 0;
  for (const b of beams.values()) {
    b.pb /= sum;
    b.pnb /= sum;
  }
  return Math.log(sum);
}

function prune(beams: Map<string, Beam>, width: number): Map<string, Beam> {
  if (beams.size <= width) return beams;
  const kept = [...beams.values()].sort((x, y) => y.pb + y.pnb - (x.pb + x.pnb)).slice(0, width);
  return new Map(kept.map((b) => [keyOf(b.text, b.split), b]));
}

/** End of stream `s - 1`: keep prefixes that complete line 1 of some variant; line 2 starts fresh. */
function lineBreak(beams: Map<string, Beam>, a: Automaton, s: number): Map<string, Beam> {
  const out = new Map<string, Beam>();
  for (const b of beams.values()) {
    const mask = a.complete(b.mask, s - 1, b.text.length);
    if (mask === 0) continue;
    out.set(keyOf(b.text, b.text.length), { ...b, mask, split: b.text.length, pb: b.pb + b.pnb, pnb: 0 });
  }
  return out;
}

function finish(beams: Map<string, Beam>, a: Automaton, lastStream: number, logScale: number): ConstrainedRead | null {
  const done: { b: Beam; score: number }[] = [];
  for (const b of beams.values()) {
    const len = b.text.length - (lastStream === 0 ? 0 : b.split);
    const mask = a.complete(b.mask, lastStream, len);
    const total = b.pb + b.pnb;
    if (mask === 0 || total <= 0) continue;
    done.push({ b, score: Math.log(total) + a.prior(mask) });
  }
  if (done.length === 0) return null;
  done.sort((x, y) => y.score - x.score);
  const best = done[0]!;
  const z = done.reduce((acc, d) => acc + Math.exp(d.score - best.score), 0);
  const linesOf = (b: Beam) => (lastStream === 0 ? [b.text] : [b.text.slice(0, b.split), b.text.slice(b.split)]);
  const lines = linesOf(best.b);
  return {
    alternatives: done.slice(1).map((d) => ({ text: d.b.text, lines: linesOf(d.b), score: d.score + logScale })),
    text: best.b.text,
    lines,
    logProb: best.score + logScale,
    confidence: 1 / z,
    charProbs: best.b.charProbs,
  };
}
