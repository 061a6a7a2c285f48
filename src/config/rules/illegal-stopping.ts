import { z } from 'zod';
import { positiveMs, refId, ruleBase, timeWindowsSchema, vehicleClassesSchema } from './common.js';

export const illegalStoppingParams = z
  .strictObject({
    ...ruleBase,
    kind: z.literal('illegal_stopping'),
    zone: refId.describe('No-stopping zone'),
    classes: vehicleClassesSchema,
    when: timeWindowsSchema,
    maxStopMs: positiveMs('Stationary longer than this is a violation, ms', 60_000),
    radiusM: z.number().positive().default(1.5).describe('Movement within this radius counts as stationary (metres, calibrated)'),
    radiusPx: z.number().positive().default(12).describe('Same in source pixels without calibration'),
  })
  .describe('Illegal stopping/parking: stationary in a no-stopping zone longer than the limit');
export type IllegalStoppingParams = z.infer<typeof illegalStoppingParams>;
