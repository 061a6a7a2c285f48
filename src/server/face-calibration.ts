/**
 * What a face list's threshold means: the false-match rate (FAR) the embedding model showed at that similarity on
 * the impostor pairs of its evaluation (`argus faces eval`, which prints the curve as `farCurve`). The UI says
 * "about 1 false match per N faces compared". Below the smallest rate measured, the rate is unknown (`oneIn` null).
 */
import { FAR_CURVES, type FarCurve } from '../vision/faces/far-curves.js';
export function farCurveOf(model: string): FarCurve | undefined {
  return FAR_CURVES[model];
}

/** The FAR at `threshold`: linear between the measured points; 0 past the last one (too rare to measure). */
export function falseMatchAt(model: string, threshold: number): { far: number; oneIn: number | null; measuredOn: string } {
  const c = FAR_CURVES[model];
  if (!c || c.points.length === 0) return { far: Number.NaN, oneIn: null, measuredOn: `not measured for ${model}` };
  const p = c.points;
  let far: number;
  if (threshold <= p[0]![0]) far = p[0]![1];
  else if (threshold >= p[p.length - 1]![0]) far = p[p.length - 1]![1];
  else {
    let i = 1;
    while (p[i]![0] < threshold) i++;
    const [t0, f0] = p[i - 1]!;
    const [t1, f1] = p[i]!;
    far = f0 + ((threshold - t0) / (t1 - t0)) * (f1 - f0);
  }
  const floor = 1 / c.impostorPairs;
  return { far, oneIn: far >= floor ? Math.round(1 / far) : null, measuredOn: c.measuredOn };
}
