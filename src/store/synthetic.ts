/**
 * Synthetic, Vietnamese-shaped plate traffic for benchmarks, demos and tests (deterministic).
 * Not real registrations.
 */

/** Deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PROVINCES = ['29', '30', '31', '33', '40', '51', '59', '43', '15', '36', '88', '99', '14', '17', '34', '37', '47', '60', '72', '92'];
const CAR_SERIES = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'K', 'L', 'LD', 'KT'];
const BIKE_SERIES = ['B1', 'B2', 'C1', 'D1', 'E1', 'F1', 'G1', 'H1', 'K1', 'L1', 'M1', 'N1', 'P1', 'S1', 'T1', 'U1', 'V1', 'X1', 'Y1', 'Z1', 'AA', 'AB', 'AC', 'AD', 'AE'];

/** The plate of vehicle number `v`: deterministic, Vietnamese-shaped (province, series, 4–5 digits). */
export function vehiclePlate(v: number): string {
  const h = Math.imul(v ^ 0x5bd1e995, 0x9e3779b1) >>> 0;
  const h2 = Math.imul(h ^ (h >>> 13), 0x85ebca6b) >>> 0;
  // Skew the province: half of the traffic is local (Hà Nội codes first in the list).
  const p = PROVINCES[(h % 4 === 0 ? h2 : h2 % 5) % PROVINCES.length]!;
  const bike = h2 % 10 < 7;
  const series = bike ? BIKE_SERIES[(h >>> 8) % BIKE_SERIES.length]! : CAR_SERIES[(h >>> 8) % CAR_SERIES.length]!;
  const serial = (h2 >>> 4) % 100_000;
  const old = !bike && (h >>> 20) % 10 === 0;
  return p + series + (old ? String(serial % 10_000).padStart(4, '0') : String(serial).padStart(5, '0'));
}
