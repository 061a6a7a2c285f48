/**
 * A heatmap bucket: where the objects of one class stood in one camera's picture during one time bucket, on a
 * coarse grid of normalised picture coordinates. The runtime flushes one record per (bucket, class) when the bucket
 * closes (or the camera stops): never a row per frame. A bucket may arrive in several parts (a camera restarted
 * inside it); readers sum the parts. Values are object-seconds: a person standing 10 s in a cell adds 10 to it.
 */
export interface HeatmapBucket {
  /** Unique per flushed part (ULID): storing a part twice keeps one. */
  readonly id: string;
  readonly cameraId: string;
  /** Start of the time bucket, ms since epoch (a multiple of `bucketMs`). */
  readonly bucketStartMs: number;
  readonly bucketMs: number;
  /** Object class (`person`, `car`…). */
  readonly cls: string;
  readonly cols: number;
  readonly rows: number;
  /** Object-seconds per cell, row-major (`rows × cols`), cell (0,0) top-left of the picture. */
  readonly cells: readonly number[];
  /** Seconds of picture analysed in this part. */
  readonly seconds: number;
  /** Object-seconds over the picture (sum of the cells): divided by `seconds`, the mean number of objects seen. */
  readonly objectSeconds: number;
  /** Most objects of the class seen on one frame. */
  readonly maxCount: number;
}

/** The grid of the runtime's heatmaps: 32 × 18 cells (16:9), 5-minute buckets. */
export const HEATMAP_COLS = 32;
export const HEATMAP_ROWS = 18;
export const HEATMAP_BUCKET_MS = 5 * 60_000;

/** People in one zone on the latest analysed frame (the camera's live status). */
export interface ZoneCrowd {
  readonly id: string;
  readonly name: string | null;
  readonly persons: number;
  /** Ground area of the zone, m² (null: the camera has no calibration, or the zone reaches past the horizon). */
  readonly areaM2: number | null;
  /** Persons per m² (null without a ground area). */
  readonly perM2: number | null;
  /** The zone's share of the picture, % of the frame's area. */
  readonly framePct: number;
  /** Persons per 1 % of the picture's area (the density of a camera without calibration). */
  readonly perFramePct: number;
}

/** Persons on the latest analysed frame, on the whole picture and per zone. */
export interface CrowdStatus {
  /** Capture time of the frame counted. */
  readonly atMs: number;
  readonly persons: number;
  readonly zones: readonly ZoneCrowd[];
}
