import { z } from 'zod';
import { positiveMs, refId, ruleBase, vehicleClassesSchema } from './common.js';

export const redLightParams = z
  .strictObject({
    ...ruleBase,
    kind: z.literal('red_light'),
    stopLine: refId.describe('Line id of the stop line'),
    direction: z.enum(['pos', 'neg']).describe('Crossing direction that enters the intersection (see line `points`)'),
    signal: refId.describe('Signal id governing this approach'),
    classes: vehicleClassesSchema,
    exemptLanes: z.array(refId).default([]).describe('Lanes exempt from the signal (e.g. free right turn)'),
    amberIsViolation: z.boolean().default(false).describe('Also report crossing on amber (after the amber grace)'),
    amberGraceMs: positiveMs('Crossing within this long after amber starts is tolerated (the driver could not stop), ms', 1500),
    redGraceMs: positiveMs('Crossing within this long after red starts is tolerated (clearance), ms', 0),
    confirmPx: z.number().min(0).default(40).describe('The vehicle must be this far past the stop line (source px) to confirm the run; a vehicle that stops on the line is not a run'),
    confirmZone: refId.optional().describe('Alternatively: entering this intersection zone confirms the run'),
    hysteresisPx: z.number().min(0).default(4).describe('Dead band around the line for side changes, source px'),
  })
  .describe('Red-light running: crossing the stop line into the intersection while the signal is red');
export type RedLightParams = z.infer<typeof redLightParams>;
