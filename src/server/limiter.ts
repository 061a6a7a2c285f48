/**
 * Counters of the API's limits, in memory and bounded: a fixed window per key (login attempts per address, requests
 * per API key), and the sign-in attempt counter with its lockout (per username and address, and per username that
 * does not exist — the store counts the ones that do, by the same rules).
 */
import { isIPv6 } from 'node:net';
import type { LoginFailureCount } from '../store/store.js';

/** A fixed-window counter per key. */
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

interface Attempts { failedLogins: number; lockedUntilMs: number | null; lastMs: number }

/**
 * Sign-in attempts per key with a lockout, the rules of `Store.recordLoginFailure`: each attempt counts; the one that
 * brings the count to `max` locks the key for `lockoutMs`; attempts during the lock count but do not extend it; a
 * new period starts at 1 when the lock is over or the last attempt is `lockoutMs` old. `reset` on success.
 */
export class AttemptCounter {
  private readonly entries = new Map<string, Attempts>();
  constructor(private readonly max: number, private readonly lockoutMs: number, private readonly maxKeys = 100_000) {}

  count(key: string, nowMs: number): LoginFailureCount {
    const prev = this.entries.get(key);
    const lockOn = prev?.lockedUntilMs != null && prev.lockedUntilMs > nowMs;
    const restart = !prev || (prev.lockedUntilMs !== null ? !lockOn : prev.lastMs <= nowMs - this.lockoutMs);
    const failedLogins = restart ? 1 : prev.failedLogins + 1;
    const lockedUntilMs = lockOn ? prev.lockedUntilMs : failedLogins >= this.max ? nowMs + this.lockoutMs : null;
    if (!prev && this.entries.size >= this.maxKeys) this.prune(nowMs);
    this.entries.set(key, { failedLogins, lockedUntilMs, lastMs: nowMs });
    return { failedLogins, lockedUntilMs };
  }

  reset(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Entries whose period is over are forgotten (nothing is lost: the next attempt would start over anyway). */
  private prune(nowMs: number): void {
    for (const [k, e] of this.entries) {
      if (e.lockedUntilMs !== null ? e.lockedUntilMs <= nowMs : e.lastMs <= nowMs - this.lockoutMs) this.entries.delete(k);
    }
    // Still full of live locks (a flood of distinct keys): drop the oldest half rather than grow.
    if (this.entries.size >= this.maxKeys) {
      let drop = Math.floor(this.entries.size / 2);
      for (const k of this.entries.keys()) {
        if (drop-- <= 0) break;
        this.entries.delete(k);
      }
    }
  }
}

/** An attempt the lockout refuses: the seconds until it ends (for Retry-After). */
export const retryAfterSecOf = (lockedUntilMs: number, nowMs: number): number => Math.max(1, Math.ceil((lockedUntilMs - nowMs) / 1000));

/** Whether this attempt is refused: the period's maximum is passed (the max-th attempt itself still runs). */
export const overLimit = (c: LoginFailureCount, max: number): boolean => c.lockedUntilMs !== null && c.failedLogins > max;

/**
 * The key of a source address for the limiters: an IPv4 address as is, an IPv6 address by its /64 (one host gets a
 * whole /64, so counting single IPv6 addresses would let it rotate through 2⁶⁴ of them). IPv4-mapped IPv6 is IPv4.
 */
export function sourceKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
