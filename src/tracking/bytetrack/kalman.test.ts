import { describe, expect, it } from 'vitest';
import { REF_DT_SEC, kalmanInit, kalmanPredict, kalmanUpdate, kalmanXyah, type KalmanState } from './kalman.js';

type M = number[][];
const zeros = (r: number, c: number): M => Array.from({ length: r }, () => new Array<number>(c).fill(0));
const eye = (n: number): M => zeros(n, n).map((row, i) => row.map((_, j) => (i === j ? 1 : 0)));
const mul = (a: M, b: M): M => a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
const tr = (a: M): M => a[0]!.map((_, j) => a.map((row) => row[j]!));
const add = (a: M, b: M): M => a.map((row, i) => row.map((v, j) => v + b[i]![j]!));
const diag = (v: number[]): M => v.map((x, i) => v.map((_, j) => (i === j ? x : 0)));
function inv(a: M): M {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...eye(n)[i]!]);
  for (let c = 0; c < n; c++) {
    const p = m[c]![c]!;
    for (let j = 0; j < 2 * n; j++) m[c]![j]! /= p;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]!;
      for (let j = 0; j < 2 * n; j++) m[r]![j]! -= f * m[c]![j]!;
    }
  }
  return m.map((row) => row.slice(n));
}

/** The paper's dense 8×8 filter, written independently, with per-second velocities and dt-scaled noise. */
class DenseKalman {
  x: M;
  P: M;
  constructor(z: number[]) {
    const h = z[3]!;
    this.x = [...z, 0, 0, 0, 0].map((v) => [v]);
    const sp = [h / 20, h / 20, 1e-2, h / 20].map((s) => 2 * s);
    const sv = [h / 160, h / 160, 1e-5, h / 160].map((s) => (10 * s) / REF_DT_SEC);
    this.P = diag([...sp, ...sv].map((s) => s * s));
  }
  predict(dt: number): void {
    const h = this.x[3]![0]!;
    const F = eye(8);
    for (let i = 0; i < 4; i++) F[i]![i + 4] = dt;
    const k = dt / REF_DT_SEC;
    const sp = [h / 20, h / 20, 1e-2, h / 20];
    const sv = [h / 160, h / 160, 1e-5, h / 160].map((s) => s / REF_DT_SEC);
    this.x = mul(F, this.x);
    this.P = add(mul(mul(F, this.P), tr(F)), diag([...sp, ...sv].map((s) => s * s * k)));
  }
  update(z: number[]): void {
    const h = this.x[3]![0]!;
    const H = zeros(4, 8);
    for (let i = 0; i < 4; i++) H[i]![i] = 1;
    const R = diag([h / 20, h / 20, 1e-1, h / 20].map((s) => s * s));
    const S = add(mul(mul(H, this.P), tr(H)), R);
    const K = mul(mul(this.P, tr(H)), inv(S));
    const y = z.map((v, i) => [v - this.x[i]![0]!]);
    this.x = add(this.x, mul(K, y));
    this.P = mul(add(eye(8), mul(K, H).map((row) => row.map((v) => -v))), this.P);
  }
}

const covEntry = (k: KalmanState, r: number, c: number): number => {
  if (r % 4 !== c % 4) return 0;
  const b = (r % 4) * 3;
  return r < 4 && c < 4 ? k.cov[b]! : r >= 4 && c >= 4 ? k.cov[b + 2]! : k.cov[b + 1]!;
};

describe('Kalman filter', () => {
  it('equals the dense 8×8 filter over irregular time steps', () => {
    const z0 = [400, 300, 0.6, 120];
    const fast = kalmanInit([400, 300, 0.6, 120]);
    const dense = new DenseKalman(z0);
    const steps = [0.2, 0.066, 0.5, 0.1, 0.033, 0.4, 0.2];
    steps.forEach((dt, i) => {
      kalmanPredict(fast, dt);
      dense.predict(dt);
      const z = [400 + 150 * (i + 1) * 0.2 + (i % 2) * 3, 300 - 20 * i, 0.6 + 0.01 * (i % 3), 120 + i];
      kalmanUpdate(fast, z as [number, number, number, number]);
      dense.update(z);
    });
    for (let r = 0; r < 8; r++) {
      expect(fast.mean[r]!).toBeCloseTo(dense.x[r]![0]!, 6);
      for (let c = 0; c < 8; c++) {
        const want = dense.P[r]![c]!;
        expect(Math.abs(covEntry(fast, r, c) - want)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(want)));
      }
    }
  });

  it.each([5, 15, 30])('estimates the velocity in pixels per second at %i fps', (fps) => {
    const k = kalmanInit([100, 200, 0.5, 80]);
    for (let i = 1; i <= fps * 3; i++) {
      kalmanPredict(k, 1 / fps);
      kalmanUpdate(k, [100 + (200 * i) / fps, 200 - (50 * i) / fps, 0.5, 80]);
    }
    expect(k.mean[4]!).toBeGreaterThan(190);
    expect(k.mean[4]!).toBeLessThan(210);
    expect(k.mean[5]!).toBeGreaterThan(-55);
    expect(k.mean[5]!).toBeLessThan(-45);
    kalmanPredict(k, 1);
    expect(kalmanXyah(k)[0]).toBeCloseTo(100 + 200 * 4, -1);
  });

  it('grows the uncertainty with the time predicted and ignores non-positive steps', () => {
    const a = kalmanInit([0, 0, 1, 100]);
    const b = kalmanInit([0, 0, 1, 100]);
    kalmanPredict(a, 0.1);
    kalmanPredict(b, 0.5);
    expect(b.cov[0]!).toBeGreaterThan(a.cov[0]!);
    const before = Float64Array.from(a.cov);
    kalmanPredict(a, 0);
    kalmanPredict(a, -1);
    expect(a.cov).toEqual(before);
  });
});
