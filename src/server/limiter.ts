/** A fixed-window counter per key (login attempts per IP, requests per API key). In memory, bounded. */
export class WindowLimiter {
  private readonly windows = new Map<string, { startMs: number; n: number }>();
  constructor(private readonly windowMs: number, private readonly maxKeys = 100_000) {}

  /** Counts one hit; true when it is within `limit` for the current window. */
  hit(key: string, limit: number, nowMs = Date.now()): boolean {
    let w = this.windows.get(key);
    if (!w || nowMs - w.startMs >= this.windowMs) {
      if (this.windows.size >= this.maxKeys) this.prune(nowMs);
      w = { startMs: nowMs, n: 0 };
      this.windows.set(key, w);
    }
    w.n++;
    return w.n <= limit;
  }

  retryAfterSec(key: string, nowMs = Date.now()): number {
    const w = this.windows.get(key);
    return w ? Math.max(1, Math.ceil((w.startMs + this.windowMs - nowMs) / 1000)) : 1;
  }

  private prune(nowMs: number): void {
    for (const [k, w] of this.windows) if (nowMs - w.startMs >= this.windowMs) this.windows.delete(k);
    if (this.windows.size >= this.maxKeys) this.windows.clear();
  }
}
