import { z } from 'zod';
import { OBJECT_CLASSES, VEHICLE_CLASSES } from '../../core/classes.js';

/**
 * Pieces shared by the rule parameter schemas (one file per rule kind beside this one). Pure zod: the rule
 * implementations in src/rules import these schemas; config never imports rules.
 *
 * Reference convention (checked by the config cross-reference pass): a parameter named `zone`, `line`,
 * `lane`, `signal` (or ending in `Zone`, `Line`, `Lane`, `Signal`, or their plurals for lists) holds ids of
 * the camera's zones, lines, lanes or signals.
 */

export const refId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, 'must be 1–64 letters, digits, "-" or "_", starting with a letter or digit');

export const ruleBase = {
  id: refId.describe('Rule id, unique within the camera (appears in every event of the rule)'),
};

export const objectClassSchema = z.enum(OBJECT_CLASSES).describe('Object class');
export const vehicleClassSchema = z.enum(VEHICLE_CLASSES).describe('Vehicle class');
export const vehicleClassesSchema = z
  .array(vehicleClassSchema)
  .min(1)
  .default([...VEHICLE_CLASSES])
  .describe('Vehicle classes the rule applies to (default: all vehicles)');

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 h)');

export const timeWindowSchema = z
  .strictObject({
    days: z.array(z.enum(WEEKDAYS)).min(1).default([...WEEKDAYS]).describe('Days of the week (local time of the site)'),
    from: hhmm.describe('Start, HH:MM local time of the site (inclusive)'),
    to: hhmm.describe('End, HH:MM local time (exclusive); a window may wrap past midnight (22:00–06:00)'),
  })
  .describe('A recurring time window in the site time zone');
export type TimeWindowConfig = z.infer<typeof timeWindowSchema>;

export const timeWindowsSchema = z
  .array(timeWindowSchema)
  .default([])
  .describe('When the rule applies (site local time); empty = always');

export const positiveMs = (describe: string, def: number) => z.number().int().min(0).max(86_400_000).default(def).describe(describe);
