import { z } from 'zod';
import { positiveMs, refId, ruleBase } from './common.js';

export const crowdParams = z
  .strictObject({
    ...ruleBase,
    kind: z.literal('crowd'),
    zone: refId.describe('Zone watched'),
    minPeople: z.number().int().min(2).default(10).describe('People in the zone to count as a gathering'),
    minDurationMs: positiveMs('For at least this long, ms', 60_000),
    rearmMs: positiveMs('After an alert, below the threshold this long before the next alert, ms', 60_000),
  })
  .describe('Crowd gathering: at least N people in a zone for at least T');
export type CrowdParams = z.infer<typeof crowdParams>;
