import { describe, expect, it } from 'vitest';
import { badText } from './text-guard.js';

describe('badText', () => {
  it('finds a NUL or a lone surrogate in values and keys, at any depth, with its path', () => {
    expect(badText({ name: 'a\u0000b' })).toBe('.name');
    expect(badText({ entries: [{ note: 'x\ud800y' }] })).toBe('.entries.0.note');
    expect(badText({ ['k\udc00']: 1 })).toBe('.k\udc00');
    expect(badText('\udfff')).toBe('.');
  });

  it('passes well-formed text of every script, emoji (surrogate pairs), controls other than NUL, and binary values', () => {
    expect(badText({ a: 'Công an Đà Nẵng 🚓 日本語 \u202e\t\n', b: [1, true, null], c: new Uint8Array([0, 0xd8]) })).toBeNull();
  });
});
