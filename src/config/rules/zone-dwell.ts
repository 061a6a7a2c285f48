import { z } from 'zod';
import { objectClassSchema, positiveMs, refId, ruleBase } from './common.js';

export const zoneDwellParams = z
  .strictObject({
    ...ruleBase,
    kind: z.literal('zone_dwell'),
    zone: refId.describe('Zone id'),
    classes: z.array(objectClassSchema).min(1).optional().describe('Classes counted (default: all)'),
    enterMs: positiveMs('A track counts as inside after this long inside (hysteresis), ms', 400),
    exitMs: positiveMs('A track counts as outside after this long outside or gone (hysteresis), ms', 800),
    maxDwellMs: z.number().int().positive().optional().describe('Raise a `dwell` alert when a track stays longer than this, ms'),
  })
  .describe('Zone occupancy and dwell: enter/exit events with occupancy and dwell time');
export type ZoneDwellParams = z.infer<typeof zoneDwellParams>;
