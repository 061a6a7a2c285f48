import { z } from 'zod';
import { positiveMs, refId, ruleBase, vehicleClassesSchema } from './common.js';

export const congestionParams = z
  .strictObject({
    ...ruleBase,
    kind: z.literal('congestion'),
    zone: refId.describe('Road zone measured'),
    classes: vehicleClassesSchema,
    windowMs: positiveMs('Occupancy and speed are averaged over this window, ms', 30_000),
    countLevels: z
      .tuple([z.number().min(0), z.number().min(0), z.number().min(0)])
      .default([5, 10, 20])
      .describe('Mean vehicle count for levels 1, 2, 3'),
    speedLevelsKmh: z
      .tuple([z.number().min(0), z.number().min(0), z.number().min(0)])
      .default([25, 12, 4])
      .describe('Mean speed at or below which levels 1, 2, 3 apply (calibrated cameras)'),
    speedLevelsPxPerSec: z
      .tuple([z.number().min(0), z.number().min(0), z.number().min(0)])
      .default([60, 30, 8])
      .describe('Same in source px/s without calibration'),
    holdMs: positiveMs('A new level must hold this long before it is reported (hysteresis), ms', 10_000),
  })
  .describe('Congestion: occupancy and mean speed over a window → level 0–3; an alert on each level change');
export type CongestionParams = z.infer<typeof congestionParams>;
