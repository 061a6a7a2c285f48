/**
 * A damaged stream still delivers frames — the decoder conceals what it cannot decode — so frames alone do not
 * tell that a camera sends garbage; the decoder's errors do. This counts ffmpeg's error lines (it runs at
 * `-loglevel error`) in a sliding window: `minErrors` within `windowMs` is a damaged stream, a whole window without
 * one is a clean stream again. Bounded memory whatever the rate of errors.
 */
export class DecodeDamage {
  private readonly times: number[] = [];

  constructor(readonly windowMs = 10_000, readonly minErrors = 5) {}

  /** Counts one error line at `nowMs`; true when the window now holds enough of them to call the stream damaged. */
  error(nowMs: number): boolean {
    this.times.push(nowMs);
    this.prune(nowMs);
    return this.times.length >= this.minErrors;
  }

  /** Error lines within the window ending at `nowMs`. */
  count(nowMs: number): number {
    this.prune(nowMs);
    return this.times.length;
  }

  private prune(nowMs: number): void {
    let drop = 0;
    while (drop < this.times.length && nowMs - this.times[drop]! > this.windowMs) drop++;
    if (this.times.length - drop > 1000) drop = this.times.length - 1000;
    if (drop > 0) this.times.splice(0, drop);
  }
}
