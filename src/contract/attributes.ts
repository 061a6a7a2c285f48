/**
 * Attribute search (people and vehicles without any face): tracks by class, dominant colours of a person's upper and
 * lower body or of a vehicle's body, time window and cameras. Colour names and their vi/en labels come from core.
 */
import { z } from 'zod';
import { OBJECT_CLASSES } from '../core/classes.js';
import { COLOUR_LABELS, COLOUR_NAMES } from '../core/colours.js';

export { COLOUR_LABELS, COLOUR_NAMES };
export type { ColourName } from '../core/colours.js';

const colourName = z.enum(COLOUR_NAMES);
const box = z.strictObject({ x1: z.number(), y1: z.number(), x2: z.number(), y2: z.number() });

export const trackHit = z.strictObject({
  /** The track summary's id. */
  id: z.string(),
  cameraId: z.string(),
  cameraName: z.string().nullable(),
  trackId: z.number(),
  cls: z.enum(OBJECT_CLASSES),
  firstMs: z.number(),
  lastMs: z.number(),
  /** Top colour first (at most two per region; empty when not measured). People: upper, lower; vehicles: body. */
  upper: z.array(colourName),
  lower: z.array(colourName),
  body: z.array(colourName),
  /** Where the track was first and last seen (source pixels), when known. */
  startBox: box.nullable(),
  endBox: box.nullable(),
  /** The best crop (JPEG, audited), or null when none was kept. */
  cropUrl: z.string().nullable(),
});
export type TrackHit = z.infer<typeof trackHit>;

export const attributeSearch = z.strictObject({ items: z.array(trackHit), nextCursor: z.string().nullable() });
export type AttributeSearch = z.infer<typeof attributeSearch>;
