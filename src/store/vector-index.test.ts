import { describe, expect, it } from 'vitest';
import { VectorIndex } from './vector-index.js';

/** Identities on the unit sphere, and noisy samples of them (as face embeddings of one person are). */
function world(dim: number, people: number, seed = 7) {
  let t = seed;
  const rand = () => ((t = (t * 1103515245 + 12345) % 2147483648) / 2147483648);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const norm = (v: number[]) => {
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  };
  const centres = Array.from({ length: people }, () => norm(Array.from({ length: dim }, gauss)));
  const sample = (p: number, noise = 0.35) => norm(centres[p]!.map((x) => x + (noise / Math.sqrt(dim)) * gauss()));
  return { sample, rand };
}

describe('VectorIndex', () => {
  it('finds the same nearest faces as an exact scan, before and after it splits into lists', () => {
    const dim = 32;
    const { sample } = world(dim, 400);
    const idx = new VectorIndex({ dim, exactBelow: 2_000, nprobe: 6 });
    for (let i = 0; i < 6_000; i++) idx.add(`f${i}`, sample(i % 400), { atMs: i, camera: i % 5 });
    expect(idx.partitioned).toBe(true);
    expect(idx.size).toBe(6_000);
    let agree = 0;
    for (let p = 0; p < 50; p++) {
      const q = sample(p);
      const approx = idx.search(q, 10).map((h) => h.id);
      const exact = idx.search(q, 10, {}, true).map((h) => h.id);
      agree += approx.filter((id) => exact.includes(id)).length;
      // the top hits are that person's faces (ids f<p>, f<p+400>, …)
      expect(Number(exact[0]!.slice(1)) % 400).toBe(p);
    }
    expect(agree / 500).toBeGreaterThan(0.9);
  });

  it('applies the time and camera filter while scanning, widening to every list when the probed ones hold too few', () => {
    const dim = 16;
    const { sample } = world(dim, 100);
    const idx = new VectorIndex({ dim, exactBelow: 500, nprobe: 1 });
    for (let i = 0; i < 3_000; i++) idx.add(`f${i}`, sample(i % 100), { atMs: i * 1000, camera: i % 3 });
    // the one face of person 7 on camera 2 in this window is far from the query's list: it must still come back
    const hits = idx.search(sample(7), 5, { fromMs: 1_000_000, toMs: 1_060_000, cameras: new Set([2]) });
    const ids = hits.map((h) => Number(h.id.slice(1)));
    expect(ids.length).toBe(5);
    for (const i of ids) {
      expect(i % 3).toBe(2);
      expect(i * 1000).toBeGreaterThanOrEqual(1_000_000);
      expect(i * 1000).toBeLessThan(1_060_000);
    }
    expect(ids[0]! % 100).toBe(7);
    const scores = hits.map((h) => h.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('refuses a vector of the wrong size', () => {
    expect(() => new VectorIndex({ dim: 4 }).add('x', [1, 0, 0], { atMs: 0, camera: 0 })).toThrow(/3 dimensions/);
  });
});
