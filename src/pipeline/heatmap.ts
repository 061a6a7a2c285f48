/**
 * The runtime's heatmap of one camera: where objects stand (the foot point of their box, bottom-centre, normalised to
 * the picture) added up per grid cell in object-seconds, for the open time bucket only. When a frame falls in a new
 * bucket the closed one is handed back as small records (one per class) for the bus; `flush` hands back the open one
 * (the camera stops). Memory is one grid per class seen, whatever the camera runs for.
 */
import { bottomCenter } from '../core/box.js';
import { VEHICLE_CLASSES } from '../core/classes.js';
import type { FrameMeta } from '../core/frame.js';
import { HEATMAP_BUCKET_MS, HEATMAP_COLS, HEATMAP_ROWS, type HeatmapBucket } from '../core/heatmap.js';
import { ulid } from '../core/ids.js';
import type { Track } from '../core/track.js';

export interface HeatmapOptions {
  readonly cameraId: string;
  readonly cols?: number;
  readonly rows?: number;
  readonly bucketMs?: number;
  /** Classes accumulated (default: person and the vehicle classes). */
  readonly classes?: readonly string[];
  /** A gap between two frames counts at most this long (default 1000 ms: a stalled stream adds no dwell). */
  readonly maxStepMs?: number;
}

interface Grid {
  readonly cells: Float64Array;
  objectSeconds: number;
  maxCount: number;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

export class HeatmapAccumulator {
  private readonly cols: number;
  private readonly rows: number;
  private readonly bucketMs: number;
  private readonly classes: ReadonlySet<string>;
  private readonly maxStepMs: number;
  private readonly grids = new Map<string, Grid>();
  private bucketStartMs: number | undefined;
  private seconds = 0;
  private lastMs: number | undefined;

  constructor(private readonly o: HeatmapOptions) {
    this.cols = o.cols ?? HEATMAP_COLS;
    this.rows = o.rows ?? HEATMAP_ROWS;
    this.bucketMs = o.bucketMs ?? HEATMAP_BUCKET_MS;
    this.classes = new Set(o.classes ?? ['person', ...VEHICLE_CLASSES]);
    this.maxStepMs = o.maxStepMs ?? 1000;
  }

  /** Adds one analysed frame's tracks (only `tracked` ones: matched on this frame); returns the records of a bucket it closed. */
  add(meta: FrameMeta, tracks: readonly Track[]): HeatmapBucket[] {
    const at = meta.capturedAtMs;
    const start = Math.floor(at / this.bucketMs) * this.bucketMs;
    const closed = this.bucketStartMs !== undefined && start !== this.bucketStartMs ? this.flush() : [];
    this.bucketStartMs ??= start;
    const stepMs = this.lastMs === undefined ? 0 : Math.min(this.maxStepMs, Math.max(0, at - this.lastMs));
    this.lastMs = at;
    const dt = stepMs / 1000;
    this.seconds += dt;
    this.grid('person');
    const counts = new Map<string, number>();
    const { width, height } = meta.sourceSize;
    for (const t of tracks) {
      if (t.state !== 'tracked' || !this.classes.has(t.cls)) continue;
      const foot = bottomCenter(t.box);
      const cx = Math.min(this.cols - 1, Math.max(0, Math.floor((foot.x / width) * this.cols)));
      const cy = Math.min(this.rows - 1, Math.max(0, Math.floor((foot.y / height) * this.rows)));
      const g = this.grid(t.cls);
      g.cells[cy * this.cols + cx]! += dt;
      g.objectSeconds += dt;
      counts.set(t.cls, (counts.get(t.cls) ?? 0) + 1);
    }
    for (const [cls, n] of counts) {
      const g = this.grid(cls);
      if (n > g.maxCount) g.maxCount = n;
    }
    return closed;
  }

  /** The open bucket's records (person always, other classes when seen), and a fresh bucket. */
  flush(): HeatmapBucket[] {
    const start = this.bucketStartMs;
    const out: HeatmapBucket[] = [];
    if (start !== undefined && this.seconds > 0) {
      for (const [cls, g] of this.grids) {
        if (cls !== 'person' && g.maxCount === 0) continue;
        out.push({
          id: ulid(), cameraId: this.o.cameraId, bucketStartMs: start, bucketMs: this.bucketMs, cls, cols: this.cols, rows: this.rows,
          cells: Array.from(g.cells, round2), seconds: round2(this.seconds), objectSeconds: round2(g.objectSeconds), maxCount: g.maxCount,
        });
      }
    }
    this.grids.clear();
    this.bucketStartMs = undefined;
    this.seconds = 0;
    return out;
  }

  /** The open bucket of one class as it stands (not handed over: `flush` still will), or undefined before any frame. */
  peek(cls: string): HeatmapBucket | undefined {
    const start = this.bucketStartMs;
    if (start === undefined) return undefined;
    const g = this.grids.get(cls);
    return {
      id: 'open', cameraId: this.o.cameraId, bucketStartMs: start, bucketMs: this.bucketMs, cls, cols: this.cols, rows: this.rows,
      cells: g ? Array.from(g.cells, round2) : new Array<number>(this.cols * this.rows).fill(0), seconds: round2(this.seconds),
      objectSeconds: round2(g?.objectSeconds ?? 0), maxCount: g?.maxCount ?? 0,
    };
  }

  /** Grids held (one per class of the open bucket): bounded by the classes, for leak checks. */
  size(): number {
    return this.grids.size;
  }

  private grid(cls: string): Grid {
    let g = this.grids.get(cls);
    if (!g) this.grids.set(cls, (g = { cells: new Float64Array(this.cols * this.rows), objectSeconds: 0, maxCount: 0 }));
    return g;
  }
}
