import { z } from 'zod';
import { positiveMs, ruleBase } from './common.js';

export const ridersParams = z
  .strictObject({
    ...ruleBase,
    kind: z.literal('riders'),
    maxRiders: z.number().int().min(1).default(2).describe('Riders allowed on a motorbike (the law: 2, with exceptions)'),
    minSeenMs: positiveMs('Over the limit for at least this long (hysteresis against fusion noise), ms', 1000),
  })
  .describe('Motorbike carrying more riders than allowed');
export type RidersParams = z.infer<typeof ridersParams>;
