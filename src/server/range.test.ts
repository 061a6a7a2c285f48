import { describe, expect, it } from 'vitest';
import { parseRange } from './range.js';

describe('HTTP byte ranges', () => {
  it.each([
    ['bytes=0-99', 1000, { start: 0, end: 99 }],
    ['bytes=100-', 1000, { start: 100, end: 999 }],
    ['bytes=-100', 1000, { start: 900, end: 999 }],
    ['bytes=-5000', 1000, { start: 0, end: 999 }],
    ['bytes=0-16383', 500, { start: 0, end: 499 }],
    ['bytes=999-999', 1000, { start: 999, end: 999 }],
  ])('reads %s of a %i-byte file', (header, size, want) => {
    expect(parseRange(header, size)).toEqual(want);
  });

  it.each([['bytes=1000-'], ['bytes=2000-3000'], ['bytes=-0']])('refuses %s of a 1000-byte file as unsatisfiable', (header) => {
    expect(parseRange(header, 1000)).toBe('unsatisfiable');
  });

  it.each([[undefined], [''], ['bytes=-'], ['bytes=5-2'], ['items=0-5'], ['bytes=0-5,10-20'], ['bytes=a-b']])('ignores %s (whole file)', (header) => {
    expect(parseRange(header, 1000)).toBeNull();
  });
});
