/** Heatmap bucket parts (core/heatmap.ts): stored as flushed, summed per window when read. Same SQL on both dialects. */
import type { HeatmapBucket, HeatmapBucketTotal, HeatmapQuery, HeatmapWindow } from '../store.js';
import { affected, fromJson, num, toJson, type StoreContext } from './context.js';

/** Rows per insert statement (12 columns: far under both dialects' bound-parameter limits). */
const CHUNK = 200;

export async function insertHeatmapBuckets(ctx: StoreContext, rows: readonly HeatmapBucket[]): Promise<{ inserted: number }> {
  let inserted = 0;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK).map((b) => ({
      id: b.id, camera_id: b.cameraId, bucket_start_ms: b.bucketStartMs, bucket_ms: b.bucketMs, cls: b.cls, grid_cols: b.cols, grid_rows: b.rows,
      cells: toJson([...b.cells]), seconds: b.seconds, object_seconds: b.objectSeconds, max_count: b.maxCount,
    }));
    const r = await ctx.db.insertInto('heatmap_buckets').values(part).onConflict((oc) => oc.column('id').doNothing()).returning('id').execute();
    inserted += r.length;
  }
  return { inserted };
}

export async function heatmapWindow(ctx: StoreContext, q: HeatmapQuery): Promise<HeatmapWindow> {
  const rows = await ctx.db.selectFrom('heatmap_buckets').selectAll()
    .where('camera_id', '=', q.cameraId).where('cls', '=', q.cls)
    .where('bucket_start_ms', '>=', q.fromMs).where('bucket_start_ms', '<', q.toMs)
    .orderBy('bucket_start_ms').orderBy('id').execute();
  const newest = rows[rows.length - 1];
  if (!newest) return { cols: null, rows: null, cells: [], seconds: 0, buckets: [] };
  const cols = num(newest.grid_cols);
  const gridRows = num(newest.grid_rows);
  const cells = new Array<number>(cols * gridRows).fill(0);
  const buckets = new Map<number, { seconds: number; objectSeconds: number; maxCount: number }>();
  let seconds = 0;
  for (const r of rows) {
    const start = num(r.bucket_start_ms);
    const b = buckets.get(start) ?? { seconds: 0, objectSeconds: 0, maxCount: 0 };
    b.seconds += num(r.seconds);
    b.objectSeconds += num(r.object_seconds);
    b.maxCount = Math.max(b.maxCount, num(r.max_count));
    buckets.set(start, b);
    seconds += num(r.seconds);
    if (num(r.grid_cols) !== cols || num(r.grid_rows) !== gridRows) continue;
    const c = fromJson<number[]>(r.cells);
    for (let i = 0; i < cells.length; i++) cells[i]! += c[i] ?? 0;
  }
  const r2 = (x: number): number => Math.round(x * 100) / 100;
  const totals: HeatmapBucketTotal[] = [...buckets].map(([startMs, b]) => ({ startMs, seconds: r2(b.seconds), objectSeconds: r2(b.objectSeconds), maxCount: b.maxCount }));
  return { cols, rows: gridRows, cells: cells.map(r2), seconds: r2(seconds), buckets: totals };
}

export async function pruneHeatmap(ctx: StoreContext, beforeMs: number): Promise<number> {
  return affected(await ctx.db.deleteFrom('heatmap_buckets').where('bucket_start_ms', '<', beforeMs).executeTakeFirst());
}
