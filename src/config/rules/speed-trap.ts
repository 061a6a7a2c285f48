import { z } from 'zod';
import { positiveMs, refId, ruleBase, vehicleClassesSchema } from './common.js';

export const speedTrapParams = z
  .strictObject({
    ...ruleBase,
    kind: z.literal('speed_trap'),
    firstLine: refId.describe('Line crossed first'),
    secondLine: refId.describe('Line crossed second'),
    distanceM: z.number().positive().describe('Road distance between the two lines, metres'),
    classes: vehicleClassesSchema,
    toleranceKmh: z.number().min(0).default(3).describe('Report only above limit + tolerance'),
    maxTravelMs: positiveMs('Forget a first-line crossing after this long, ms', 30_000),
  })
  .describe('Two-line speed trap: time between crossing two lines a known distance apart');
export type SpeedTrapParams = z.infer<typeof speedTrapParams>;
