import { describe, expect, it } from 'vitest';
import { median } from './stats.js';

describe('median', () => {
  it('takes the middle value, the mean of the middle two, or NaN for none, leaving the input as it was', () => {
    const xs = [5, 1, 3];
    expect(median(xs)).toBe(3);
    expect(xs).toEqual([5, 1, 3]);
    expect(median([4, 1, 10, 2])).toBe(3);
    expect(median([-2.5])).toBe(-2.5);
    expect(median([])).toBeNaN();
  });
});
