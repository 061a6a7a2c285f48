import { z } from 'zod';
import { positiveMs, refId, ruleBase } from './common.js';

export const wrongLaneParams = z
  .strictObject({
    ...ruleBase,
    kind: z.literal('wrong_lane'),
    lanes: z.array(refId).min(1).describe('Lanes watched (each lists its allowed classes)'),
    minInsideMs: positiveMs('Inside a lane not allowed for the class at least this long (hysteresis), ms', 1500),
  })
  .describe('Wrong lane: a vehicle class not allowed in the lane (e.g. a car in the motorbike lane)');
export type WrongLaneParams = z.infer<typeof wrongLaneParams>;
