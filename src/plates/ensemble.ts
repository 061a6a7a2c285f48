/**
 * Several recognisers read the same lines; each proposes its best grammar-valid plates (constrained
 * beam search), and every proposal is rescored under all recognisers with the exact CTC probability
 * (forward algorithm). The plate with the highest weighted sum of log-probabilities wins: a product of
 * experts, which needs no alignment between the models' different time steps. Each candidate also carries the
 * priors the search gave it: the grammar's layout prior (a two-letter series on a two-line plate is mostly a
 * misread digit, `77LZ` for `77L2`) and the site prior. Before the layout prior was counted here, a candidate that
 * lost the search by it could win the rescoring: CCTV reads 119 → 123 of 231 (`argus plates eval`), bkav and
 * vitocolerole level, no plate read right before read wrong. The site prior here also weighs the series' second
 * character, which only a whole candidate with its lines shows (`77-LZ` where the site's `77-L` plates carry a
 * digit): CCTV 123 → 128, bkav and vitocolerole level. Where the pipeline knows the vehicle, the vehicle prior
 * (vehicle-prior.ts) counts too.
 */
import type { VehicleClass } from '../core/classes.js';
import { ctcLogProb, type StepProbs } from './ctc.js';
import { constrainedDecode, keyPrior, type ConstrainedRead, type DecodeOptions } from './decode.js';
import { layoutPrior } from './grammar.js';
import { vehiclePrior } from './vehicle-prior.js';

export interface Expert {
  /** Per-line step probabilities of this recogniser. */
  readonly streams: readonly StepProbs[];
  /** Weight of its log-probability in the product. */
  readonly weight: number;
}

/** The most one expert can count against a candidate, relative to its own best (natural log units). */
const VETO_NATS = 6;

/** Candidates kept from each expert's search. */
const PER_EXPERT = 6;

/** The ensemble's plate; `forced` when no recogniser's probable characters (≥ minCharProb) spell a plate the grammar accepts. */
export type EnsembleRead = ConstrainedRead & { readonly forced: boolean };

/**
 * Where the right plate stood in one decision (for failure analysis, `argus plates eval --diagnose`): `rank` among the
 * scored candidates (0 = chosen, −1 = never proposed) and `gap`, the chosen plate's score minus the right plate's
 * best score over its possible line splits (> 0: the recognisers and priors prefer the plate that was chosen).
 */
export interface TruthStanding {
  readonly rank: number;
  readonly gap: number;
}

/** The right plate's key split into `n` lines as the reader could have cut it (a two-line plate's top line holds 3–5 characters). */
const splits = (key: string, n: number): string[][] => (n === 1 ? [[key]] : [3, 4, 5].filter((k) => k < key.length).map((k) => [key.slice(0, k), key.slice(k)]));

/** The search's options, and the vehicle the plate was read on when the pipeline knows it. */
export type EnsembleOptions = DecodeOptions & { readonly vehicle?: VehicleClass };

export function ensembleDecode(experts: readonly Expert[], opts: EnsembleOptions = {}, truth?: string): (EnsembleRead & { truth?: TruthStanding }) | null {
  const strict = experts.map((e) => constrainedDecode(e.streams, opts));
  const forced = strict.every((r) => r === null);
  const reads = strict.map((r, i) => r ?? constrainedDecode(experts[i]!.streams, { ...opts, minCharProb: 0 }));
  const first = reads.find((r) => r !== null);
  if (!first) return null;
  // One recogniser: its search's ranking stands, unless a vehicle is known, whose prior only the rescoring counts.
  if (experts.length === 1 && opts.vehicle === undefined) return { ...first, forced };
  const cands = new Map<string, { text: string; lines: readonly string[] }>();
  for (const r of reads) {
    if (!r) continue;
    for (const c of [{ text: r.text, lines: r.lines }, ...r.alternatives.slice(0, PER_EXPERT - 1)]) cands.set(c.lines.join('|'), c);
  }
  // Each expert's say is bounded: a candidate it finds very unlikely loses at most VETO_NATS against that
  // expert's own favourite, so one recogniser out of its depth (a tilted line, say) cannot veto the other.
  const logPOf = (e: Expert, lines: readonly string[]) => lines.reduce((s, line, i) => s + ctcLogProb(e.streams[i]!, line), 0);
  const logP = experts.map((e) => [...cands.values()].map((c) => logPOf(e, c.lines)));
  const top = logP.map((row) => Math.max(...row));
  const scoreOf = (text: string, lines: readonly string[], own: readonly number[]) =>
    experts.reduce((acc, e, j) => acc + e.weight * Math.max(own[j]!, top[j]! - VETO_NATS), 0) + layoutPrior(lines) + keyPrior(opts.sitePrior, text, lines) + vehiclePrior(text, lines, opts.vehicle);
  const scored = [...cands.values()].map((c, k) => ({ c, score: scoreOf(c.text, c.lines, logP.map((row) => row[k]!)) }));
  scored.sort((a, b) => b.score - a.score);
  const best = scored[0]!;
  if (!Number.isFinite(best.score)) return { ...first, forced };
  const z = scored.reduce((acc, s) => acc + Math.exp(s.score - best.score), 0);
  const own = reads.find((r) => r?.text === best.c.text);
  return {
    text: best.c.text,
    lines: best.c.lines,
    logProb: best.score,
    confidence: 1 / z,
    charProbs: own?.charProbs ?? [],
    alternatives: scored.slice(1).map((s) => ({ text: s.c.text, lines: s.c.lines, score: s.score })),
    forced,
    ...(truth === undefined ? {} : { truth: standing(truth) }),
  };

  function standing(key: string): TruthStanding {
    const right = Math.max(...splits(key, best.c.lines.length).map((lines) => scoreOf(key, lines, experts.map((e) => logPOf(e, lines)))));
    return { rank: scored.findIndex((s) => s.c.text === key), gap: best.score - right };
  }
}
