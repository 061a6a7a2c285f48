/**
 * The analysis overlay of one camera (GET /api/cameras/:id/overlay, Server-Sent Events `overlay`): per analysed
 * frame, what the analysis sees, for drawing over the live video. Geometry is normalised 0–1 of the picture (x right,
 * y down). Class and track id only: never plate text (plates are a protected data class).
 */
import { z } from 'zod';
import { OBJECT_CLASSES } from '../core/classes.js';

const unit = z.number().min(0).max(1);
const normPoint = z.tuple([unit, unit]);

export const overlayTrack = z.strictObject({
  id: z.number().int(),
  cls: z.enum(OBJECT_CLASSES),
  /** x1, y1, x2, y2, normalised. */
  box: z.tuple([unit, unit, unit, unit]),
});

export const overlayLine = z.strictObject({
  id: z.string(),
  name: z.string().nullable(),
  a: normPoint,
  b: normPoint,
  /** Crossings since the analysis (re)started, all classes: towards the `pos` side, towards the `neg` side. */
  pos: z.number().int().min(0),
  neg: z.number().int().min(0),
});

export const overlayZone = z.strictObject({
  id: z.string(), name: z.string().nullable(), polygon: z.array(normPoint),
  /** Persons whose feet are in the zone on this frame (absent where the runtime does not count them). */
  persons: z.number().int().min(0).optional(),
});

export const overlaySignal = z.strictObject({ id: z.string(), colour: z.enum(['red', 'amber', 'green', 'unknown']) });

export const overlayFrame = z.strictObject({
  cameraId: z.string(),
  /** Capture time of the analysed frame, ms since epoch: the browser matches it to the video's time. */
  capturedAtMs: z.number(),
  tracks: z.array(overlayTrack),
  lines: z.array(overlayLine),
  zones: z.array(overlayZone),
  signals: z.array(overlaySignal),
});

export type OverlayFrame = z.infer<typeof overlayFrame>;
export type OverlayTrack = z.infer<typeof overlayTrack>;
