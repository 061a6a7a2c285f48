/**
 * The Vietnamese plate grammar as a small automaton the CTC search walks.
 *
 * Sources: Circular 24/2023/TT-BCA and 79/2024/TT-BCA (civil plates, appendix of province codes),
 * Circular 69/2024/TT-BQP (military plates). A plate is one of a few layouts, each a sequence of
 * character slots per printed line:
 *  - civil, one line (cars): province (2 digits) · series (1–2 letters, or the specials NG/NN/QT…) ·
 *    serial of 4 (old) or 5 digits: `30A-1234`, `30A-123.45`, `51LD-123.45`, `80NG-123.45`;
 *  - civil, two lines (motorbikes, square car plates): line 1 province + series (a letter, two letters,
 *    or a letter and a digit: `29-B1`, `29-AB`, `77A`), line 2 the serial;
 *  - military (red plates), one or two lines: a two-letter unit code (first letter a branch code) and
 *    4 digits: `QA-12-34`.
 * Layouts are expanded to fixed-length variants (≤ 31, one bit each), so the automaton state is a bit
 * mask of the variants still consistent with the prefix, plus the position in the current line.
 */

import { PROVINCE_CODES } from '../core/plate.js';

export { PROVINCE_CODES };

/** Letters used in civil series (no I, J, O, Q, W: they read as digits or are not issued; R = trailers). */
export const SERIES_LETTERS = 'ABCDEFGHKLMNPRSTUVXYZ';
/** Special two-letter series not made of SERIES_LETTERS alone (QT = international organisations). */
export const SPECIAL_SERIES: readonly string[] = ['QT'];
/** First letter of military unit codes (A army corps, B arms, H academies, K military regions, P departments, Q services, T general departments, D economic, N, V, C). */
export const MILITARY_FIRST = 'ABCDHKNPQTV';
export const MILITARY_SECOND = 'ABCDEFGHKLMNPQSTUVXYZ';

export type PlateKind = 'civil' | 'military';

export interface Variant {
  readonly id: number;
  readonly kind: PlateKind;
  /** Allowed characters per slot, per printed line. */
  readonly lines: readonly (readonly string[])[];
  /** True when the first two slots are a province code (checked against PROVINCE_CODES). */
  readonly province: boolean;
  /** Log prior of the layout (small: the image decides). */
  readonly logPrior: number;
}

const DIGITS = '0123456789';
/** Log prior of a two-letter series on a two-line plate (see build()). */
const TWO_LETTER_PRIOR = Number(process.env.ARGUS_PLATE_LL_PRIOR ?? -1);
/**
 * Log prior of a letter pair outside KNOWN_CAR_SERIES on a one-line plate: rarer there than on a two-line plate (new
 * motorbike series such as `77-AF` are real; on cars the issued pairs are the known ones), mostly a misread digit
 * (`29AZ-8057` for `29A-780.57`). Measured with `argus plates eval`, −1 / −2 / −3: bkav 95 / 96 / 96 of 106 (every
 * miss left is a wrong label), CCTV 130 and vitocolerole 89 with the same reads.
 */
const ONE_LINE_PAIR_PRIOR = Number(process.env.ARGUS_PLATE_LL1_PRIOR ?? -2);
const NZ = '123456789';
/**
 * Two-letter series issued on one-line car plates (Circular 24/2023/TT-BCA art. 37): LD foreign-invested
 * firms, KT economic zones, NG/NN/CV/NT diplomatic and foreign staff, HC restricted use, TD test plates.
 * Other letter pairs are possible but rare: on a one-line plate they are mostly a misread digit (`7` → `Z`).
 */
export const KNOWN_CAR_SERIES: readonly string[] = ['LD', 'KT', 'NG', 'NN', 'CV', 'NT', 'HC', 'TD'];
/** Slot sets covering KNOWN_CAR_SERIES (a variant per pair would overflow the 31-variant mask; a few extra pairs slip in). */
const KNOWN_FIRST = [...new Set(KNOWN_CAR_SERIES.map((p) => p[0]!))].join('');
const KNOWN_SECOND = [...new Set(KNOWN_CAR_SERIES.map((p) => p[1]!))].join('');

function build(): Variant[] {
  const out: Variant[] = [];
  const add = (kind: PlateKind, lines: string[][], province: boolean, logPrior = 0) =>
    out.push({ id: out.length, kind, lines, province, logPrior });
  const serials = [4, 5].map((n) => Array<string>(n).fill(DIGITS));
  const prov = [NZ, DIGITS];
  const special = SPECIAL_SERIES.map((x) => [...x]);
  const series1 = [[SERIES_LETTERS], [SERIES_LETTERS, SERIES_LETTERS], ...special];
  for (const s of serials) {
    for (const ser of series1) add('civil', [[...prov, ...ser, ...s]], true, ser.length === 2 && ser[1] === SERIES_LETTERS ? ONE_LINE_PAIR_PRIOR : 0);
    add('civil', [[...prov, KNOWN_FIRST, KNOWN_SECOND, ...s]], true);
    // Two-line plates: a letter+digit series (`29-B1`) is the common motorbike form; two letters (`29-AB`,
    // newer) are rarer and, on small crops, mostly a misread digit (`P1` → `PT`): a small prior says so.
    for (const ser of [...series1, [SERIES_LETTERS, DIGITS]]) add('civil', [[...prov, ...ser], s], true, ser.length === 2 && ser[1] === SERIES_LETTERS ? TWO_LETTER_PRIOR : 0);
  }
  const mil = [MILITARY_FIRST, MILITARY_SECOND];
  const s4 = serials[0]!;
  add('military', [[...mil, ...s4]], false, -6);
  add('military', [mil, s4], false, -6);
  return out;
}

export const VARIANTS: readonly Variant[] = build();

/** Bit mask of a set of variants (≤ 31 variants: fits a small integer). */
export type Mask = number;

export function maskOf(pred: (v: Variant) => boolean): Mask {
  return VARIANTS.reduce((m, v) => (pred(v) ? m | (1 << v.id) : m), 0);
}

/**
 * The automaton for one reading mode: `one` = one-line layouts read as one stream; `two` = two-line
 * layouts whose lines were recognised separately (the search knows where line 1 ends); `flat` = every
 * layout, its lines concatenated into one stream (validating keys).
 */
export type ReadMode = 'one' | 'two' | 'flat' | 'two-flat';

export interface Automaton {
  readonly start: Mask;
  /** Number of streams (1 or 2) the search walks through. */
  readonly streams: number;
  /** Variants still possible after reading `ch` at `pos` of stream `stream`, from `mask`. `prev` = previous char in stream 0 (province check). */
  step(mask: Mask, stream: number, pos: number, ch: string, prev: string): Mask;
  /** Variants of `mask` whose stream `stream` is complete at length `len`. */
  complete(mask: Mask, stream: number, len: number): Mask;
  /** Best log prior among the variants of `mask`. */
  prior(mask: Mask): number;
}

export function createAutomaton(mode: ReadMode): Automaton {
  const usable = mode === 'flat' ? VARIANTS : VARIANTS.filter((v) => v.lines.length === (mode === 'one' ? 1 : 2));
  const streamsOf = (v: Variant) => (mode === 'flat' || mode === 'two-flat' ? [v.lines.flat()] : v.lines);
  const streams = mode === 'two' ? 2 : 1;
  const maxLen = 12;
  // accept[stream][pos][char] = mask of variants accepting `char` there.
  const accept = Array.from({ length: streams }, () => Array.from({ length: maxLen }, () => new Map<string, number>()));
  const lenMask = Array.from({ length: streams }, () => new Map<number, number>());
  let start = 0;
  const provinceMask = maskOf((v) => v.province);
  for (const v of usable) {
    const bit = 1 << v.id;
    start |= bit;
    streamsOf(v).forEach((slots, s) => {
      slots.forEach((set, pos) => {
        for (const c of set) accept[s]![pos]!.set(c, (accept[s]![pos]!.get(c) ?? 0) | bit);
      });
      lenMask[s]!.set(slots.length, (lenMask[s]!.get(slots.length) ?? 0) | bit);
    });
  }
  return {
    start,
    streams,
    step(mask, stream, pos, ch, prev) {
      let m = mask & (accept[stream]?.[pos]?.get(ch) ?? 0);
      if (stream === 0 && pos === 1 && m & provinceMask && !PROVINCE_CODES.has(Number(prev + ch))) m &= ~provinceMask;
      return m;
    },
    complete(mask, stream, len) {
      return mask & (lenMask[stream]?.get(len) ?? 0);
    },
    prior(mask) {
      let best = -Infinity;
      for (const v of VARIANTS) if (mask & (1 << v.id) && v.logPrior > best) best = v.logPrior;
      return best;
    },
  };
}

/**
 * The automaton of a reading mode, built once per mode: automata are immutable, and building one per key cost
 * ~0.2 ms (2 s on a 10 000-plate import).
 */
const automata = new Map<ReadMode, Automaton>();
export function automatonFor(mode: ReadMode): Automaton {
  let a = automata.get(mode);
  if (!a) {
    a = createAutomaton(mode);
    automata.set(mode, a);
  }
  return a;
}

const CIVIL_MASK: Mask = maskOf((v) => v.kind === 'civil');

/**
 * The layout prior of a civil plate read line by line: the best `logPrior` of the civil variants its lines fit (the
 * two-letter series' TWO_LETTER_PRIOR or ONE_LINE_PAIR_PRIOR, else 0; -Infinity if they fit no layout), what the decoder's search adds to such a plate's score, for scoring a
 * plate found by another search. 0 for military plates: the search's -6 keeps misread province codes from turning
 * into letters; a military plate that reaches the rescoring was proposed on a red plate, which is evidence enough.
 */
export function layoutPrior(lines: readonly string[]): number {
  const a = automatonFor(lines.length === 2 ? 'two' : 'one');
  let m = a.start;
  lines.forEach((line, s) => {
    for (let i = 0; i < line.length && m; i++) m = a.step(m, s, i, line[i]!, line[i - 1] ?? '');
    m = a.complete(m, s, line.length);
  });
  if (m === 0) return -Infinity;
  const civil = m & CIVIL_MASK;
  return civil === 0 ? 0 : a.prior(civil);
}

/** Does a normalised key (`30A12345`) fit the grammar in some layout? */
export function isValidPlateKey(key: string): boolean {
  const a = automatonFor('flat');
  let m = a.start;
  for (let i = 0; i < key.length && m; i++) m = a.step(m, 0, i, key[i]!, key[i - 1] ?? '');
  return a.complete(m, 0, key.length) !== 0;
}

/** The variants a complete key fits (one-stream reading). */
export function variantsOf(key: string): Variant[] {
  const a = automatonFor('flat');
  let m = a.start;
  for (let i = 0; i < key.length && m; i++) m = a.step(m, 0, i, key[i]!, key[i - 1] ?? '');
  m = a.complete(m, 0, key.length);
  return VARIANTS.filter((v) => m & (1 << v.id));
}
