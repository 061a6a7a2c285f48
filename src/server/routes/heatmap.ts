/**
 * GET /api/cameras/:id/heatmap: where the objects of a class stood in the camera's picture over a window (cells summed
 * over its 5-minute buckets, object-seconds) and each bucket's count for a sparkline. An aggregate without personal
 * data: the permission of the counts (`counts.read`), narrowed to the caller's camera scope (404 outside it, as every
 * camera route).
 */
import { z } from 'zod';
import { heatmapResponse } from '../../contract/heatmap.js';
import { HEATMAP_BUCKET_MS } from '../../core/heatmap.js';
import type { HeatmapBucket } from '../../core/heatmap.js';
import type { HeatmapWindow } from '../../store/store.js';
import type { ServerContext } from '../context.js';
import { HttpError, notFound } from '../http.js';
import { idParams, timeQuery } from '../schemas.js';
import { assertCameraVisible } from '../scope.js';

/** The longest window one request sums (31 days: 8 928 buckets per class). */
export const HEATMAP_MAX_WINDOW_MS = 31 * 86_400_000;

const heatmapQuery = z.strictObject({
  ...timeQuery,
  cls: z.string().regex(/^[a-z_]{1,20}$/).default('person').describe('Object class (person, car, motorcycle, bus, truck, bicycle)'),
});

export function heatmapRoutes(ctx: ServerContext): void {
  ctx.router.add({
    method: 'GET', url: '/api/cameras/:id/heatmap', tag: 'stats', permission: 'counts.read', params: idParams, query: heatmapQuery,
    summary: "Heatmap of a camera: where a class's objects stood over [from, to) (default: the last hour), summed over 5-minute buckets, with each bucket's mean and peak count",
    response: heatmapResponse,
    handler: async ({ principal, params, query }) => {
      const c = await ctx.store.getCamera(params.id);
      if (!c) throw notFound('camera');
      await assertCameraVisible(ctx.store, principal!, c.id);
      const to = query.to ?? Date.now();
      const from = query.from ?? to - 3_600_000;
      if (from >= to) throw new HttpError(400, 'invalid_argument', '`from` must be before `to`');
      if (to - from > HEATMAP_MAX_WINDOW_MS) throw new HttpError(400, 'invalid_argument', 'the window is longer than 31 days');
      // Buckets that overlap the window: the one open at `from` included.
      const fromMs = Math.floor(from / HEATMAP_BUCKET_MS) * HEATMAP_BUCKET_MS;
      const stored = await ctx.store.heatmapWindow({ cameraId: c.id, cls: query.cls, fromMs, toMs: to });
      // A camera analysed here adds its open bucket (not stored until it closes): the last minutes show at once.
      const open = ctx.cameras.openHeatmap(c.id, query.cls);
      const w = open && open.bucketStartMs >= fromMs && open.bucketStartMs < to && open.seconds > 0 ? withOpenBucket(stored, open) : stored;
      return {
        cameraId: c.id, cls: query.cls, from, to, bucketMs: HEATMAP_BUCKET_MS, cols: w.cols, rows: w.rows, cells: w.cells, seconds: w.seconds,
        buckets: w.buckets.map((b) => ({ ...b, meanCount: b.seconds > 0 ? Math.round((b.objectSeconds / b.seconds) * 100) / 100 : 0 })),
      };
    },
  });
}

const r2 = (x: number): number => Math.round(x * 100) / 100;

/** The stored window with the runtime's open bucket added (its grid wins when the stored one differs or is empty). Pure. */
export function withOpenBucket(w: HeatmapWindow, open: HeatmapBucket): HeatmapWindow {
  const same = w.cols === open.cols && w.rows === open.rows;
  const cells = same ? w.cells.map((v, i) => r2(v + (open.cells[i] ?? 0))) : [...open.cells];
  const buckets = w.buckets.filter((b) => b.startMs !== open.bucketStartMs);
  const old = w.buckets.find((b) => b.startMs === open.bucketStartMs);
  buckets.push({
    startMs: open.bucketStartMs, seconds: r2((old?.seconds ?? 0) + open.seconds), objectSeconds: r2((old?.objectSeconds ?? 0) + open.objectSeconds),
    maxCount: Math.max(old?.maxCount ?? 0, open.maxCount),
  });
  buckets.sort((a, b) => a.startMs - b.startMs);
  return { cols: open.cols, rows: open.rows, cells, seconds: r2(w.seconds + open.seconds), buckets };
}
