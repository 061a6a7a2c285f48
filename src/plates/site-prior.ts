/**
 * What a site's traffic says about its plates. A camera in Quy Nhơn sees mostly Bình Định plates (77), one
 * in Hà Nội mostly 29/30: the province code is far from uniform, and on a tiny CCTV crop the two digits of
 * the province are the hardest to read (the top line of a motorbike plate is ~10 px high). The site prior
 * learns the province mix from the reader's own confident reads (no labels, no configuration) and gives
 * the decoder a bounded log-weight per province code; a deployment may seed it with its home provinces.
 *
 * The same holds, more weakly, for the first series letter given the province (a district's motorbikes
 * are mostly `77-L1`/`77-L2`, its cars `77A`): a second, smaller prior, smoothed towards uniform letters.
 * And for the series' second character given the first letter and the plate's number of lines: at a site whose
 * two-line `77-L…` plates are `L1`/`L2`, a read `77-LZ` is mostly a tiny `2` taken for a `Z` (the small line model's
 * commonest slip), and `77-L` a `77-L2` whose digit was lost. Seen seldom, it leans on the site's mix for that number
 * of lines (two-line plates mostly carry a letter and a digit), then on uniform.
 *
 * It forgets slowly (exponential decay), so it follows a changing mix and its memory is fixed (≤ 81 codes).
 * A reader starts with no opinion (weight 0 for every code) and takes `warmUp` confident reads before the
 * prior counts for anything, unless it is given the site's earlier reads (`history`: the service's stored
 * sightings), which it learns first.
 */
import type { PlatePrior } from './decode.js';
import { seriesLayout } from './format.js';
import { PROVINCE_CODES, SERIES_LETTERS } from './grammar.js';

export interface SitePriorOptions {
  /** Scale of the log-prior against the recognisers' log-probabilities (default 1.5: measured best of 1–3 on the CCTV crops). */
  readonly weight?: number;
  /** Reads at or above this confidence teach the prior (default 0.6). */
  readonly minConfidence?: number;
  /** Pseudo-count spread uniformly over all province codes (Dirichlet smoothing; default 20). */
  readonly smoothing?: number;
  /** Most a code is pushed down or up, in nats, before `weight` (default −2 … +4). */
  readonly floor?: number;
  readonly ceiling?: number;
  /** Effective memory in reads: each observation decays the others by 1 − 1/memory (default 5 000). */
  readonly memory?: number;
  /** Confident reads needed before the prior says anything (default 20). */
  readonly warmUp?: number;
  /** Scale of the series-letter prior (default 0.5; 0 = off), its smoothing pseudo-count (default 10) and clip. */
  readonly seriesWeight?: number;
  readonly seriesSmoothing?: number;
  /**
   * Scale of the prior for the series' second character given the province, the first letter and the plate's number
   * of lines (default 1; 0 = off), smoothed (seriesSmoothing) towards the site's mix for that number of lines, and
   * that towards uniform. Measured on the CCTV crops: 0 / 0.5 / 1 / 1.5 / 2 read 123 / 125 / 128 / 128 / 128 of 231.
   */
  readonly secondWeight?: number;
  /** Prior counts, e.g. `{ 77: 50 }` for a site in Bình Định (configuration, optional). */
  readonly seed?: Readonly<Record<number, number>>;
  /**
   * The site's earlier reads, oldest first, learnt before the first new read as if just read (the service passes
   * its stored sightings): a reader started again after a restart or a crash starts with the prior it had.
   */
  readonly history?: readonly PlateHistoryEntry[];
}

/** One earlier read of the site (a stored sighting): its key and confidence. */
export interface PlateHistoryEntry {
  readonly key: string;
  readonly confidence: number;
}

export interface SitePrior extends PlatePrior {
  /** Log-weight (nats) for a plate whose province code is `code`; 0 = no opinion. */
  province(code: number): number;
  /** Log-weight (nats) for series letter `letter` after province `code`; 0 = no opinion. */
  series(code: number, letter: string): number;
  /** Log-weight (nats) for the series' second character `second` ('' = none) after `code` and `first`, on a plate of `lines` lines. */
  seriesSecond(code: number, first: string, second: string, lines: number): number;
  /** Learn from a read's key, confidence and lines (only confident, province-coded keys count; lines tell a series' layout). */
  observe(key: string, confidence: number, lines?: readonly string[]): void;
  /** Current share of each code seen, most common first (for diagnostics and the admin page). */
  shares(): { code: number; share: number }[];
}

const CODES = PROVINCE_CODES.size;

/** Pseudo-reads a configured home province (`site.provinces`) starts with: a warm prior, still overruled by traffic. */
export const HOME_PROVINCE_SEED = 50;

/** Seed for createSitePrior from the site's configured home provinces. */
export const homeProvinceSeed = (codes: readonly number[] = []): Record<number, number> =>
  Object.fromEntries(codes.map((c) => [c, HOME_PROVINCE_SEED / codes.length]));
const LETTERS = SERIES_LETTERS.length;
/** What can follow a series' first letter: a letter, a digit, or nothing. */
const SECONDS = SERIES_LETTERS.length + 10 + 1;

export function createSitePrior(opts: SitePriorOptions = {}): SitePrior {
  const weight = opts.weight ?? 1.5;
  const minConfidence = opts.minConfidence ?? 0.6;
  const alpha = opts.smoothing ?? 20;
  const floor = opts.floor ?? -2;
  const ceiling = opts.ceiling ?? 4;
  const keep = 1 - 1 / (opts.memory ?? 5000);
  const warmUp = opts.warmUp ?? 20;
  const seriesWeight = opts.seriesWeight ?? 0.5;
  const beta = opts.seriesSmoothing ?? 10;
  const counts = new Map<number, number>();
  /** Per province code: decayed count of each first series letter. */
  const letters = new Map<number, Map<string, number>>();
  /** Per number of lines, province code and first letter (`277L`): decayed count of each series second character ('' = none). */
  /** The same per number of lines alone (`2`): the back-off for a province and first letter seen seldom. */
  const seconds = new Map<string, Map<string, number>>();
  const secondWeight = opts.secondWeight ?? 1;
  let total = 0;
  let seen = 0;
  for (const [code, n] of Object.entries(opts.seed ?? {})) {
    const c = Number(code);
    if (!PROVINCE_CODES.has(c) || !(n > 0)) continue;
    counts.set(c, (counts.get(c) ?? 0) + n);
    total += n;
    seen += n;
  }
  const prior: SitePrior = {
    province(code) {
      if (seen < warmUp || !PROVINCE_CODES.has(code)) return 0;
      // Smoothed share against the uniform share 1/CODES: log(q · CODES), clipped.
      const q = ((counts.get(code) ?? 0) + alpha / CODES) / (total + alpha);
      return weight * Math.min(ceiling, Math.max(floor, Math.log(q * CODES)));
    },
    series(code, letter) {
      if (seriesWeight === 0 || seen < warmUp) return 0;
      const byLetter = letters.get(code);
      if (!byLetter) return 0;
      const n = counts.get(code) ?? 0;
      const q = ((byLetter.get(letter) ?? 0) + beta / LETTERS) / (n + beta);
      return seriesWeight * Math.min(ceiling, Math.max(floor, Math.log(q * LETTERS)));
    },
    seriesSecond(code, first, second, lines) {
      if (secondWeight === 0 || seen < warmUp) return 0;
      const pooled = seconds.get(`${lines}`);
      if (!pooled) return 0;
      const q = smoothed(seconds.get(`${lines}${code}${first}`), smoothed(pooled, () => 1 / SECONDS))(second);
      return secondWeight * Math.min(ceiling, Math.max(floor, Math.log(q * SECONDS)));
    },
    observe(key, confidence, lines) {
      if (!(confidence >= minConfidence) || !/^\d\d/.test(key)) return;
      const code = Number(key.slice(0, 2));
      if (!PROVINCE_CODES.has(code)) return;
      for (const [c, n] of counts) counts.set(c, n * keep);
      for (const byLetter of letters.values()) for (const [l, n] of byLetter) byLetter.set(l, n * keep);
      for (const bySecond of seconds.values()) for (const [l, n] of bySecond) bySecond.set(l, n * keep);
      const ser = seriesLayout(key, lines);
      if (ser) {
        for (const k of [`${ser.lines}`, `${ser.lines}${code}${ser.first}`]) {
          let bySecond = seconds.get(k);
          if (!bySecond) seconds.set(k, (bySecond = new Map()));
          bySecond.set(ser.second, (bySecond.get(ser.second) ?? 0) + 1);
        }
      }
      total = total * keep + 1;
      counts.set(code, (counts.get(code) ?? 0) + 1);
      const letter = key[2] ?? '';
      if (SERIES_LETTERS.includes(letter) && letter !== '') {
        let byLetter = letters.get(code);
        if (!byLetter) letters.set(code, (byLetter = new Map()));
        byLetter.set(letter, (byLetter.get(letter) ?? 0) + 1);
      }
      seen++;
    },
    shares() {
      return [...counts]
        .map(([code, n]) => ({ code, share: total > 0 ? n / total : 0 }))
        .sort((a, b) => b.share - a.share);
    },
  };
  /** Share of each character in decayed counts `m`, smoothed towards `base` with `beta` pseudo-counts. */
  function smoothed(m: ReadonlyMap<string, number> | undefined, base: (c: string) => number): (c: string) => number {
    let n = 0;
    for (const v of m?.values() ?? []) n += v;
    return (c) => ((m?.get(c) ?? 0) + beta * base(c)) / (n + beta);
  }
  for (const h of opts.history ?? []) prior.observe(h.key, h.confidence);
  return prior;
}
