/**
 * A latency histogram with fixed buckets (Prometheus' cumulative `le` buckets, seconds), kept as plain counters:
 * cheap to observe on a hot path (one comparison per bucket), read whole at scrape time. Pure; imports nothing.
 */

/** Bucket bounds for latencies, seconds: 1 ms … 10 s. */
export const LATENCY_BUCKETS_SEC: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface HistogramSnapshot {
  /** Upper bounds, ascending (the +Inf bucket is `count`). */
  readonly bounds: readonly number[];
  /** Cumulative counts per bound (observations ≤ bound). */
  readonly cumulative: readonly number[];
  readonly count: number;
  readonly sum: number;
}

export class Histogram {
  private readonly counts: number[];
  private count = 0;
  private sum = 0;

  constructor(readonly bounds: readonly number[] = LATENCY_BUCKETS_SEC) {
    for (let i = 1; i < bounds.length; i++) if (!(bounds[i]! > bounds[i - 1]!)) throw new RangeError('histogram bounds must ascend');
    this.counts = bounds.map(() => 0);
  }

  /** One observation (seconds for latencies); NaN and negative values are ignored. */
  observe(value: number): void {
    if (!(value >= 0)) return;
    this.count++;
    this.sum += value;
    const i = this.bounds.findIndex((b) => value <= b);
    if (i >= 0) this.counts[i]!++;
  }

  snapshot(): HistogramSnapshot {
    let acc = 0;
    const cumulative = this.counts.map((c) => (acc += c));
    return { bounds: this.bounds, cumulative, count: this.count, sum: this.sum };
  }
}
