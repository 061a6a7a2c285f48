import { z } from 'zod';
import { positiveMs, refId, ruleBase, vehicleClassesSchema } from './common.js';

export const stopLineParams = z
  .strictObject({
    ...ruleBase,
    kind: z.literal('stop_line'),
    stopLine: refId.describe('Line id of the stop line'),
    direction: z.enum(['pos', 'neg']).describe('Side of the line beyond the stop line (the intersection side)'),
    signal: refId.describe('Signal id governing this approach'),
    classes: vehicleClassesSchema,
    minOverPx: z.number().min(0).default(6).describe('Box bottom must be this far past the line, source px'),
    stationaryPx: z.number().min(0).default(6).describe('Movement below this (source px) counts as stopped'),
    minStoppedMs: positiveMs('Stopped past the line at red for at least this long, ms', 1000),
  })
  .describe('Stop-line encroachment: stopped past the stop line while the signal is red');
export type StopLineParams = z.infer<typeof stopLineParams>;
