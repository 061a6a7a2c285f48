/**
 * "One look" at footage for the audit log: a viewer whose screen refreshes a camera's snapshot every few seconds is
 * one viewing, audited once per window rather than once per picture. Keys are `actor|camera`; memory is bounded
 * (expired keys are dropped when the map grows).
 */
export class LookThrottle {
  private readonly last = new Map<string, number>();

  constructor(private readonly windowMs: number, private readonly maxKeys = 10_000) {}

  /** True when `key` was not seen within the window (and records it now). */
  due(key: string, nowMs = Date.now()): boolean {
    const at = this.last.get(key);
    if (at !== undefined && nowMs - at < this.windowMs) return false;
    if (this.last.size >= this.maxKeys) {
      for (const [k, t] of this.last) if (nowMs - t >= this.windowMs) this.last.delete(k);
      if (this.last.size >= this.maxKeys) this.last.clear();
    }
    this.last.set(key, nowMs);
    return true;
  }
}
