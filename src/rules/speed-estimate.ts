/** A timed ground position, metres. */
export interface GroundSample {
  readonly tMs: number;
  readonly x: number;
  readonly y: number;
}

function median(values: Float64Array): number {
  values.sort();
  const m = values.length >> 1;
  return values.length % 2 === 1 ? values[m]! : (values[m - 1]! + values[m]!) / 2;
}

/**
 * Robust velocity from ground positions: the Theil–Sen slope (median of pairwise slopes) of x(t) and y(t).
 * Insensitive to up to ~29 % outliers (box jumps, occlusions). Returns undefined with fewer than 2 samples
 * or no time span.
 */
export function estimateSpeed(samples: readonly GroundSample[]): { speedKmh: number; vxMps: number; vyMps: number } | undefined {
  const pairs = (samples.length * (samples.length - 1)) / 2;
  const sx = new Float64Array(pairs);
  const sy = new Float64Array(pairs);
  let k = 0;
  for (let i = 0; i < samples.length; i++) {
    for (let j = i + 1; j < samples.length; j++) {
      const a = samples[i]!;
      const b = samples[j]!;
      const dt = (b.tMs - a.tMs) / 1000;
      if (dt <= 0) continue;
      sx[k] = (b.x - a.x) / dt;
      sy[k++] = (b.y - a.y) / dt;
    }
  }
  if (k === 0) return undefined;
  const vxMps = median(sx.subarray(0, k));
  const vyMps = median(sy.subarray(0, k));
  return { speedKmh: Math.hypot(vxMps, vyMps) * 3.6, vxMps, vyMps };
}

/** Ordinary least-squares speed, km/h (O(n), not robust): a cheap pre-check before the robust fit. */
export function leastSquaresSpeedKmh(samples: readonly GroundSample[]): number | undefined {
  const n = samples.length;
  if (n < 2) return undefined;
  let st = 0;
  let sx = 0;
  let sy = 0;
  for (const s of samples) {
    st += s.tMs;
    sx += s.x;
    sy += s.y;
  }
  const mt = st / n;
  const mx = sx / n;
  const my = sy / n;
  let stt = 0;
  let stx = 0;
  let sty = 0;
  for (const s of samples) {
    const dt = (s.tMs - mt) / 1000;
    stt += dt * dt;
    stx += dt * (s.x - mx);
    sty += dt * (s.y - my);
  }
  return stt > 0 ? Math.hypot(stx / stt, sty / stt) * 3.6 : undefined;
}
