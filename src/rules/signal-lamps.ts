import { normToPixel, pointInPolygon, px, type FrameSize, type NormPoint } from '../core/geometry.js';
import type { SignalColour, SignalObservation } from '../core/violation.js';
import { signalLampsSchema, type SignalLampsConfig } from '../config/signal-lamps.js';
import type { SceneSignal } from './calibration/scene.js';
import { classifySignal } from './signal-classifier.js';

/**
 * Signal state from WHICH LAMP of the head is lit: the head's region is cut into equal cells along its layout
 * (one per lamp, in the configured order) and each cell's level is the mean brightness (max of R, G, B) of the
 * brightest quarter of its inner pixels (the middle of the cell, away from the housing's edges and the
 * background around it). The lit lamp is the brightest cell when it beats the next one by `minContrast`; colour
 * plays no part, so a red lamp that the camera renders orange or white-yellow still reads red (top lamp).
 * Pure on an RGB24 frame.
 */
export interface LampReading {
  readonly colour: SignalColour;
  /** Level (0–255) of each lamp cell, in `order`. */
  readonly levels: readonly number[];
  /** Brightest level minus the next brightest. */
  readonly contrast: number;
}

/** The inner part of a cell that is sampled, as a fraction of the cell each way (centred). */
const INNER_ACROSS = 0.6;
const INNER_ALONG = 0.7;
/** Share of a cell's sampled pixels, brightest first, that makes its level. */
const TOP_SHARE = 0.25;

export const LAMP_DEFAULTS: SignalLampsConfig = signalLampsSchema.parse({});

export function readLamps(rgb: Uint8Array, size: FrameSize, region: readonly NormPoint[], lamps: SignalLampsConfig = LAMP_DEFAULTS): LampReading {
  const poly = region.map((p) => normToPixel(p, size));
  const x0 = Math.min(...poly.map((p) => p.x));
  const x1 = Math.max(...poly.map((p) => p.x));
  const y0 = Math.min(...poly.map((p) => p.y));
  const y1 = Math.max(...poly.map((p) => p.y));
  const n = lamps.order.length;
  const vertical = lamps.layout === 'vertical';
  const levels: number[] = [];
  for (let k = 0; k < n; k++) {
    // Cell k along the layout axis, shrunk to its inner part.
    const along0 = vertical ? y0 + ((y1 - y0) * k) / n : x0 + ((x1 - x0) * k) / n;
    const alongLen = (vertical ? y1 - y0 : x1 - x0) / n;
    const a0 = along0 + (alongLen * (1 - INNER_ALONG)) / 2;
    const a1 = a0 + alongLen * INNER_ALONG;
    const acrossLen = vertical ? x1 - x0 : y1 - y0;
    const c0 = (vertical ? x0 : y0) + (acrossLen * (1 - INNER_ACROSS)) / 2;
    const c1 = c0 + acrossLen * INNER_ACROSS;
    const [cx0, cx1, cy0, cy1] = vertical ? [c0, c1, a0, a1] : [a0, a1, c0, c1];
    const values: number[] = [];
    for (let y = Math.max(0, Math.floor(cy0)); y < Math.min(size.height, Math.ceil(cy1)); y++) {
      for (let x = Math.max(0, Math.floor(cx0)); x < Math.min(size.width, Math.ceil(cx1)); x++) {
        if (!pointInPolygon(px(x + 0.5, y + 0.5), poly)) continue;
        const i = (y * size.width + x) * 3;
        values.push(Math.max(rgb[i]!, rgb[i + 1]!, rgb[i + 2]!));
      }
    }
    levels.push(topMean(values));
  }
  const ranked = levels.map((v, i) => ({ v, i })).sort((a, b) => b.v - a.v);
  const best = ranked[0];
  const contrast = best && ranked[1] ? best.v - ranked[1].v : 0;
  const colour: SignalColour = best && best.v > 0 && contrast >= lamps.minContrast ? lamps.order[best.i]! : 'unknown';
  return { colour, levels, contrast };
}

function topMean(values: number[]): number {
  if (values.length === 0) return 0;
  values.sort((a, b) => b - a);
  const k = Math.max(1, Math.round(values.length * TOP_SHARE));
  let s = 0;
  for (let i = 0; i < k; i++) s += values[i]!;
  return s / k;
}

/** Per-signal hysteresis: the reported colour and a different one being read since `sinceMs`. */
interface Held {
  readonly shown: SignalColour;
  readonly candidate?: { readonly colour: SignalColour; readonly sinceMs: number };
}

/**
 * Next held state: a new colour is shown once it has been read on every frame for `stableMs`. The first reading
 * of a signal is shown at once (there is no earlier state to protect).
 */
export function holdColour(prev: Held | undefined, read: SignalColour, nowMs: number, stableMs: number): Held {
  if (prev === undefined) return { shown: read };
  const shown = prev.shown;
  if (read === shown) return { shown };
  const sinceMs = prev.candidate?.colour === read ? prev.candidate.sinceMs : nowMs;
  if (nowMs - sinceMs >= stableMs) return { shown: read };
  return { shown, candidate: { colour: read, sinceMs } };
}

/** Reads every classifier signal of a scene frame by frame, with hysteresis (one per camera pipeline). */
export interface SignalReader {
  read(frame: { readonly rgb: Uint8Array; readonly size: FrameSize; readonly capturedAtMs: number }): SignalObservation[];
}

export function createSignalReader(signals: ReadonlyMap<string, SceneSignal>): SignalReader {
  const held = new Map<string, Held>();
  return {
    read(frame) {
      const out: SignalObservation[] = [];
      for (const [signalId, s] of signals) {
        if (s.source !== 'classifier' || !s.region) continue;
        const lamps = s.lamps ?? LAMP_DEFAULTS;
        const raw = s.reader === 'hue' ? classifySignal(frame.rgb, frame.size, s.region).colour : readLamps(frame.rgb, frame.size, s.region, lamps).colour;
        const next = holdColour(held.get(signalId), raw, frame.capturedAtMs, lamps.stableMs);
        held.set(signalId, next);
        out.push({ signalId, colour: next.shown });
      }
      return out;
    },
  };
}
