import { normToPixel, pointInPolygon, px, type FrameSize, type NormPoint } from '../core/geometry.js';
import type { SignalColour, SignalObservation } from '../core/violation.js';

/**
 * Traffic-signal colour from the pixels of its region: a pure function on an RGB24 frame. Counts bright,
 * saturated pixels by hue (red, amber, green lamps) and picks the dominant lit colour; too few lit pixels
 * or an ambiguous split gives `unknown`.
 */
export interface SignalClassifierOptions {
  /** Minimum brightness (HSV value, 0–255) of a lit lamp pixel. */
  readonly minValue: number;
  /** Minimum saturation (0–1) of a lit lamp pixel. */
  readonly minSaturation: number;
  /** Lit pixels needed, as a fraction of the region's pixels. */
  readonly minLitFraction: number;
  /** The winning colour must have this share of the lit pixels. */
  readonly minShare: number;
}

export const SIGNAL_CLASSIFIER_DEFAULTS: SignalClassifierOptions = { minValue: 150, minSaturation: 0.45, minLitFraction: 0.01, minShare: 0.6 };

export interface SignalReading {
  readonly colour: SignalColour;
  /** Lit pixels per colour. */
  readonly counts: { readonly red: number; readonly amber: number; readonly green: number };
  /** Pixels examined. */
  readonly pixels: number;
}

/** Hue (degrees) → lamp colour, or undefined for other hues. Red wraps around 0; amber covers orange–yellow. */
export function lampOfHue(h: number): 'red' | 'amber' | 'green' | undefined {
  if (h >= 340 || h < 15) return 'red';
  if (h >= 15 && h < 65) return 'amber';
  if (h >= 80 && h < 200) return 'green';
  return undefined;
}

function hueSatVal(r: number, g: number, b: number): { h: number; s: number; v: number } {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const d = max - min;
  let h = 0;
  if (d > 0) {
    if (max === r) h = 60 * (((g - b) / d + 6) % 6);
    else if (max === g) h = 60 * ((b - r) / d + 2);
    else h = 60 * ((r - g) / d + 4);
  }
  return { h, s: max === 0 ? 0 : d / max, v: max };
}

/**
 * Classify the signal inside `region` (normalised polygon) of an RGB24 frame of `size` (no row padding).
 */
export function classifySignal(
  rgb: Uint8Array,
  size: FrameSize,
  region: readonly NormPoint[],
  options: SignalClassifierOptions = SIGNAL_CLASSIFIER_DEFAULTS,
): SignalReading {
  const poly = region.map((p) => normToPixel(p, size));
  const x0 = Math.max(0, Math.floor(Math.min(...poly.map((p) => p.x))));
  const x1 = Math.min(size.width - 1, Math.ceil(Math.max(...poly.map((p) => p.x))));
  const y0 = Math.max(0, Math.floor(Math.min(...poly.map((p) => p.y))));
  const y1 = Math.min(size.height - 1, Math.ceil(Math.max(...poly.map((p) => p.y))));
  const counts = { red: 0, amber: 0, green: 0 };
  let pixels = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      if (!pointInPolygon(px(x + 0.5, y + 0.5), poly)) continue;
      pixels++;
      const i = (y * size.width + x) * 3;
      const { h, s, v } = hueSatVal(rgb[i]!, rgb[i + 1]!, rgb[i + 2]!);
      if (v < options.minValue || s < options.minSaturation) continue;
      const lamp = lampOfHue(h);
      if (lamp) counts[lamp]++;
    }
  }
  const lit = counts.red + counts.amber + counts.green;
  if (pixels === 0 || lit < options.minLitFraction * pixels) return { colour: 'unknown', counts, pixels };
  const [colour, n] = (Object.entries(counts) as ['red' | 'amber' | 'green', number][]).reduce((a, b) => (b[1] > a[1] ? b : a));
  return { colour: n >= options.minShare * lit ? colour : 'unknown', counts, pixels };
}

/**
 * Observations for every classifier-sourced signal of a scene from one decoded frame (regions are
 * normalised, so the analysed picture size is used). Feed-sourced signals are left to the controller feed.
 */
export function classifySignals(
  frame: { readonly rgb: Uint8Array; readonly size: FrameSize },
  signals: ReadonlyMap<string, { readonly region?: readonly NormPoint[]; readonly source: 'classifier' | 'feed' }>,
  options: SignalClassifierOptions = SIGNAL_CLASSIFIER_DEFAULTS,
): SignalObservation[] {
  const out: SignalObservation[] = [];
  for (const [signalId, s] of signals) {
    if (s.source !== 'classifier' || !s.region) continue;
    out.push({ signalId, colour: classifySignal(frame.rgb, frame.size, s.region, options).colour });
  }
  return out;
}
