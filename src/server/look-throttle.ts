/**
 * "One look" at footage for the audit log. Every byte of footage served is covered by an audit row, written before
 * the bytes are sent; what folds repeated requests into one row is the server, never the client: a key (actor and
 * the file, or actor and the camera for live view) seen within the window is already covered. A player's range
 * requests while seeking, a wall refreshing a snapshot, the segments of a live stream: one row per window.
 *
 * The key is remembered only once its row is written: when the audit fails, the request fails and the next one
 * tries again. Concurrent requests for one key share the one write. Memory is bounded (expired keys go first).
 */
/** One look at live view (snapshots, an HLS stream) per actor and camera in this window. */
export const LIVE_LOOK_MS = 60_000;
/** One look at a file (a recording, an evidence file: seeking, buffering, downloading again) per actor and file. */
export const FILE_LOOK_MS = 5 * 60_000;

export class LookThrottle {
  private readonly last = new Map<string, number>();
  private readonly writing = new Map<string, Promise<void>>();

  constructor(private readonly windowMs: number, private readonly maxKeys = 10_000, private readonly now: () => number = Date.now) {}

  /** Resolves once `key` is covered by an audit row: `write` is called unless a row for it was written within the window. */
  async cover(key: string, write: () => Promise<void>): Promise<void> {
    const pending = this.writing.get(key);
    if (pending) return pending;
    const at = this.last.get(key);
    const nowMs = this.now();
    if (at !== undefined && nowMs - at < this.windowMs) return;
    const p = write()
      .then(() => this.remember(key, nowMs))
      .finally(() => this.writing.delete(key));
    this.writing.set(key, p);
    return p;
  }

  private remember(key: string, nowMs: number): void {
    if (this.last.size >= this.maxKeys && !this.last.has(key)) {
      for (const [k, t] of this.last) if (nowMs - t >= this.windowMs) this.last.delete(k);
      // Still full: forget everything (more rows, never fewer).
      if (this.last.size >= this.maxKeys) this.last.clear();
    }
    this.last.set(key, nowMs);
  }
}
