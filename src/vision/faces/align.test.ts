import { describe, expect, it } from 'vitest';
import { applyAffine, ARCFACE_112, DLIB_150, invertAffine, remapAligned, similarity, templatePoints, warpAffineRgb, type Affine } from './align.js';

describe('five-point similarity', () => {
  it('recovers a known rotation, scale and shift exactly', () => {
    const a = 0.3, k = 1.8;
    const m: Affine = [k * Math.cos(a), -k * Math.sin(a), 12, k * Math.sin(a), k * Math.cos(a), -7];
    const to = ARCFACE_112.map((p) => applyAffine(m, p));
    const got = similarity(ARCFACE_112, to);
    got.forEach((v, i) => expect(v).toBeCloseTo(m[i]!, 9));
    const back = invertAffine(got);
    const p = applyAffine(back, applyAffine(got, [10, 20]));
    expect(p[0]).toBeCloseTo(10, 9);
    expect(p[1]).toBeCloseTo(20, 9);
  });

  it('never mirrors: mirrored points give the best rotation, not a reflection', () => {
    const mirrored = ARCFACE_112.map(([x, y]) => [112 - x, y] as const);
    const m = similarity(ARCFACE_112, mirrored);
    expect(m[0] * m[4] - m[1] * m[3]).toBeGreaterThan(0);
  });

  it('scales the templates with the output size and keeps YuNet order (right eye on the left)', () => {
    const t = templatePoints('arcface', 224);
    expect(t[0][0]).toBeCloseTo(ARCFACE_112[0][0] * 2, 9);
    for (const p of [ARCFACE_112, DLIB_150]) {
      expect(p[0][0]).toBeLessThan(p[1][0]);
      expect(p[3][0]).toBeLessThan(p[4][0]);
      expect(p[2][1]).toBeGreaterThan(p[0][1]);
      expect(p[3][1]).toBeGreaterThan(p[2][1]);
    }
  });
});

describe('warp', () => {
  it('identity copies, a shift moves by whole pixels, borders replicate', () => {
    const w = 4;
    const rgb = Uint8Array.from({ length: w * w * 3 }, (_, i) => i);
    expect(Array.from(warpAffineRgb(rgb, w, w, [1, 0, 0, 0, 1, 0], w))).toEqual(Array.from(rgb));
    const shifted = warpAffineRgb(rgb, w, w, [1, 0, 1, 0, 1, 0], w); // out(u) = in(u − 1)
    expect(shifted[3]).toBe(rgb[0]); // pixel 1 of row 0 ← pixel 0
    expect(shifted[0]).toBe(rgb[0]); // pixel 0 ← replicated border
  });

  it('re-cuts an ArcFace crop to the dlib chip and keeps arcface→arcface untouched', () => {
    const face = { rgb: new Uint8Array(112 * 112 * 3).fill(7), size: 112, template: 'arcface' as const };
    expect(remapAligned(face, 'arcface', 112)).toBe(face);
    const chip = remapAligned(face, 'dlib', 150);
    expect(chip.size).toBe(150);
    expect(chip.template).toBe('dlib');
    expect(chip.rgb.every((v) => v === 7)).toBe(true);
  });
});
