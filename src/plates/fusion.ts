/**
 * Per-track fusion of plate reads: the reads of one vehicle pass vote per character position, weighted
 * by confidence (per character where known) and crop sharpness; reads of another length are aligned to
 * the winning layout by edit-distance alignment first. The best crop (highest weight) is kept.
 * `fuseReads` is pure; `createPlateFusion` keeps bounded per-track state that is dropped when the track ends.
 */
import type { PlateCategory } from '../core/plate.js';
import type { TrackId } from '../core/track.js';
import { displayPlate } from './format.js';
import { isValidPlateKey } from './grammar.js';

export interface FusionInput<C = unknown> {
  /** Normalised key of this read. */
  readonly plate: string;
  readonly lines: readonly string[];
  readonly confidence: number;
  /** Per-character probabilities of `plate` (same length), when the reader gives them. */
  readonly charProbs?: readonly number[];
  /** Focus measure of the crop (any positive scale; compared within the track). */
  readonly sharpness: number;
  readonly category: PlateCategory;
  readonly atMs: number;
  /** The crop (or a handle to it) to keep if this read is the best one. */
  readonly crop?: C;
}

export interface FusedPlate<C = unknown> {
  readonly plate: string;
  readonly display: string;
  readonly lines: readonly string[];
  /** Mean share of the vote the chosen characters got, times the mean read confidence. */
  readonly confidence: number;
  readonly category: PlateCategory;
  /** Reads that took part. */
  readonly reads: number;
  /** Per character of `plate`: the share of the weighted vote it got (1: every read agreed). */
  readonly agreement: readonly number[];
  /** The read with the highest weight (its crop is the one to keep). */
  readonly best: FusionInput<C>;
}

const weightOf = (r: FusionInput, maxSharp: number) => Math.max(1e-3, r.confidence) * (0.5 + (0.5 * r.sharpness) / Math.max(1e-9, maxSharp));
const layoutOf = (r: FusionInput) => `${r.plate.length}:${r.lines.map((l) => l.length).join('+')}`;

/** Fuse several reads of one plate. Null when there are none. */
export function fuseReads<C>(reads: readonly FusionInput<C>[]): FusedPlate<C> | null {
  if (reads.length === 0) return null;
  const maxSharp = Math.max(...reads.map((r) => r.sharpness));
  const weighted = reads.map((r) => ({ r, w: weightOf(r, maxSharp) }));
  const best = weighted.reduce((a, b) => (b.w > a.w ? b : a));
  // 1. Layout (length and line split) by weighted vote.
  const layoutVotes = new Map<string, number>();
  for (const { r, w } of weighted) layoutVotes.set(layoutOf(r), (layoutVotes.get(layoutOf(r)) ?? 0) + w);
  const layout = [...layoutVotes.entries()].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  const anchor = weighted.filter(({ r }) => layoutOf(r) === layout).reduce((a, b) => (b.w > a.w ? b : a)).r;
  const n = anchor.plate.length;
  // 2. Per-position weighted vote, other layouts aligned onto the anchor.
  const votes = Array.from({ length: n }, () => new Map<string, number>());
  for (const { r, w } of weighted) {
    const aligned = r.plate.length === n ? [...r.plate].map((c, i) => ({ c, i, j: i })) : align(anchor.plate, r.plate);
    for (const { c, i, j } of aligned) {
      const p = r.charProbs?.[j] ?? 1;
      votes[i]!.set(c, (votes[i]!.get(c) ?? 0) + w * p);
    }
  }
  let share = 0;
  let text = '';
  const shares: number[] = [];
  for (const v of votes) {
    const total = [...v.values()].reduce((a, b) => a + b, 0);
    const [c, s] = [...v.entries()].reduce((a, b) => (b[1] > a[1] ? b : a), ['', 0] as [string, number]);
    text += c;
    shares.push(total > 0 ? s / total : 0);
    share += total > 0 ? s / total : 0;
  }
  // The vote must still be a plate; otherwise trust the best single read.
  const plate = text.length === n && isValidPlateKey(text) ? text : best.r.plate;
  const lines = plate === best.r.plate ? best.r.lines : splitLike(plate, anchor.lines);
  const meanConf = reads.reduce((a, r) => a + r.confidence, 0) / reads.length;
  const catVotes = new Map<PlateCategory, number>();
  for (const { r, w } of weighted) catVotes.set(r.category, (catVotes.get(r.category) ?? 0) + w);
  const category = [...catVotes.entries()].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  return {
    plate,
    display: displayPlate(plate, lines) ?? plate,
    lines,
    confidence: (share / n) * meanConf,
    category,
    reads: reads.length,
    // The best single read stands in for a vote that was not a plate: its characters agree with it alone.
    agreement: plate === text ? shares : [...plate].map(() => best.w / weighted.reduce((a, x) => a + x.w, 0)),
    best: best.r,
  };
}

function splitLike(plate: string, lines: readonly string[]): string[] {
  if (lines.length < 2) return [plate];
  const k = lines[0]!.length;
  return [plate.slice(0, k), plate.slice(k)];
}

/** Levenshtein alignment of `b` onto `a`: pairs (char of b, index in a, index in b) for matches/substitutions. */
export function align(a: string, b: string): { c: string; i: number; j: number }[] {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  const out: { c: string; i: number; j: number }[] = [];
  let i = a.length;
  let j = b.length;
  while (i > 0 && j > 0) {
    const diag = d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
    if (d[i]![j] === diag) {
      out.push({ c: b[j - 1]!, i: i - 1, j: j - 1 });
      i--;
      j--;
    } else if (d[i]![j] === d[i - 1]![j]! + 1) i--;
    else j--;
  }
  return out.reverse();
}

export interface PlateFusion<C = unknown> {
  /** Add a read for a track (keeps at most `maxReadsPerTrack`, the highest weights). */
  add(trackId: TrackId, read: FusionInput<C>): void;
  /** The fused plate so far, without ending the track. */
  peek(trackId: TrackId): FusedPlate<C> | null;
  /** The track ended: fuse, forget its state, return the result. */
  end(trackId: TrackId): FusedPlate<C> | null;
  /** Tracks with state (for metrics and leak checks). */
  readonly size: number;
}

export function createPlateFusion<C = unknown>(opts: { maxReadsPerTrack?: number } = {}): PlateFusion<C> {
  const max = opts.maxReadsPerTrack ?? 12;
  const tracks = new Map<TrackId, FusionInput<C>[]>();
  return {
    add(trackId, read) {
      const list = tracks.get(trackId) ?? [];
      list.push(read);
      if (list.length > max) {
        const maxSharp = Math.max(...list.map((r) => r.sharpness));
        list.sort((x, y) => weightOf(y, maxSharp) - weightOf(x, maxSharp));
        list.length = max;
      }
      tracks.set(trackId, list);
    },
    peek: (trackId) => fuseReads(tracks.get(trackId) ?? []),
    end(trackId) {
      const fused = fuseReads(tracks.get(trackId) ?? []);
      tracks.delete(trackId);
      return fused;
    },
    get size() {
      return tracks.size;
    },
  };
}
