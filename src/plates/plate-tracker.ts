/**
 * Plate tracks for ANPR mode, where no vehicle detector gives tracks: the plates read on successive frames are
 * joined into one track per plate pass, and the reads of a track are fused (fusion.ts) into one plate when it ends.
 *
 * Association works at low frame rates (2 fps) and with a moving (handheld) camera, where a plate can jump more
 * than its own width between reads: a read joins the live track whose text it matches (edit distance ≤ 2) or whose
 * last box it overlaps (IoU ≥ 0.3) with a text not far off (a third of the characters), best score first, each
 * track and read used once. Time gates it: a track not
 * seen for `maxGapSec` ends; one older than `maxDurationSec` ends too (a vehicle parked in front of the camera
 * still gives a plate now and then).
 *
 * When a track ends its reads are fused. Reads whose box (or the region the text was found in, which a read of part
 * of the plate's text does not shrink) touches the frame's edge are left out while the track
 * has others; a track seen only at the edge (a plate cut off), one whose fused text the grammar rejects, one whose
 * reads split on a character, and one with too little read confidence in all end `partial`: never reported as a
 * confident plate; so does one that the first recogniser (PP-OCR, unconstrained) reads otherwise in half its reads.
 *
 * Pure and bounded: state is per live track (at most `maxReadsPerTrack` reads each), dropped when it ends.
 */
import { iou, type Box } from '../core/box.js';
import { editDistance } from './evaluate.js';
import { displayPlate } from './format.js';
import { fuseReads, type FusedPlate, type FusionInput } from './fusion.js';
import { isValidPlateKey } from './grammar.js';

export interface PlateObservation<C = unknown> {
  /** Where the plate is, in the pixels of the frame given to `update`. */
  readonly box: Box;
  readonly read: FusionInput<C>;
  /** Where the plate was looked for (the text found around it, with a margin), when known: the edge test uses it. */
  readonly region?: Box;
  /**
   * The first recogniser's own unconstrained text of the crop (PP-OCR's, before the ensemble and the grammar), when
   * known. Where it keeps a different number of characters than the fused plate, the plate's length is in dispute.
   */
  readonly expertText?: string;
}

export interface PlateTrackerOptions {
  /** A track not seen for this long ends (seconds; default 1.5: three frames at 2 fps). */
  readonly maxGapSec?: number;
  /** A track ends after this long even while it is still seen (seconds; default 30). */
  readonly maxDurationSec?: number;
  /** A box within this share of the frame's width/height of an edge touches it (default 0.005). */
  readonly edgeMargin?: number;
  /** Share of the vote each character of the fused plate needs; below it the track ends partial (default 0.7). */
  readonly minAgreement?: number;
  /** Sum of the confidences of the reads that gave the fused plate's layout; below it the track ends partial (default 0.15). */
  readonly minEvidence?: number;
  /** Reads kept per track (the most confident; default 12). */
  readonly maxReadsPerTrack?: number;
  /**
   * A live track is confirmed, to be reported before it ends (`takeConfirmed`), once this many witnesses say its
   * fused plate (`witnesses`: each read clear of the frame's edges that gave exactly that plate, twice when the first
   * recogniser alone read the same) and the track would end confident (default 2; 0: never, a track is reported
   * when it ends). A watch-list hit then reaches the command centre without waiting for the
   * vehicle to leave the picture.
   */
  readonly confirmWitnesses?: number;
  /**
   * A live track whose reads differ (no two witnesses of one plate) is confirmed too once its fused plate has stayed
   * the same, and confident, over its last two reads with at least this many reads clear of the edges (default 3; 0:
   * never). Without it such a plate waits for the track's end, `maxGapSec` after the vehicle was last seen.
   */
  readonly confirmStableReads?: number;
}

/** `cut_off`: seen only touching the frame's edge; `invalid`: not a plate by the grammar; `low_agreement`: the reads differ
 * on a character; `weak`: too little read confidence in all (one faint read of some text). */
export type PartialReason = 'cut_off' | 'invalid' | 'low_agreement' | 'weak';

export interface EndedPlateTrack<C = unknown> {
  readonly id: number;
  readonly firstSec: number;
  readonly lastSec: number;
  /** Frames that gave the track a read. */
  readonly seen: number;
  /** The fused plate (from the reads clear of the frame's edges when there are any). */
  readonly fused: FusedPlate<C>;
  /** Why the plate is not a confident read; absent for a confident one. */
  readonly partial?: PartialReason;
  /** The box of the best read. */
  readonly box: Box;
  /** Given by `takeConfirmed` while the track was live: its plate was reported then (`confirmedPlate`). */
  readonly confirmedPlate?: string;
}

interface Live<C> {
  readonly id: number;
  readonly firstSec: number;
  lastSec: number;
  lastBox: Box;
  seen: number;
  /** Text the track reads so far (the most confident read's, refreshed on each read). */
  text: string;
  textConf: number;
  readonly reads: { obs: PlateObservation<C>; edge: boolean }[];
  /** The plate `takeConfirmed` gave for it, once it did. */
  confirmed?: string;
  /** The confident fused plate `takeConfirmed` judged last, and how many frames had read the track then. */
  judged?: { readonly plate: string; readonly seen: number };
}

export interface PlateTracker<C = unknown> {
  /** The reads of one frame at `ptsSec` (`width`×`height` pixels). Returns the tracks that ended. */
  update(ptsSec: number, observations: readonly PlateObservation<C>[], width: number, height: number): EndedPlateTrack<C>[];
  /** End the tracks not seen since `ptsSec - maxGapSec` (and those past their duration) without a new frame of reads. */
  expire(ptsSec: number): EndedPlateTrack<C>[];
  /** End every live track (the source ended). */
  flush(): EndedPlateTrack<C>[];
  /** The live tracks confirmed since the last call (`confirmWitnesses`), judged as if they ended now; each given once. */
  takeConfirmed(): EndedPlateTrack<C>[];
  /** Live tracks. */
  readonly size: number;
}

/** Text similarity score of a read against a track: 1 same text, less per edit, 0 beyond two edits. */
const textScore = (a: string, b: string): number => {
  const d = editDistance(a, b);
  return d === 0 ? 1 : d === 1 ? 0.7 : d === 2 && Math.min(a.length, b.length) >= 7 ? 0.4 : 0;
};

/** Few enough edits for two reads of one plate (a third of its characters at most, two at least). */
const sameish = (a: string, b: string): boolean => editDistance(a, b) <= Math.max(2, Math.floor(Math.max(a.length, b.length) / 3));

/** The most frequent string. */
const mode = (xs: readonly string[]): string => {
  const n = new Map<string, number>();
  for (const x of xs) n.set(x, (n.get(x) ?? 0) + 1);
  return [...n.entries()].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
};

/** `plate` split into lines like `lines` (the first line keeps its length; the rest is the second). */
const splitAt = (plate: string, lines: readonly string[]): string[] => (lines.length < 2 ? [plate] : [plate.slice(0, lines[0]!.length), plate.slice(lines[0]!.length)]);

/**
 * How many say a live track reads `plate`: each read clear of the edges that gave exactly that plate, and once more
 * when the first recogniser alone (PP-OCR, unconstrained, before the ensemble and the grammar) read that same plate in
 * it with confidence: two readers agreeing on one frame are two witnesses.
 */
const witnesses = <C>(t: { readonly reads: readonly { obs: PlateObservation<C>; edge: boolean }[] }, plate: string): number =>
  t.reads.reduce((n, r) => (r.edge || r.obs.read.plate !== plate ? n : n + 1 + (r.obs.expertText === plate && r.obs.read.confidence >= EXPERT_WITNESS_CONF ? 1 : 0)), 0);

/** Confidence a read needs for the first recogniser's identical text to count as a second witness. */
const EXPERT_WITNESS_CONF = 0.5;

const touchesEdge = (b: Box, width: number, height: number, margin: number): boolean =>
  b.x1 <= width * margin || b.y1 <= height * margin || b.x2 >= width * (1 - margin) || b.y2 >= height * (1 - margin);

export function createPlateTracker<C = unknown>(opts: PlateTrackerOptions = {}): PlateTracker<C> {
  const maxGap = opts.maxGapSec ?? 1.5;
  const maxDuration = opts.maxDurationSec ?? 30;
  const margin = opts.edgeMargin ?? 0.005;
  const minAgreement = opts.minAgreement ?? 0.7;
  const minEvidence = opts.minEvidence ?? 0.15;
  const maxReads = opts.maxReadsPerTrack ?? 12;
  const confirmWitnesses = opts.confirmWitnesses ?? 2;
  const confirmStable = opts.confirmStableReads ?? 3;
  const live = new Map<number, Live<C>>();
  let nextId = 1;

  const finish = (t: Live<C>): EndedPlateTrack<C> => {
    live.delete(t.id);
    const judged = judge(t);
    return t.confirmed !== undefined ? { ...judged, confirmedPlate: t.confirmed } : judged;
  };

  /** The track's plate and whether it is confident, from its reads so far. */
  const judge = (t: Live<C>): EndedPlateTrack<C> => {
    const clear = t.reads.filter((r) => !r.edge);
    const used = (clear.length > 0 ? clear : t.reads).map((r) => r.obs);
    let fused = fuseReads(used.map((o) => o.read))!;
    let agreement = Math.min(...fused.agreement);
    if (agreement < minAgreement) {
      // A character the reads disagree on that some reads do not have at all (a border or bolt read as a digit):
      // dropped when the plate without it is what those reads say, and they agree on it.
      const i = fused.agreement.indexOf(agreement);
      const shorter = fused.plate.slice(0, i) + fused.plate.slice(i + 1);
      const without = used.filter((o) => o.read.plate === shorter);
      const refused = without.length > 0 && isValidPlateKey(shorter) ? fuseReads(without.map((o) => o.read)) : null;
      if (refused && Math.min(...refused.agreement) >= minAgreement) {
        fused = refused;
        agreement = Math.min(...refused.agreement);
      }
    }
    // In dispute: in half the reads or more the first recogniser reads another number of characters, or more than two
    // characters otherwise (an occluded plate the grammar forced into shape: `0TFB|2113` fused as 51F82113). When it
    // reads the same plate every time, and that plate is the fused one less one character (the ensemble added one,
    // e.g. a digit from the plate's border), its plate is the one; otherwise the track is partial.
    const expert = used.map((o) => o.expertText).filter((x): x is string => x !== undefined && x !== '');
    const disputed = expert.filter((x) => x.length !== fused.plate.length || editDistance(x, fused.plate) > 2);
    let lengthDisputed = expert.length > 0 && disputed.length * 2 >= used.length;
    if (lengthDisputed) {
      const top = mode(disputed);
      const backed = used.filter((o) => o.expertText === top);
      // Only the fused plate less one character (the one the ensemble added), read so in three quarters of the reads.
      const lessOne = top.length === fused.plate.length - 1 && editDistance(top, fused.plate) === 1;
      if (lessOne && isValidPlateKey(top) && backed.length >= Math.max(2, 0.75 * used.length)) {
        const base = fuseReads(backed.map((o) => o.read))!;
        fused = { ...base, plate: top, display: displayPlate(top, splitAt(top, base.lines)) ?? top, lines: splitAt(top, base.lines), agreement: [...top].map(() => 1) };
        agreement = 1;
        lengthDisputed = false;
      }
    }
    const evidence = used.filter((o) => o.read.plate.length === fused.plate.length || o.expertText === fused.plate).reduce((a, o) => a + o.read.confidence, 0);
    const best = used.find((o) => o.read === fused.best)!.box;
    const partial: PartialReason | undefined =
      clear.length === 0 ? 'cut_off' : !isValidPlateKey(fused.plate) ? 'invalid' : agreement < minAgreement || lengthDisputed ? 'low_agreement' : evidence < minEvidence ? 'weak' : undefined;
    return { id: t.id, firstSec: t.firstSec, lastSec: t.lastSec, seen: t.seen, fused, box: best, ...(partial ? { partial } : {}) };
  };

  const expire = (ptsSec: number): EndedPlateTrack<C>[] => {
    const ended: EndedPlateTrack<C>[] = [];
    for (const t of [...live.values()]) if (ptsSec - t.lastSec > maxGap || ptsSec - t.firstSec >= maxDuration) ended.push(finish(t));
    return ended;
  };

  return {
    update(ptsSec, observations, width, height) {
      const ended = expire(ptsSec);
      // Candidate pairs, best first; each track and each read used once.
      const pairs: { t: Live<C>; k: number; score: number }[] = [];
      observations.forEach((o, k) => {
        for (const t of live.values()) {
          const overlap = iou(t.lastBox, o.box);
          const text = textScore(o.read.plate, t.text);
          // Overlap alone joins a misread of the plate, not another plate that took its place (a cut, a pan).
          if (text === 0 && (overlap < 0.3 || !sameish(o.read.plate, t.text))) continue;
          pairs.push({ t, k, score: text + overlap });
        }
      });
      pairs.sort((a, b) => b.score - a.score);
      const usedTracks = new Set<number>();
      const usedObs = new Set<number>();
      const assign = (t: Live<C>, o: PlateObservation<C>) => {
        t.lastSec = ptsSec;
        t.lastBox = o.box;
        t.seen++;
        t.reads.push({ obs: o, edge: touchesEdge(o.region ?? o.box, width, height, margin) || touchesEdge(o.box, width, height, margin) });
        if (t.reads.length > maxReads) {
          t.reads.sort((a, b) => b.obs.read.confidence - a.obs.read.confidence);
          t.reads.length = maxReads;
        }
        if (o.read.confidence >= t.textConf || t.seen === 1) {
          t.text = o.read.plate;
          t.textConf = o.read.confidence;
        }
      };
      for (const p of pairs) {
        if (usedTracks.has(p.t.id) || usedObs.has(p.k)) continue;
        usedTracks.add(p.t.id);
        usedObs.add(p.k);
        assign(p.t, observations[p.k]!);
      }
      observations.forEach((o, k) => {
        if (usedObs.has(k)) return;
        const t: Live<C> = { id: nextId++, firstSec: ptsSec, lastSec: ptsSec, lastBox: o.box, seen: 0, text: o.read.plate, textConf: 0, reads: [] };
        live.set(t.id, t);
        assign(t, o);
      });
      return ended;
    },
    expire,
    flush: () => [...live.values()].map(finish),
    takeConfirmed() {
      if (confirmWitnesses <= 0) return [];
      const out: EndedPlateTrack<C>[] = [];
      for (const t of live.values()) {
        if (t.confirmed !== undefined || !t.reads.some((r) => !r.edge)) continue;
        const judged = judge(t);
        const before = t.judged;
        if (!judged.partial && before?.seen !== t.seen) t.judged = { plate: judged.fused.plate, seen: t.seen };
        if (judged.partial) {
          t.judged = undefined;
          continue;
        }
        // Stable: a new read since the last judgement left the confident plate as it was.
        const stable = confirmStable > 0 && before !== undefined && before.seen < t.seen && before.plate === judged.fused.plate
          && t.reads.filter((r) => !r.edge).length >= confirmStable;
        if (!stable && witnesses(t, judged.fused.plate) < confirmWitnesses) continue;
        t.confirmed = judged.fused.plate;
        out.push(judged);
      }
      return out;
    },
    get size() {
      return live.size;
    },
  };
}
