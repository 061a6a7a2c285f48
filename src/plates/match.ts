/**
 * Plate matching primitive for watch lists and search (pure).
 *
 * Keys are normalised plates, `[0-9A-Z]` only (`30A12345`, `29B112345`). A query may carry separators
 * (`-`, `.`, space: ignored) and wildcards (`*` any run, `?` exactly one character). OCR-equivalence
 * classes (0/O/D/Q, 8/B, 5/S, 2/Z, 1/I, 6/G) are folded to one representative (the digit).
 *
 * Ranking: exact > equivalent > prefix > wildcard > fuzzy (by distance).
 */
import { ArgusError } from '../core/errors.js';
import type { PLATE_MATCH_KINDS, PLATE_MATCH_MODES } from '../core/plate.js';

export type PlateMatchMode = (typeof PLATE_MATCH_MODES)[number];
export type PlateMatchKind = (typeof PLATE_MATCH_KINDS)[number];

export interface PlateQuery {
  /** The text as given. */
  readonly text: string;
  /** Upper-cased, separators removed, `[0-9A-Z*?]` only. */
  readonly pattern: string;
  /** `pattern` with every OCR-equivalence class folded to its representative (wildcards kept). */
  readonly folded: string;
  /** True when the pattern carries `*` or `?`. */
  readonly hasWildcards: boolean;
  /** The literal characters before the first wildcard (the whole pattern when there is none). */
  readonly literalPrefix: string;
  /** Maximal runs of literal characters, in order. */
  readonly literalRuns: readonly string[];
}

export interface PlateMatch {
  readonly match: boolean;
  /** 0 (no match) … 1 (exact). Higher ranks first. */
  readonly score: number;
  /** Weighted edit distance between query and key (0 for exact/prefix/wildcard hits). */
  readonly distance: number;
  readonly kind: PlateMatchKind;
}

export interface MatchOptions {
  /** Default: `wildcard` when the query has wildcards, otherwise `exact`. */
  readonly mode?: PlateMatchMode;
  /** Fuzzy mode: the largest distance accepted (default 1). */
  readonly maxDistance?: number;
}

/** Cost of substituting one character by an OCR-equivalent one (e.g. `0`↔`O`). Other edits cost 1. */
export const EQUIVALENT_SUBSTITUTION_COST = 0.25;

export const SCORE = { exact: 1, equivalent: 0.9, prefix: 0.8, prefixEquivalent: 0.75, wildcard: 0.7, wildcardEquivalent: 0.65, fuzzyBase: 0.5 } as const;

const FOLD: Readonly<Record<string, string>> = { O: '0', D: '0', Q: '0', B: '8', S: '5', Z: '2', I: '1', G: '6' };

/** Map each OCR-equivalence class to its representative digit; other characters unchanged. */
export function foldPlate(s: string): string {
  let out = '';
  for (const ch of s) out += FOLD[ch] ?? ch;
  return out;
}

/** Upper-case, Đ→D, drop separators (`-`, `.`, space, `/`, `_`). Keeps `*` and `?`. */
export function normalizePlateText(text: string): string {
  return text
    .toUpperCase()
    .replace(/Đ/g, 'D')
    .replace(/[-.\s/_]/g, '');
}

/** A normalised key (`[0-9A-Z]`, 1–16 chars) or `null` when the text is not one. */
export function toPlateKey(text: string): string | null {
  const k = normalizePlateText(text);
  return /^[0-9A-Z]{1,16}$/.test(k) ? k : null;
}

export function parsePlateQuery(text: string): PlateQuery {
  const pattern = normalizePlateText(text).replace(/\*+/g, '*');
  if (pattern.length === 0 || pattern.length > 24) {
    throw new ArgusError('invalid_argument', `plate query must have 1–24 plate characters, got ${JSON.stringify(text)}`);
  }
  if (!/^[0-9A-Z*?]+$/.test(pattern)) {
    throw new ArgusError('invalid_argument', `plate query may contain only 0-9, A-Z, '*', '?' and separators: ${JSON.stringify(text)}`);
  }
  const hasWildcards = /[*?]/.test(pattern);
  const firstWild = pattern.search(/[*?]/);
  return {
    text,
    pattern,
    folded: foldPlate(pattern),
    hasWildcards,
    literalPrefix: firstWild < 0 ? pattern : pattern.slice(0, firstWild),
    literalRuns: pattern.split(/[*?]+/).filter((r) => r.length > 0),
  };
}

/** Glob match of a `[0-9A-Z*?]` pattern against a key (whole key). */
export function globMatch(pattern: string, key: string): boolean {
  // Iterative glob with backtracking on the last `*`: linear-ish, no regex construction.
  let p = 0;
  let k = 0;
  let star = -1;
  let mark = 0;
  while (k < key.length) {
    const pc = pattern[p];
    if (pc === '?' || (pc !== undefined && pc !== '*' && pc === key[k])) {
      p++;
      k++;
    } else if (pc === '*') {
      star = p++;
      mark = k;
    } else if (star >= 0) {
      p = star + 1;
      k = ++mark;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

/**
 * Weighted optimal-string-alignment (restricted Damerau–Levenshtein) distance: insert, delete,
 * substitute and swap two adjacent characters cost 1; a substitution within one OCR-equivalence class
 * costs {@link EQUIVALENT_SUBSTITUTION_COST}.
 */
export function plateDistance(a: string, b: string): number {
  const n = a.length;
  const m = b.length;
  const w = m + 1;
  const d = new Float64Array((n + 1) * w);
  for (let i = 0; i <= n; i++) d[i * w] = i;
  for (let j = 0; j <= m; j++) d[j] = j;
  for (let i = 1; i <= n; i++) {
    const ai = a[i - 1]!;
    for (let j = 1; j <= m; j++) {
      const bj = b[j - 1]!;
      const sub = ai === bj ? 0 : (FOLD[ai] ?? ai) === (FOLD[bj] ?? bj) ? EQUIVALENT_SUBSTITUTION_COST : 1;
      let v = Math.min(d[(i - 1) * w + j]! + 1, d[i * w + j - 1]! + 1, d[(i - 1) * w + j - 1]! + sub);
      if (i > 1 && j > 1 && ai === b[j - 2] && a[i - 2] === bj) v = Math.min(v, d[(i - 2) * w + j - 2]! + 1);
      d[i * w + j] = v;
    }
  }
  return d[n * w + m]!;
}

const NO_MATCH: PlateMatch = { match: false, score: 0, distance: Number.POSITIVE_INFINITY, kind: 'none' };
const hit = (kind: PlateMatchKind, score: number, distance: number): PlateMatch => ({ match: true, score, distance, kind });

/** Does `key` (a normalised plate) match the query, and how well? */
export function matchPlate(query: PlateQuery | string, key: string, options: MatchOptions = {}): PlateMatch {
  const q = typeof query === 'string' ? parsePlateQuery(query) : query;
  const mode = options.mode ?? (q.hasWildcards ? 'wildcard' : 'exact');
  if (!q.hasWildcards) {
    if (key === q.pattern) return hit('exact', SCORE.exact, 0);
    const foldedKey = foldPlate(key);
    if (foldedKey === q.folded) return hit('equivalent', SCORE.equivalent, plateDistance(q.pattern, key));
    if (mode === 'prefix') {
      if (key.startsWith(q.pattern)) return hit('prefix', SCORE.prefix, 0);
      if (foldedKey.startsWith(q.folded)) return hit('prefix', SCORE.prefixEquivalent, 0);
      return NO_MATCH;
    }
    if (mode === 'fuzzy') {
      const maxDistance = options.maxDistance ?? 1;
      const distance = plateDistance(q.pattern, key);
      if (distance <= maxDistance) return hit('fuzzy', Math.max(0.01, SCORE.fuzzyBase - 0.1 * distance), distance);
    }
    return NO_MATCH;
  }
  if (mode === 'exact' || mode === 'fuzzy') {
    throw new ArgusError('invalid_argument', `wildcards are allowed only in wildcard or prefix mode: ${JSON.stringify(q.text)}`);
  }
  const tail = mode === 'prefix' ? '*' : '';
  if (globMatch(q.pattern + tail, key)) return hit('wildcard', SCORE.wildcard, 0);
  if (globMatch(q.folded + tail, foldPlate(key))) return hit('wildcard', SCORE.wildcardEquivalent, 0);
  return NO_MATCH;
}

/** Rank keys against a query: matches only, best first (score, then distance, then key). */
export function rankPlates(query: PlateQuery | string, keys: Iterable<string>, options: MatchOptions = {}): Array<PlateMatch & { key: string }> {
  const q = typeof query === 'string' ? parsePlateQuery(query) : query;
  const out: Array<PlateMatch & { key: string }> = [];
  for (const key of keys) {
    const m = matchPlate(q, key, options);
    if (m.match) out.push({ ...m, key });
  }
  return out.sort((a, b) => b.score - a.score || a.distance - b.distance || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
