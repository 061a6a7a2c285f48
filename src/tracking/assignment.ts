/**
 * Linear assignment (Hungarian / Jonker-Volgenant shortest augmenting paths with potentials, O(n²·m)) on a
 * dense row-major cost matrix, with a gate: pairs whose cost exceeds `maxCost` (or is not finite) are never
 * matched. Gated pairs are replaced by a cost larger than any feasible total, so the solver first maximises
 * the number of feasible matches, then minimises their summed cost.
 */

export interface Assignment {
  /** For each row, the matched column or -1. */
  readonly rowToCol: Int32Array;
  /** For each column, the matched row or -1. */
  readonly colToRow: Int32Array;
}

/** Solve for a `rows × cols` matrix `cost` (row-major, length rows·cols). */
export function solveAssignment(cost: ArrayLike<number>, rows: number, cols: number, maxCost: number): Assignment {
  const rowToCol = new Int32Array(rows).fill(-1);
  const colToRow = new Int32Array(cols).fill(-1);
  if (rows === 0 || cols === 0) return { rowToCol, colToRow };
  const transpose = rows > cols;
  const n = transpose ? cols : rows;
  const m = transpose ? rows : cols;
  const big = gatedCost(cost, maxCost) * (n + 1) + 1;
  const a = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const c = transpose ? cost[j * cols + i]! : cost[i * cols + j]!;
      a[i * m + j] = Number.isFinite(c) && c <= maxCost ? c : big;
    }
  }
  const p = hungarian(a, n, m);
  for (let j = 0; j < m; j++) {
    const i = p[j + 1]! - 1;
    if (i < 0 || a[i * m + j]! >= big) continue;
    const r = transpose ? j : i;
    const c = transpose ? i : j;
    rowToCol[r] = c;
    colToRow[c] = r;
  }
  return { rowToCol, colToRow };
}

/** Largest absolute feasible cost (at least 1): the base of the "infeasible" cost. */
function gatedCost(cost: ArrayLike<number>, maxCost: number): number {
  let worst = 1;
  for (let k = 0; k < cost.length; k++) {
    const c = cost[k]!;
    if (Number.isFinite(c) && c <= maxCost) worst = Math.max(worst, Math.abs(c));
  }
  return worst;
}

/** Classic potentials algorithm for n ≤ m; returns p (1-based): p[j] = row matched to column j, 0 if none. */
function hungarian(a: Float64Array, n: number, m: number): Int32Array {
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1);
  const way = new Int32Array(m + 1);
  const minv = new Float64Array(m + 1);
  const used = new Uint8Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0]!;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = a[(i0 - 1) * m + (j - 1)]! - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]!] = u[p[j]!]! + delta;
          v[j] = v[j]! - delta;
        } else {
          minv[j] = minv[j]! - delta;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  return p;
}
