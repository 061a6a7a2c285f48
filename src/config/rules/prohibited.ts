import { z } from 'zod';
import { positiveMs, refId, ruleBase, timeWindowsSchema, vehicleClassesSchema } from './common.js';

export const prohibitedParams = z
  .strictObject({
    ...ruleBase,
    kind: z.literal('prohibited'),
    zone: refId.optional().describe('Prohibited zone: entering it is the violation'),
    fromZone: refId.optional().describe('Prohibited turn: from this zone…'),
    toZone: refId.optional().describe('…into this zone'),
    classes: vehicleClassesSchema,
    when: timeWindowsSchema,
    minInsideMs: positiveMs('Inside the zone at least this long (hysteresis), ms', 500),
    turnWithinMs: positiveMs('A turn counts when the track reaches `toZone` within this long after leaving `fromZone`, ms', 15_000),
  })
  .refine((p) => (p.zone !== undefined ? p.fromZone === undefined && p.toZone === undefined : p.fromZone !== undefined && p.toZone !== undefined), {
    message: 'give either `zone` (prohibited entry) or both `fromZone` and `toZone` (prohibited turn)',
  })
  .describe('Prohibited entry or turn for some classes during some hours');
export type ProhibitedParams = z.infer<typeof prohibitedParams>;
