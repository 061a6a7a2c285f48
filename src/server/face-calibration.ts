/**
 * What a face list's threshold means: the false-match rate (FAR) the embedding model showed at that similarity on
 * the impostor pairs of its evaluation (`argus faces eval`, which prints the curve as `farCurve`). The UI says
 * "about 1 false match per N faces compared". Below the smallest rate measured, the rate is unknown (`oneIn` null).
 * The reading of the curve is the contract's (contract/face-far.ts), so the web's slider says the same.
 */
import { falseMatchOnCurve } from '../contract/face-far.js';
import { FAR_CURVES, type FarCurve } from '../vision/faces/far-curves.js';
export function farCurveOf(model: string): FarCurve | undefined {
  return FAR_CURVES[model];
}

/** The FAR at `threshold`: linear between the measured points; 0 past the last one (too rare to measure). */
export function falseMatchAt(model: string, threshold: number): { far: number; oneIn: number | null; measuredOn: string } {
  const c = FAR_CURVES[model];
  if (!c || c.points.length === 0) return { far: Number.NaN, oneIn: null, measuredOn: `not measured for ${model}` };
  return { ...falseMatchOnCurve(c, threshold), measuredOn: c.measuredOn };
}
