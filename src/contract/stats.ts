/** Dashboard statistics: violations, traffic flow and congestion, each with the filter it answers for. */
import { z } from 'zod';
import { VIOLATION_KINDS } from '../core/violation.js';
import { VIOLATION_STATUSES } from './violations.js';

/** One bucket of a time series: its local start (ms since epoch) and the number in it; empty buckets left out. */
export const seriesPoint = z.strictObject({ startMs: z.number(), n: z.number() });
export type SeriesPoint = z.infer<typeof seriesPoint>;

const common = {
  timeZone: z.string(),
  step: z.enum(['hour', 'day']),
  from: z.number().nullable(),
  to: z.number().nullable(),
  total: z.number(),
  /** 24 numbers: local hour of day 0–23. */
  byHour: z.array(z.number()),
  series: z.array(seriesPoint),
};

export const violationStats = z.strictObject({
  ...common,
  byKind: z.array(z.strictObject({ kind: z.enum(VIOLATION_KINDS), n: z.number() })),
  byCamera: z.array(z.strictObject({ cameraId: z.string(), n: z.number() })),
  byStatus: z.array(z.strictObject({ status: z.enum(VIOLATION_STATUSES), n: z.number() })),
  byKindStatus: z.array(z.strictObject({ kind: z.enum(VIOLATION_KINDS), status: z.enum(VIOLATION_STATUSES), n: z.number() })),
});
export type ViolationStats = z.infer<typeof violationStats>;

export const flowStats = z.strictObject({
  ...common,
  byCameraDirection: z.array(z.strictObject({ cameraId: z.string(), direction: z.string(), n: z.number() })),
  byClass: z.array(z.strictObject({ cls: z.string(), n: z.number() })),
  /** Per class, 24 numbers: its count per local hour of day. */
  byClassHour: z.array(z.strictObject({ cls: z.string(), byHour: z.array(z.number()) })),
});
export type FlowStats = z.infer<typeof flowStats>;

export const congestionStats = z.strictObject({
  ...common,
  /** `maxLevel`: the highest congestion level reported (0–3), null when no alert carried one. */
  byCamera: z.array(z.strictObject({ cameraId: z.string(), n: z.number(), maxLevel: z.number().nullable() })),
  byLevel: z.array(z.strictObject({ level: z.number(), n: z.number() })),
});
export type CongestionStats = z.infer<typeof congestionStats>;

/** Alerts raised and acknowledged in a period, and the time from raise to acknowledgement. */
export const alertStats = z.strictObject({
  total: z.number(),
  acknowledged: z.number(),
  byKind: z.array(z.strictObject({ kind: z.string(), n: z.number(), acknowledged: z.number() })),
  responseMs: z.strictObject({ p50: z.number(), p90: z.number(), max: z.number(), mean: z.number() }).nullable(),
});
export type AlertStats = z.infer<typeof alertStats>;

/** Each camera's share of the period with a picture (from its signal-loss and signal-restored alerts). */
export const uptimeStats = z.strictObject({
  fromMs: z.number(),
  toMs: z.number(),
  byCamera: z.array(z.strictObject({ cameraId: z.string(), uptime: z.number(), downMs: z.number(), outages: z.number() })),
});
export type UptimeStats = z.infer<typeof uptimeStats>;
