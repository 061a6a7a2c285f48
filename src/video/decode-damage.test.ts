import { describe, expect, it } from 'vitest';
import { DecodeDamage } from './decode-damage.js';

describe('DecodeDamage', () => {
  it('calls a stream damaged at the fifth decoder error within 10 s, not for errors spread wider apart', () => {
    const d = new DecodeDamage(10_000, 5);
    expect([0, 1000, 2000, 3000].map((t) => d.error(t))).toEqual([false, false, false, false]);
    expect(d.error(4000)).toBe(true);
    const spread = new DecodeDamage(10_000, 5);
    expect([0, 3000, 6000, 9000, 12_000, 15_000, 18_000].some((t) => spread.error(t))).toBe(false);
  });

  it('is clean again once a whole window passed without an error, and keeps at most 1000 errors', () => {
    const d = new DecodeDamage(10_000, 5);
    for (let i = 0; i < 5000; i++) d.error(i);
    expect(d.count(5000)).toBe(1000);
    expect(d.count(5000 + 10_001)).toBe(0);
  });
});
