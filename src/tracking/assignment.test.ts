import { describe, expect, it } from 'vitest';
import { solveAssignment } from './assignment.js';
import { prng } from './testing/scenario.js';

/** Exhaustive reference: most feasible matches, then least total cost. */
function brute(cost: number[], rows: number, cols: number, maxCost: number): { n: number; total: number } {
  let best = { n: 0, total: 0 };
  const usedCols = new Array<boolean>(cols).fill(false);
  const rec = (r: number, n: number, total: number): void => {
    if (r === rows) {
      if (n > best.n || (n === best.n && total < best.total - 1e-12)) best = { n, total };
      return;
    }
    rec(r + 1, n, total);
    for (let c = 0; c < cols; c++) {
      const v = cost[r * cols + c]!;
      if (usedCols[c] || !(v <= maxCost)) continue;
      usedCols[c] = true;
      rec(r + 1, n + 1, total + v);
      usedCols[c] = false;
    }
  };
  rec(0, 0, 0);
  return best;
}

describe('linear assignment', () => {
  it('finds the optimal gated matching on random rectangular matrices', () => {
    const rnd = prng(3);
    for (let trial = 0; trial < 300; trial++) {
      const rows = 1 + Math.floor(rnd() * 6);
      const cols = 1 + Math.floor(rnd() * 6);
      const cost = Array.from({ length: rows * cols }, () => (rnd() < 0.25 ? Infinity : rnd()));
      const maxCost = 0.8;
      const { rowToCol, colToRow } = solveAssignment(cost, rows, cols, maxCost);
      let n = 0;
      let total = 0;
      rowToCol.forEach((c, r) => {
        if (c < 0) return;
        expect(colToRow[c]).toBe(r);
        const v = cost[r * cols + c]!;
        expect(v).toBeLessThanOrEqual(maxCost);
        n += 1;
        total += v;
      });
      const want = brute(cost, rows, cols, maxCost);
      expect(n).toBe(want.n);
      expect(total).toBeCloseTo(want.total, 9);
    }
  });

  it('prefers the globally best pairing over the greedy one', () => {
    // Greedy takes (0,0)=0.1 and is left with (1,1)=0.9; optimal is (0,1)+(1,0) = 0.2+0.3.
    const { rowToCol } = solveAssignment([0.1, 0.2, 0.3, 0.9], 2, 2, 1);
    expect([...rowToCol]).toEqual([1, 0]);
  });

  it('handles empty inputs', () => {
    expect(solveAssignment([], 0, 3, 1).colToRow).toEqual(new Int32Array([-1, -1, -1]));
    expect(solveAssignment([], 2, 0, 1).rowToCol).toEqual(new Int32Array([-1, -1]));
  });
});
