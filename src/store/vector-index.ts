/**
 * Nearest faces by cosine similarity, in memory. Vectors are L2-normalised, so cosine = dot product.
 *
 * Below `exactBelow` vectors a search is an exact float32 scan. From there on every vector also has an int8 code
 * (scalar quantisation of the vector minus the mean of the first `exactBelow`, one scale per vector), and a search
 * scans all the codes with a WebAssembly SIMD kernel (vector-index-wasm.ts), keeps the `rerank` best that pass the
 * filter, and re-ranks those with their float32 vectors. Subtracting the mean changes every score of a query by the
 * same constant (q·m), so the order is kept, while the codes spend their 8 bits on what tells faces apart (face
 * models put all faces in a narrow cone). The filter (time window, cameras) is applied before the candidates are
 * chosen, so a narrow filter costs no recall and needs no widening pass. Memory: 4·dim + dim + 16 bytes a face
 * (floats, codes, scale, time, camera) plus its id: ~690 MiB at 1 M faces of 128 dimensions.
 *
 * Why not IVF: on the bench's 1 M faces (bench/face-search.ts, same box and load) the IVF-flat this replaced
 * (k-means lists, nprobe 32) built in 100–155 s and gave recall@10 vs exact 0.77 (0.41 with a filter) on faces spread
 * over the sphere, and p95 143 ms at recall 0.945 on faces in a face-api-like cone. Scanning 128 MB of codes with SIMD
 * takes ~18 ms here, its recall@10 on the bench's two shapes is 1.00 (0.983 re-ranking only k, on the tests' 64-d
 * cone), and adding a face is O(dim), with no retraining. It is linear in the number of faces: past a few million,
 * an IVF over these codes is the next step.
 * Why home-made: pgvector is not packaged here, and the npm ANN libraries need a native build or a download.
 */
import { scanKernel, wasmMemory, type ScoresFn, type WasmMemory } from './vector-index-wasm.js';

export interface VectorMeta {
  readonly atMs: number;
  /** A small integer per camera (the caller maps camera ids). */
  readonly camera: number;
}

export interface VectorFilter {
  readonly fromMs?: number;
  readonly toMs?: number;
  /** Camera numbers allowed; undefined: all. */
  readonly cameras?: ReadonlySet<number>;
}

export interface VectorHit {
  readonly id: string;
  readonly score: number;
}

export interface VectorIndexOptions {
  readonly dim: number;
  /** Exact float scan while the index holds fewer vectors (default 20 000); then the codes are built. */
  readonly exactBelow?: number;
  /** Candidates from the codes re-ranked with the float vectors (default 256; at least k). */
  readonly rerank?: number;
}

/** Vectors per segment: a segment's floats, metadata, codes and scales are contiguous (its codes in wasm memory). */
const SEG = 65_536;
const PAGE = 65_536;

/** A segment of up to SEG vectors: floats and metadata in JS arrays (grown by doubling up to SEG), codes in wasm. */
class Segment {
  vecs: Float32Array;
  at: Float64Array;
  cam: Int32Array;
  n = 0;
  /** Byte offsets of this segment's codes and scales in wasm memory (-1: none yet). */
  codes = -1;
  scales = -1;
  constructor(private readonly dim: number, capacity: number) {
    this.vecs = new Float32Array(capacity * dim);
    this.at = new Float64Array(capacity);
    this.cam = new Int32Array(capacity);
  }
  push(v: ArrayLike<number>, m: VectorMeta): number {
    if (this.n === this.at.length) {
      const cap = Math.min(SEG, this.at.length * 2);
      const vecs = new Float32Array(cap * this.dim);
      vecs.set(this.vecs);
      const at = new Float64Array(cap);
      at.set(this.at);
      const cam = new Int32Array(cap);
      cam.set(this.cam);
      [this.vecs, this.at, this.cam] = [vecs, at, cam];
    }
    this.vecs.set(v, this.n * this.dim);
    this.at[this.n] = m.atMs;
    this.cam[this.n] = m.camera;
    return this.n++;
  }
}

/** The k best (score, index) seen so far, as a small sorted array (k is small: tens). */
class TopK {
  readonly scores: number[] = [];
  readonly idx: number[] = [];
  floor = -Infinity;
  constructor(private readonly k: number) {}
  offer(score: number, i: number): void {
    if (score <= this.floor) return;
    let j = this.scores.length;
    while (j > 0 && this.scores[j - 1]! < score) j--;
    this.scores.splice(j, 0, score);
    this.idx.splice(j, 0, i);
    if (this.scores.length > this.k) {
      this.scores.pop();
      this.idx.pop();
    }
    if (this.scores.length === this.k) this.floor = this.scores[this.k - 1]!;
  }
}

/** The r best (score, index) as a binary min-heap: the root is the one to drop first. */
class MinHeap {
  readonly s: Float64Array;
  readonly i: Int32Array;
  n = 0;
  constructor(readonly cap: number) {
    this.s = new Float64Array(cap);
    this.i = new Int32Array(cap);
  }
  get floor(): number {
    return this.n < this.cap ? -Infinity : this.s[0]!;
  }
  offer(score: number, idx: number): void {
    const { s, i } = this;
    if (this.n < this.cap) {
      let c = this.n++;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (s[p]! <= score) break;
        s[c] = s[p]!;
        i[c] = i[p]!;
        c = p;
      }
      s[c] = score;
      i[c] = idx;
      return;
    }
    if (score <= s[0]!) return;
    let c = 0;
    for (;;) {
      let m = 2 * c + 1;
      if (m >= this.n) break;
      if (m + 1 < this.n && s[m + 1]! < s[m]!) m++;
      if (s[m]! >= score) break;
      s[c] = s[m]!;
      i[c] = i[m]!;
      c = m;
    }
    s[c] = score;
    i[c] = idx;
  }
}

/** Dot product of a[ao…ao+dim) and q, four accumulators (dim need not be a multiple of 4). */
function dot(a: Float32Array, ao: number, q: Float32Array, dim: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let d = 0;
  for (; d + 3 < dim; d += 4) {
    s0 += a[ao + d]! * q[d]!;
    s1 += a[ao + d + 1]! * q[d + 1]!;
    s2 += a[ao + d + 2]! * q[d + 2]!;
    s3 += a[ao + d + 3]! * q[d + 3]!;
  }
  for (; d < dim; d++) s0 += a[ao + d]! * q[d]!;
  return s0 + s1 + s2 + s3;
}

export class VectorIndex {
  readonly dim: number;
  private readonly exactBelow: number;
  private readonly rerank: number;
  /** Codes are padded to a multiple of 8 bytes (the kernel reads 8 at a time). */
  private readonly dimPad: number;
  private readonly segs: Segment[] = [];
  private readonly ids: string[] = [];
  /** Set once the codes are built. */
  private mean: Float32Array | null = null;
  private mem: WasmMemory | null = null;
  private kernel: ScoresFn | null = null;
  /** Wasm layout: the query (int16) at 0, a segment's scores at `outAt`, then one block of codes+scales per segment. */
  private outAt = 0;
  private segsAt = 0;
  private readonly qMax: number;

  constructor(o: VectorIndexOptions) {
    this.dim = o.dim;
    this.exactBelow = o.exactBelow ?? 20_000;
    this.rerank = o.rerank ?? 256;
    this.dimPad = Math.ceil(o.dim / 8) * 8;
    // |Σ code·q| ≤ 127·qMax·dimPad must stay within int32
    this.qMax = Math.min(32_767, Math.floor(2 ** 31 / (127 * this.dimPad)) - 1);
  }

  get size(): number {
    return this.ids.length;
  }

  /** Whether searches scan the int8 codes and re-rank (else an exact float scan). Name kept from the IVF it replaced. */
  get partitioned(): boolean {
    return this.mean !== null;
  }

  /** Bytes held: float vectors, metadata and codes (ids not counted). */
  get bytes(): number {
    let b = this.mem ? this.mem.buffer.byteLength : 0;
    for (const s of this.segs) b += s.vecs.byteLength + s.at.byteLength + s.cam.byteLength;
    return b;
  }

  add(id: string, v: ArrayLike<number>, m: VectorMeta): void {
    if (v.length !== this.dim) throw new Error(`vector of ${v.length} dimensions in an index of ${this.dim}`);
    let seg = this.segs[this.segs.length - 1];
    if (!seg || seg.n === SEG) {
      seg = new Segment(this.dim, this.segs.length === 0 ? 1024 : SEG);
      this.segs.push(seg);
      if (this.mean) this.placeCodes(seg);
    }
    const i = seg.push(v, m);
    this.ids.push(id);
    if (this.mean) this.encode(seg, i);
    else if (this.ids.length >= this.exactBelow) this.buildCodes();
  }

  /** The k nearest vectors passing the filter, best first. `exact`: scan every float vector (the recall reference). */
  search(q: ArrayLike<number>, k: number, f: VectorFilter = {}, exact = false): VectorHit[] {
    if (k <= 0 || this.ids.length === 0) return [];
    const qf = Float32Array.from(q);
    const top = new TopK(k);
    const { fromMs = -Infinity, toMs = Infinity } = f;
    // the allowed cameras as a table when their numbers are small (they are: the caller numbers them 0, 1, …)
    const cams = f.cameras;
    let camOk: Uint8Array | null = null;
    if (cams && [...cams].every((c) => Number.isInteger(c) && c >= 0 && c < 65_536)) {
      camOk = new Uint8Array(Math.max(0, ...cams) + 1);
      for (const c of cams) camOk[c] = 1;
    }
    const dim = this.dim;
    if (exact || !this.kernel) {
      for (let s = 0; s < this.segs.length; s++) {
        const seg = this.segs[s]!;
        for (let i = 0; i < seg.n; i++) {
          const at = seg.at[i]!;
          if (at < fromMs || at >= toMs || (cams && (camOk ? camOk[seg.cam[i]!] !== 1 : !cams.has(seg.cam[i]!)))) continue;
          top.offer(dot(seg.vecs, i * dim, qf, dim), s * SEG + i);
        }
      }
    } else {
      this.setQuery(qf);
      const heap = new MinHeap(Math.max(k, this.rerank));
      const out = new Float32Array(this.mem!.buffer, this.outAt, SEG);
      for (let s = 0; s < this.segs.length; s++) {
        const seg = this.segs[s]!;
        this.kernel(seg.codes, seg.scales, (seg.n + 3) & ~3, this.outAt); // past n: zero codes, zero scales
        let floor = heap.floor;
        for (let i = 0; i < seg.n; i++) {
          const sc = out[i]!;
          if (sc <= floor) continue;
          const at = seg.at[i]!;
          if (at < fromMs || at >= toMs || (cams && (camOk ? camOk[seg.cam[i]!] !== 1 : !cams.has(seg.cam[i]!)))) continue;
          heap.offer(sc, s * SEG + i);
          floor = heap.floor;
        }
      }
      for (let j = 0; j < heap.n; j++) {
        const g = heap.i[j]!;
        top.offer(dot(this.segs[Math.floor(g / SEG)]!.vecs, (g % SEG) * dim, qf, dim), g);
      }
    }
    return top.idx.map((g, j) => ({ id: this.ids[g]!, score: top.scores[j]! }));
  }

  /** The query as int16 at address 0 (its scale does not matter: it is the same for every code). */
  private setQuery(q: Float32Array): void {
    let max = 0;
    for (let d = 0; d < this.dim; d++) max = Math.max(max, Math.abs(q[d]!));
    const qi = new Int16Array(this.mem!.buffer, 0, this.dimPad);
    const f = max > 0 ? this.qMax / max : 0;
    for (let d = 0; d < this.dim; d++) qi[d] = Math.round(q[d]! * f);
  }

  /** The mean of the vectors so far, then a code for every one of them. */
  private buildCodes(): void {
    const dim = this.dim;
    const mean = new Float32Array(dim);
    for (const seg of this.segs) for (let i = 0; i < seg.n; i++) for (let d = 0; d < dim; d++) mean[d]! += seg.vecs[i * dim + d]!;
    for (let d = 0; d < dim; d++) mean[d]! /= this.ids.length;
    this.mean = mean;
    const head = this.dimPad * 2 + SEG * 4;
    this.outAt = Math.ceil((this.dimPad * 2) / 16) * 16;
    this.segsAt = Math.ceil(head / PAGE) * PAGE;
    this.mem = wasmMemory(this.segsAt / PAGE);
    this.kernel = scanKernel(this.dimPad, this.mem);
    for (const seg of this.segs) {
      this.placeCodes(seg);
      for (let i = 0; i < seg.n; i++) this.encode(seg, i);
    }
  }

  /** Room in wasm memory for a segment's codes and scales (whole pages: SEG is a multiple of the page size). */
  private placeCodes(seg: Segment): void {
    const mem = this.mem!;
    const at = mem.buffer.byteLength;
    mem.grow((SEG * (this.dimPad + 4)) / PAGE);
    seg.codes = at;
    seg.scales = at + SEG * this.dimPad;
  }

  /** Code of vector i of a segment: round((v − mean)/scale), scale = max|v − mean|/127. */
  private encode(seg: Segment, i: number): void {
    const { dim, mean } = this;
    const buf = this.mem!.buffer;
    const v = seg.vecs;
    const o = i * dim;
    let max = 0;
    for (let d = 0; d < dim; d++) max = Math.max(max, Math.abs(v[o + d]! - mean![d]!));
    const scale = max > 0 ? max / 127 : 1;
    const codes = new Int8Array(buf, seg.codes + i * this.dimPad, this.dimPad);
    for (let d = 0; d < dim; d++) codes[d] = Math.round((v[o + d]! - mean![d]!) / scale);
    new Float32Array(buf, seg.scales, SEG)[i] = scale;
  }
}
