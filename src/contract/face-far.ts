/**
 * What a face list's cosine threshold means: the false-match rate (FAR) the embedding model showed at that
 * similarity on the impostor pairs of its evaluation, read off the model's measured curve (linear between points).
 * Pure and without zod: the service states it for each list (server/face-calibration.ts) and the web's threshold
 * slider says it live from the same curve (GET /api/faces/far-curve).
 */

/** A model's measured curve: [cosine threshold, FAR] ascending, over `impostorPairs` impostor pairs. */
export interface FarCurvePoints {
  readonly points: ReadonlyArray<readonly [number, number]>;
  readonly impostorPairs: number;
}

/** The FAR at `threshold` and "about 1 false match per `oneIn` faces" (null: rarer than one pair in those measured). */
export function falseMatchOnCurve(c: FarCurvePoints, threshold: number): { far: number; oneIn: number | null } {
  const p = c.points;
  if (p.length === 0) return { far: Number.NaN, oneIn: null };
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
  return { far, oneIn: far >= floor ? Math.round(1 / far) : null };
}
