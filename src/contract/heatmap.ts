/** A camera's heatmap over a time window (GET /api/cameras/:id/heatmap) and its live crowd counts (camera status). */
import { z } from 'zod';

/** One 5-minute bucket of the window: seconds analysed, object-seconds seen, most objects on one frame. */
export const heatmapBucketTotal = z.strictObject({
  startMs: z.number(),
  seconds: z.number(),
  objectSeconds: z.number(),
  /** Mean objects on the picture over the bucket: objectSeconds / seconds (0 when nothing was analysed). */
  meanCount: z.number(),
  maxCount: z.number(),
});
export type HeatmapBucketTotal = z.infer<typeof heatmapBucketTotal>;

export const heatmapResponse = z.strictObject({
  cameraId: z.string(),
  cls: z.string(),
  from: z.number(),
  to: z.number(),
  /** Length of a bucket, ms. */
  bucketMs: z.number(),
  /** The grid (null: nothing stored in the window). Cell (0,0) is the top-left of the picture, row-major. */
  cols: z.number().nullable(),
  rows: z.number().nullable(),
  /** Object-seconds per cell over the window (where the objects' feet stood, and how long). */
  cells: z.array(z.number()),
  /** Seconds of picture analysed in the window. */
  seconds: z.number(),
  /** Oldest first; buckets without analysis are absent. */
  buckets: z.array(heatmapBucketTotal),
});
export type HeatmapResponse = z.infer<typeof heatmapResponse>;

export const zoneCrowd = z.strictObject({
  id: z.string(),
  name: z.string().nullable(),
  persons: z.number(),
  /** Ground area of the zone, m² (null: no calibration, or the zone reaches past the horizon). */
  areaM2: z.number().nullable(),
  /** Persons per m² (null without a ground area). */
  perM2: z.number().nullable(),
  /** The zone's share of the picture, % of its area. */
  framePct: z.number(),
  /** Persons per 1 % of the picture (the density of a camera without calibration). */
  perFramePct: z.number(),
});
export type ZoneCrowd = z.infer<typeof zoneCrowd>;

/** Persons on the camera's latest analysed frame, on the whole picture and per zone. */
export const crowdStatus = z.strictObject({ atMs: z.number(), persons: z.number(), zones: z.array(zoneCrowd).readonly() });
export type CrowdStatus = z.infer<typeof crowdStatus>;
