import { z } from 'zod';
import { refId, ruleBase, vehicleClassesSchema } from './common.js';

export const wrongWayParams = z
  .strictObject({
    ...ruleBase,
    kind: z.literal('wrong_way'),
    lanes: z.array(refId).min(1).describe('Lanes watched (each has a travel direction)'),
    classes: vehicleClassesSchema,
    minDistanceM: z.number().positive().default(8).describe('Travel against the lane at least this far (metres, calibrated cameras)'),
    minDistancePx: z.number().positive().default(80).describe('Same in source pixels, for cameras without calibration'),
  })
  .describe('Wrong way: heading against the lane direction over a minimum distance, measured back from the furthest point reached along the lane (so jitter and short reversals never count)');
export type WrongWayParams = z.infer<typeof wrongWayParams>;
