import { z } from 'zod';
import { positiveMs, refId, ruleBase, vehicleClassesSchema } from './common.js';

export const accidentParams = z
  .strictObject({
    ...ruleBase,
    kind: z.literal('accident'),
    zone: refId.optional().describe('Watch only inside this zone (default: the whole picture)'),
    classes: vehicleClassesSchema,
    movingPxPerSec: z.number().positive().default(60).describe('Speed (source px/s) above which a vehicle was moving'),
    stoppedPxPerSec: z.number().positive().default(8).describe('Speed (source px/s) below which it is stopped'),
    maxDecelMs: positiveMs('The stop must follow the motion within this long (abrupt), ms', 1500),
    maxGapPx: z.number().positive().default(40).describe('Boxes at most this far apart (source px) are close together'),
    minStayMs: positiveMs('They stay stopped together at least this long, ms', 10_000),
  })
  .describe('Suspected accident: two or more vehicles stopping abruptly close together and staying');
export type AccidentParams = z.infer<typeof accidentParams>;
