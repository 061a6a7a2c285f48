import { describe, expect, it } from 'vitest';
import { LookThrottle } from './look-throttle.js';

describe('LookThrottle', () => {
  it('lets one look per key and window through', () => {
    const t = new LookThrottle(60_000);
    expect(t.due('u1|cam-a', 0)).toBe(true);
    expect(t.due('u1|cam-a', 2_000)).toBe(false);
    expect(t.due('u2|cam-a', 2_000)).toBe(true);
    expect(t.due('u1|cam-b', 2_000)).toBe(true);
    expect(t.due('u1|cam-a', 60_000)).toBe(true);
    expect(t.due('u1|cam-a', 61_000)).toBe(false);
  });

  it('stays bounded: expired keys go first, then everything', () => {
    const t = new LookThrottle(1_000, 3);
    for (const k of ['a', 'b', 'c']) t.due(k, 0);
    expect(t.due('d', 5_000)).toBe(true);
    expect(t.due('a', 5_001)).toBe(true);
    expect(t.due('d', 5_002)).toBe(false);
  });
});
