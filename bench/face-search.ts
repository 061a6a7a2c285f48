/**
 * faces.search: person search over 1 M stored faces (issue #24: p95 ≤ 100 ms), with the index the service uses
 * (src/store/vector-index.ts, IVF-flat) and its recall@10 against the exact scan of the same vectors.
 * The faces are synthetic 128-d embeddings with the structure of real ones: 100 000 people, each face a noisy sample of
 * its person's point on the sphere (same-person cosine ≈ 0.64, as the face models give on CCTV-sized faces).
 * ARGUS_BENCH_FACES sets the number of faces (default 1 000 000).
 */
import { VectorIndex } from '../src/store/vector-index.js';

const DIM = 128;

function gaussian(seed: number): () => number {
  let t = seed >>> 0;
  const u = (): number => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return (((r ^ (r >>> 14)) >>> 0) + 1) / 4294967298;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

const normalise = (v: Float32Array): Float32Array => {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n);
  for (let i = 0; i < v.length; i++) v[i]! /= n;
  return v;
};

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const r2 = (x: number): number => Math.round(x * 100) / 100;

export async function benchFaceSearch(): Promise<Record<string, unknown>> {
  const faces = Number(process.env.ARGUS_BENCH_FACES ?? 1_000_000);
  const people = Math.max(10, Math.round(faces / 10));
  const g = gaussian(11);
  const centres = new Float32Array(people * DIM);
  for (let p = 0; p < people; p++) normalise(centres.subarray(p * DIM, (p + 1) * DIM).map(() => g()) as Float32Array).forEach((x, i) => (centres[p * DIM + i] = x));
  const noise = 0.75 / Math.sqrt(DIM);
  const sample = (p: number): Float32Array => {
    const v = new Float32Array(DIM);
    for (let i = 0; i < DIM; i++) v[i] = centres[p * DIM + i]! + noise * g();
    return normalise(v);
  };
  const idx = new VectorIndex({ dim: DIM });
  const t0 = performance.now();
  const heap0 = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  for (let i = 0; i < faces; i++) {
    idx.add(`f${i}`, sample(i % people), { atMs: 1_700_000_000_000 + i * 250, camera: i % 200 });
    if (i % 200_000 === 199_999) process.stderr.write(`bench: faces.search: ${i + 1} faces indexed\n`);
  }
  const buildSec = (performance.now() - t0) / 1000;
  const memMiB = (process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers - heap0) / 2 ** 20;
  const queries = Array.from({ length: 200 }, (_, i) => sample((i * 7919) % people));
  const ms: number[] = [];
  const filtered: number[] = [];
  for (const q of queries) {
    const a = performance.now();
    idx.search(q, 50);
    ms.push(performance.now() - a);
  }
  // A filtered search: one hour and 20 cameras (an investigator's usual question).
  const cams = new Set(Array.from({ length: 20 }, (_, i) => i));
  for (const q of queries.slice(0, 50)) {
    const a = performance.now();
    idx.search(q, 50, { fromMs: 1_700_000_000_000, toMs: 1_700_000_000_000 + 3_600_000 * 24, cameras: cams });
    filtered.push(performance.now() - a);
  }
  let agree = 0;
  let exactMs = 0;
  const n = 40;
  for (const q of queries.slice(0, n)) {
    const approx = new Set(idx.search(q, 10).map((h) => h.id));
    const a = performance.now();
    const exact = idx.search(q, 10, {}, true);
    exactMs += performance.now() - a;
    agree += exact.filter((h) => approx.has(h.id)).length;
  }
  return {
    index: 'IVF-flat (src/store/vector-index.ts), cosine on L2-normalised float32',
    faces, dim: DIM, partitioned: idx.partitioned,
    buildSec: r2(buildSec), memoryMiB: Math.round(memMiB),
    searchMsP50: r2(pct(ms, 50)), searchMsP95: r2(pct(ms, 95)),
    filteredSearchMsP95: r2(pct(filtered, 95)),
    exactScanMsMean: r2(exactMs / n),
    recallAt10VsExact: r2(agree / (n * 10)),
  };
}
