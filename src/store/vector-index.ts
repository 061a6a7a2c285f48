/**
 * Nearest faces by cosine similarity, in memory: an inverted-file index (IVF-flat). Vectors are L2-normalised, so
 * cosine = dot product. Below `exactBelow` vectors it is an exact scan; above, k-means centroids (trained once on a
 * sample) split the vectors into lists and a search scans the `nprobe` lists nearest the query. A filter (time
 * window, cameras) is applied while scanning; when the probed lists hold fewer than `k` vectors that pass it, the
 * search widens to every list, so a narrow filter never loses a match (it only costs an exact scan).
 *
 * Why home-made: pgvector is not packaged here, and the npm ANN libraries need a native build or a download; this
 * is ~200 lines of plain TypeScript whose recall is measured against the exact scan (`npm run bench`, faces.search).
 */

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
  /** Exact scan while the index holds fewer vectors (default 20 000). */
  readonly exactBelow?: number;
  /** Lists of the IVF (default: about √n at training, 64…1024). */
  readonly lists?: number;
  /** Lists scanned per search (default 32). */
  readonly nprobe?: number;
  /** Seed of the k-means sample (default 1). */
  readonly seed?: number;
}

/** A growable block of vectors with their ids and metadata (one per IVF list, or one for the exact scan). */
class Block {
  vecs: Float32Array;
  ids: string[] = [];
  at: Float64Array;
  cam: Int32Array;
  n = 0;
  constructor(private readonly dim: number, capacity = 64) {
    this.vecs = new Float32Array(capacity * dim);
    this.at = new Float64Array(capacity);
    this.cam = new Int32Array(capacity);
  }
  push(id: string, v: ArrayLike<number>, m: VectorMeta): void {
    if (this.n === this.at.length) {
      const cap = this.at.length * 2;
      const vecs = new Float32Array(cap * this.dim);
      vecs.set(this.vecs);
      const at = new Float64Array(cap);
      at.set(this.at);
      const cam = new Int32Array(cap);
      cam.set(this.cam);
      [this.vecs, this.at, this.cam] = [vecs, at, cam];
    }
    this.vecs.set(v, this.n * this.dim);
    this.ids.push(id);
    this.at[this.n] = m.atMs;
    this.cam[this.n] = m.camera;
    this.n++;
  }
}

/** The k best (score, id) seen so far, as a small sorted array (k is small: tens). */
class TopK {
  readonly scores: number[] = [];
  readonly ids: string[] = [];
  constructor(private readonly k: number) {}
  get floor(): number {
    return this.scores.length < this.k ? -Infinity : this.scores[this.scores.length - 1]!;
  }
  offer(score: number, id: string): void {
    if (score <= this.floor) return;
    let i = this.scores.length;
    while (i > 0 && this.scores[i - 1]! < score) i--;
    this.scores.splice(i, 0, score);
    this.ids.splice(i, 0, id);
    if (this.scores.length > this.k) {
      this.scores.pop();
      this.ids.pop();
    }
  }
}

const dot = (a: Float32Array, ao: number, q: ArrayLike<number>, dim: number): number => {
  let s = 0;
  for (let i = 0; i < dim; i++) s += a[ao + i]! * q[i]!;
  return s;
};

/** A deterministic PRNG (mulberry32): the same vectors give the same centroids. */
function rng(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

export class VectorIndex {
  readonly dim: number;
  private readonly exactBelow: number;
  private readonly nprobe: number;
  private readonly seed: number;
  private readonly listsWanted: number | undefined;
  private flat: Block;
  private centroids: Float32Array | null = null;
  private lists: Block[] = [];
  private count = 0;
  /** Size when the lists were last trained: they are trained again when the index has grown 16-fold. */
  private trainedAt = 0;

  constructor(o: VectorIndexOptions) {
    this.dim = o.dim;
    this.exactBelow = o.exactBelow ?? 20_000;
    this.nprobe = o.nprobe ?? 32;
    this.seed = o.seed ?? 1;
    this.listsWanted = o.lists;
    this.flat = new Block(this.dim);
  }

  get size(): number {
    return this.count;
  }

  /** Whether searches go through the IVF lists (else an exact scan). */
  get partitioned(): boolean {
    return this.centroids !== null;
  }

  add(id: string, v: ArrayLike<number>, m: VectorMeta): void {
    if (v.length !== this.dim) throw new Error(`vector of ${v.length} dimensions in an index of ${this.dim}`);
    this.count++;
    if (this.centroids) {
      this.lists[this.nearestList(v)]!.push(id, v, m);
      if (this.count >= this.trainedAt * 16 && this.listsWanted === undefined) this.retrain();
      return;
    }
    this.flat.push(id, v, m);
    if (this.flat.n >= this.exactBelow) this.train();
  }

  /** The k nearest vectors passing the filter, best first. `exact`: scan everything (the reference of the recall figure). */
  search(q: ArrayLike<number>, k: number, f: VectorFilter = {}, exact = false): VectorHit[] {
    const top = new TopK(k);
    if (!this.centroids) {
      this.scan(this.flat, q, f, top);
    } else {
      const order = exact ? this.lists.map((_, i) => i) : this.probeOrder(q);
      let seen = 0;
      let probed = 0;
      for (const li of order) {
        seen += this.scan(this.lists[li]!, q, f, top);
        probed++;
        if (!exact && probed >= this.nprobe && seen >= k) break;
      }
    }
    return top.ids.map((id, i) => ({ id, score: top.scores[i]! }));
  }

  /** Scans one block; returns how many vectors passed the filter. */
  private scan(b: Block, q: ArrayLike<number>, f: VectorFilter, top: TopK): number {
    const { fromMs = -Infinity, toMs = Infinity, cameras } = f;
    let passed = 0;
    for (let i = 0; i < b.n; i++) {
      const at = b.at[i]!;
      if (at < fromMs || at >= toMs || (cameras && !cameras.has(b.cam[i]!))) continue;
      passed++;
      top.offer(dot(b.vecs, i * this.dim, q, this.dim), b.ids[i]!);
    }
    return passed;
  }

  private probeOrder(q: ArrayLike<number>): number[] {
    const c = this.centroids!;
    const scores = this.lists.map((_, i) => dot(c, i * this.dim, q, this.dim));
    return scores.map((s, i) => [s, i] as const).sort((a, b) => b[0] - a[0]).map(([, i]) => i);
  }

  private nearestList(v: ArrayLike<number>): number {
    const c = this.centroids!;
    const n = c.length / this.dim;
    let best = 0;
    let bestScore = -Infinity;
    for (let i = 0; i < n; i++) {
      const s = dot(c, i * this.dim, v, this.dim);
      if (s > bestScore) [best, bestScore] = [i, s];
    }
    return best;
  }

  private retrain(): void {
    const all = new Block(this.dim, this.count);
    for (const b of this.lists) for (let i = 0; i < b.n; i++) all.push(b.ids[i]!, b.vecs.subarray(i * this.dim, (i + 1) * this.dim), { atMs: b.at[i]!, camera: b.cam[i]! });
    this.flat = all;
    this.train();
  }

  /** Spherical k-means on a sample of the flat block, then every vector into its list. */
  private train(): void {
    const src = this.flat;
    const dim = this.dim;
    const nLists = Math.max(8, Math.min(1024, this.listsWanted ?? Math.round(Math.sqrt(src.n) / 2)));
    const rand = rng(this.seed);
    const sampleN = Math.min(src.n, nLists * 40);
    const sample: number[] = [];
    for (let i = 0; i < sampleN; i++) sample.push(Math.floor(rand() * src.n));
    const c = new Float32Array(nLists * dim);
    for (let j = 0; j < nLists; j++) c.set(src.vecs.subarray(sample[j % sampleN]! * dim, sample[j % sampleN]! * dim + dim), j * dim);
    this.centroids = c;
    for (let iter = 0; iter < 8; iter++) {
      const sums = new Float32Array(nLists * dim);
      const counts = new Int32Array(nLists);
      for (const s of sample) {
        const v = src.vecs.subarray(s * dim, s * dim + dim);
        const j = this.nearestList(v);
        counts[j]!++;
        for (let d = 0; d < dim; d++) sums[j * dim + d]! += v[d]!;
      }
      for (let j = 0; j < nLists; j++) {
        if (counts[j] === 0) continue; // an empty list keeps its centroid
        let norm = 0;
        for (let d = 0; d < dim; d++) norm += sums[j * dim + d]! ** 2;
        norm = Math.sqrt(norm) || 1;
        for (let d = 0; d < dim; d++) c[j * dim + d] = sums[j * dim + d]! / norm;
      }
    }
    this.lists = Array.from({ length: nLists }, () => new Block(dim, Math.max(16, Math.ceil((2 * src.n) / nLists))));
    for (let i = 0; i < src.n; i++) {
      const v = src.vecs.subarray(i * dim, i * dim + dim);
      this.lists[this.nearestList(v)]!.push(src.ids[i]!, v, { atMs: src.at[i]!, camera: src.cam[i]! });
    }
    this.flat = new Block(dim, 1);
    this.trainedAt = src.n;
  }
}
