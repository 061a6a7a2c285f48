import { describe, expect, it } from 'vitest';
import { evaluateEmbeddings, tarAtFar } from './evaluate.js';

const v = (...xs: number[]): Float32Array => Float32Array.from(xs);

describe('face evaluation', () => {
  it('TAR at FAR: the threshold lets at most FAR·|impostors| impostor pairs through', () => {
    const impostor = Array.from({ length: 1000 }, (_, i) => i / 1000); // 0 … 0.999
    const genuine = [0.9985, 0.998, 0.5, 0.9995];
    // FAR 1e-3: one impostor (0.999) may pass: threshold 0.998 → genuine 0.9985 and 0.9995 pass.
    expect(tarAtFar(genuine, impostor, 1e-3)).toEqual({ tar: 0.5, threshold: 0.998 });
    expect(tarAtFar(genuine, impostor, 1e-2).tar).toBe(0.75);
  });

  it('rank-1 leave-one-out and pair counts', () => {
    const emb = [v(1, 0), v(0.9, 0.1), v(0, 1), v(0.1, 0.9), v(0.8, 0.2)];
    const ids = ['a', 'a', 'b', 'b', 'b'];
    const r = evaluateEmbeddings(emb, ids);
    expect(r.genuinePairs).toBe(1 + 3);
    expect(r.impostorPairs).toBe(6);
    // The last 'b' looks like an 'a': its nearest neighbour is wrong; every other probe is right.
    expect(r.rank1).toBeCloseTo(4 / 5, 9);
    expect(r.people).toBe(2);
  });
});
