/**
 * Scoring of attribute search against the hand labels (test/fixtures/labels/attributes.json): each labelled object is
 * matched to the track that covers its box at its time (the run's recorded tracks, best IoU ≥ 0.3), and to that
 * track's summary (track.attributes). Then, for each query (a class; a colour of a person's upper or lower body; a
 * vehicle's body colour), the labelled objects the search would return (the store's semantics: a colour matches the
 * top or the second colour of its region) are compared with the objects the labels say match: precision and recall.
 */
import type { TrackAttributesEvent } from '../src/core/events.js';

export type Region = 'upper' | 'lower' | 'body';

export interface AttributeLabel {
  readonly t: number;
  readonly box: readonly [number, number, number, number];
  readonly cls: string;
  readonly upper?: string | null;
  readonly lower?: string | null;
  readonly body?: string | null;
  readonly alt?: Partial<Record<Region, readonly string[]>>;
}

export interface LabelFile {
  readonly note: string;
  readonly clips: Readonly<Record<string, readonly AttributeLabel[]>>;
}

/** One line of `--record-tracks` (src/rules/replay.ts), as far as the matching needs it. */
export interface TrackLine {
  readonly meta: { readonly ptsSec: number };
  readonly tracks: ReadonlyArray<{ readonly id: number; readonly state: string; readonly box: { x1: number; y1: number; x2: number; y2: number } }>;
}

export interface Matched {
  readonly clip: string;
  readonly label: AttributeLabel;
  readonly trackId: number | undefined;
  readonly iou: number;
  readonly summary: TrackAttributesEvent | undefined;
}

export interface QueryScore {
  readonly query: string;
  /** Labelled objects the labels say match, the search returns, and of those, correctly. */
  readonly expected: number;
  readonly returned: number;
  readonly correct: number;
  readonly precision: number;
  readonly recall: number;
}

const iou = (a: readonly number[], b: readonly number[]): number => {
  const ix = Math.max(0, Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!));
  const iy = Math.max(0, Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!));
  const inter = ix * iy;
  const union = (a[2]! - a[0]!) * (a[3]! - a[1]!) + (b[2]! - b[0]!) * (b[3]! - b[1]!) - inter;
  return union > 0 ? inter / union : 0;
};

/** Each label of a clip to its track (best IoU ≥ 0.3 on the frame nearest its time) and that track's summary. */
export function matchLabels(clip: string, labels: readonly AttributeLabel[], lines: readonly TrackLine[], summaries: readonly TrackAttributesEvent[]): Matched[] {
  return labels.map((label) => {
    let frame = lines[0];
    for (const l of lines) if (frame === undefined || Math.abs(l.meta.ptsSec - label.t) < Math.abs(frame.meta.ptsSec - label.t)) frame = l;
    let best: { id: number; iou: number } | undefined;
    for (const k of frame?.tracks ?? []) {
      if (k.state !== 'tracked') continue;
      const v = iou(label.box, [k.box.x1, k.box.y1, k.box.x2, k.box.y2]);
      if (v >= 0.3 && (!best || v > best.iou)) best = { id: k.id, iou: v };
    }
    const summary = best ? summaries.find((s) => s.trackId === best.id) : undefined;
    return { clip, label, trackId: best?.id, iou: best?.iou ?? 0, summary };
  });
}

/** The colours the store would match for a region of a summary (top and second). */
export const summaryColours = (s: TrackAttributesEvent | undefined, r: Region): string[] => (s?.colours[r] ?? []).slice(0, 2).map((c) => c.colour);

const VEHICLES = new Set(['car', 'motorcycle', 'bus', 'truck', 'bicycle']);

function score(query: string, items: readonly Matched[], expected: (m: Matched) => boolean, returned: (m: Matched) => boolean, fair: (m: Matched) => boolean): QueryScore {
  const e = items.filter(expected).length;
  const ret = items.filter(returned);
  const correct = ret.filter(fair).length;
  return { query, expected: e, returned: ret.length, correct, precision: ret.length ? correct / ret.length : 1, recall: e ? items.filter((m) => expected(m) && returned(m)).length / e : 1 };
}

/** Every query the labels can judge: each labelled class; each labelled colour of each region. */
export function scoreQueries(items: readonly Matched[]): QueryScore[] {
  const out: QueryScore[] = [];
  const classes = [...new Set(items.map((m) => m.label.cls))].sort();
  for (const c of classes) out.push(score(`cls=${c}`, items, (m) => m.label.cls === c, (m) => m.summary?.cls === c, (m) => m.label.cls === c));
  for (const r of ['upper', 'lower', 'body'] as const) {
    const colours = [...new Set(items.map((m) => m.label[r]).filter((x): x is string => typeof x === 'string'))].sort();
    // A region's query is asked of the objects the label gives that region (people for upper/lower, vehicles for body).
    const judged = items.filter((m) => (r === 'body' ? VEHICLES.has(m.label.cls) : m.label.cls === 'person') && m.label[r] !== null && m.label[r] !== undefined);
    for (const k of colours) {
      out.push(score(`${r}=${k}`, judged, (m) => m.label[r] === k, (m) => summaryColours(m.summary, r).includes(k), (m) => m.label[r] === k || (m.label.alt?.[r] ?? []).includes(k)));
    }
  }
  return out;
}

/** Micro-average over the colour queries (each returned / expected object of each query counted once). */
export function microAverage(scores: readonly QueryScore[]): { precision: number; recall: number; returned: number; expected: number } {
  const s = scores.filter((q) => !q.query.startsWith('cls='));
  const returned = s.reduce((n, q) => n + q.returned, 0);
  const correct = s.reduce((n, q) => n + q.correct, 0);
  const expected = s.reduce((n, q) => n + q.expected, 0);
  const found = s.reduce((n, q) => n + q.recall * q.expected, 0);
  return { precision: returned ? correct / returned : 1, recall: expected ? found / expected : 1, returned, expected };
}

/** Share of labelled regions whose top colour is the labelled one (or a fair alternative). */
export function topColourAccuracy(items: readonly Matched[]): { correct: number; total: number } {
  let correct = 0;
  let total = 0;
  for (const m of items) {
    for (const r of ['upper', 'lower', 'body'] as const) {
      const want = m.label[r];
      if (typeof want !== 'string') continue;
      total++;
      const top = summaryColours(m.summary, r)[0];
      if (top !== undefined && (top === want || (m.label.alt?.[r] ?? []).includes(top))) correct++;
    }
  }
  return { correct, total };
}
