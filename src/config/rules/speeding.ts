import { z } from 'zod';
import { positiveMs, refId, ruleBase, vehicleClassesSchema } from './common.js';

export const speedingParams = z
  .strictObject({
    ...ruleBase,
    kind: z.literal('speeding'),
    zone: refId.optional().describe('Measure only inside this zone (default: the whole picture)'),
    classes: vehicleClassesSchema,
    windowMs: positiveMs('Ground positions over this window are fitted (robust regression), ms', 1500),
    minSamples: z.number().int().min(3).default(5).describe('Minimum positions in the window for a measurement'),
    toleranceKmh: z.number().min(0).default(3).describe('Report only above limit + tolerance'),
    minOverMs: positiveMs('Over the limit for at least this long (hysteresis), ms', 500),
  })
  .describe('Speeding from calibrated ground positions (needs the camera calibration and speed limits)');
export type SpeedingParams = z.infer<typeof speedingParams>;
