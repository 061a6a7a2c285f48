/** Running per-stage timings: a fixed-size reservoir per stage, so memory stays flat on a 24/7 camera. */
export class StageTimer {
  private readonly samples = new Map<string, { values: Float64Array; n: number; total: number; count: number }>();
  constructor(private readonly capacity = 512) {}

  add(stage: string, ms: number): void {
    let s = this.samples.get(stage);
    if (!s) {
      s = { values: new Float64Array(this.capacity), n: 0, total: 0, count: 0 };
      this.samples.set(stage, s);
    }
    s.values[s.n % this.capacity] = ms;
    s.n++;
    s.total += ms;
    s.count++;
  }

  /** `{ stage: { meanMs, p50Ms, p95Ms, count } }` over the recent window (mean over all). */
  summary(): Record<string, { meanMs: number; p50Ms: number; p95Ms: number; count: number }> {
    const out: Record<string, { meanMs: number; p50Ms: number; p95Ms: number; count: number }> = {};
    for (const [stage, s] of this.samples) {
      const window = Array.from(s.values.subarray(0, Math.min(s.n, this.capacity))).sort((a, b) => a - b);
      const q = (p: number): number => window[Math.min(window.length - 1, Math.floor(p * window.length))] ?? 0;
      out[stage] = { meanMs: round(s.total / Math.max(1, s.count)), p50Ms: round(q(0.5)), p95Ms: round(q(0.95)), count: s.count };
    }
    return out;
  }
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
