/**
 * Person search by face: every stored face of the service's embedding model in an in-memory index
 * (src/store/vector-index.ts), loaded from the store at start and kept up to date by reading the faces stored since
 * (every replica does, so a face another replica ingested is found too). Faces too small to recognise are not indexed. A face pruned by retention leaves the index
 * at the next rebuild; the search reads each hit back from the store, so a pruned face is never served.
 */
import { recognisable } from '../core/face.js';
import type { FaceRecord, Store } from '../store/store.js';
import { VectorIndex } from '../store/vector-index.js';

export interface FaceSearchLogger {
  warn(obj: object, msg: string): void;
}

export interface FaceSearchHitRecord {
  readonly face: FaceRecord;
  readonly score: number;
}

/** Re-read this far behind the newest face seen: a batch committed a little late with older faces is still picked up (ids already indexed are skipped). */
const OVERLAP_MS = 10_000;
const PAGE = 1000;

export class FaceIndexSync {
  private index: VectorIndex | null = null;
  private readonly ids = new Set<string>();
  private readonly cameraNo = new Map<string, number>();
  private cursor: { atMs: number; id: string } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;

  constructor(private readonly store: Pick<Store, 'listFaces' | 'getFaces'>, private readonly model: string, private readonly log: FaceSearchLogger, private readonly everyMs = 2000) {}

  start(): void {
    this.timer ??= setInterval(() => void this.refresh().catch((err: unknown) => this.log.warn({ err }, 'face index refresh failed')), this.everyMs);
    this.timer.unref();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Forget everything (after retention pruned faces): the next refresh reads the store again. */
  reset(): void {
    this.index = null;
    this.ids.clear();
    this.cursor = undefined;
  }

  get size(): number {
    return this.index?.size ?? 0;
  }

  /** Reads the faces stored since the last refresh (one at a time: concurrent callers share it). */
  refresh(): Promise<void> {
    this.refreshing ??= this.pull().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private camera(id: string): number {
    let n = this.cameraNo.get(id);
    if (n === undefined) this.cameraNo.set(id, (n = this.cameraNo.size));
    return n;
  }

  private async pull(): Promise<void> {
    let after = this.cursor ? { atMs: this.cursor.atMs - OVERLAP_MS, id: '' } : undefined;
    for (;;) {
      const page = await this.store.listFaces({ model: this.model, limit: PAGE, ...(after ? { after } : {}) });
      for (const f of page) {
        if (this.ids.has(f.id)) continue;
        this.ids.add(f.id);
        if (!recognisable(f.box)) continue;
        this.index ??= new VectorIndex({ dim: f.embedding.length });
        if (f.embedding.length !== this.index.dim) continue;
        this.index.add(f.id, f.embedding, { atMs: f.atMs, camera: this.camera(f.cameraId) });
        if (!this.cursor || f.atMs > this.cursor.atMs) this.cursor = { atMs: f.atMs, id: f.id };
      }
      if (page.length < PAGE) return;
      const last = page[page.length - 1]!;
      after = { atMs: last.atMs, id: last.id };
    }
  }

  /** The faces most like `q` (same model), best first, among `cameraIds` (null: all) in [fromMs, toMs). */
  async search(q: ArrayLike<number>, k: number, f: { fromMs?: number; toMs?: number; cameraIds: readonly string[] | null; minScore?: number }): Promise<FaceSearchHitRecord[]> {
    await this.refresh();
    if (!this.index || q.length !== this.index.dim) return [];
    const cameras = f.cameraIds === null ? undefined : new Set(f.cameraIds.map((id) => this.cameraNo.get(id)).filter((n): n is number => n !== undefined));
    if (cameras && cameras.size === 0) return [];
    const hits = this.index.search(q, k, { ...(f.fromMs !== undefined ? { fromMs: f.fromMs } : {}), ...(f.toMs !== undefined ? { toMs: f.toMs } : {}), ...(cameras ? { cameras } : {}) })
      .filter((h) => h.score >= (f.minScore ?? -1));
    const rows = new Map((await this.store.getFaces(hits.map((h) => h.id))).map((r) => [r.id, r]));
    return hits.flatMap((h) => (rows.has(h.id) ? [{ face: rows.get(h.id)!, score: h.score }] : []));
  }
}
