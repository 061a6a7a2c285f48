import { describe, expect, it } from 'vitest';
import { AttemptCounter, overLimit, sourceKey, WindowLimiter } from './limiter.js';

describe('sign-in attempt counter', () => {
  it('follows the rules of the store counter: the max-th locks, the lock is not extended, a period starts over after it or after quiet', () => {
    // The same sequence as the store conformance test (recordLoginFailure), so both kinds of username look alike.
    const T = 1_800_000_000_000;
    const c = new AttemptCounter(3, 60_000);
    const seq = [0, 1, 2, 3].map((i) => c.count('u', T + i));
    expect(seq).toEqual([
      { failedLogins: 1, lockedUntilMs: null }, { failedLogins: 2, lockedUntilMs: null },
      { failedLogins: 3, lockedUntilMs: T + 2 + 60_000 }, { failedLogins: 4, lockedUntilMs: T + 2 + 60_000 },
    ]);
    expect(seq.map((x) => overLimit(x, 3))).toEqual([false, false, false, true]);
    expect(c.count('u', T + 60_002)).toEqual({ failedLogins: 1, lockedUntilMs: null });
    expect(c.count('u', T + 60_003)).toEqual({ failedLogins: 2, lockedUntilMs: null });
    expect(c.count('u', T + 120_003)).toEqual({ failedLogins: 1, lockedUntilMs: null });
    c.reset('u');
    expect(c.count('u', T + 120_004)).toEqual({ failedLogins: 1, lockedUntilMs: null });
    expect(c.count('other', T)).toEqual({ failedLogins: 1, lockedUntilMs: null });
  });

  it('stays bounded under a flood of distinct keys', () => {
    const c = new AttemptCounter(1, 60_000, 100);
    for (let i = 0; i < 10_000; i++) c.count(`k${i}`, 1000);
    expect(c.size).toBeLessThanOrEqual(100);
  });
});

describe('source key of an address', () => {
  it('keeps IPv4 as is, folds IPv4-mapped IPv6, and counts IPv6 per /64', () => {
    expect(sourceKey('203.0.113.7')).toBe('203.0.113.7');
    expect(sourceKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(sourceKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(sourceKey('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(sourceKey('2001:0DB8:0001:0002::9')).toBe('2001:db8:1:2::/64');
    expect(sourceKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(sourceKey('::1')).toBe('0:0:0:0::/64');
    expect(sourceKey('2001:db8:1:3::1')).not.toBe(sourceKey('2001:db8:1:2::1'));
  });
});

describe('window limiter', () => {
  it('allows the limit per window and tells when to retry', () => {
    const l = new WindowLimiter(60_000);
    expect([1, 2, 3].map(() => l.hit('a', 2, 1000))).toEqual([true, true, false]);
    expect(l.retryAfterSec('a', 31_000)).toBe(30);
    expect(l.hit('a', 2, 61_000)).toBe(true);
  });
});
