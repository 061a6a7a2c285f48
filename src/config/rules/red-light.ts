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
    confirmMoveOfHeight: z
      .number()
      .min(0)
      .default(0.6)
      .describe('Alternatively: moving on this far from where it crossed (any direction: a turn along the line), as a fraction of its box height at the crossing'),
    confirmZone: refId.optional().describe('Alternatively: entering this intersection zone confirms the run'),
    stationaryPx: z.number().min(0).default(6).describe('Movement below this (source px) counts as standing still'),
    stoppedMs: positiveMs('A vehicle that stands still past the line this long and moves on only once the signal is no longer red did not run it (it encroached on the stop line: the stop_line rule), ms', 1000),
    hysteresisPx: z.number().min(0).default(4).describe('Dead band around the line for side changes, source px'),
  })
  .describe('Red-light running: crossing the stop line into the intersection while the signal is red');
export type RedLightParams = z.infer<typeof redLightParams>;
