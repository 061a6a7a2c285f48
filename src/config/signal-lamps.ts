import { z } from 'zod';

/**
 * How a classifier signal's state is read from its head in the picture. `lamps` (the default): the head's region
 * is cut into its lamps along `layout`, in `order`, and the lit lamp is the one clearly brighter than the others,
 * whatever colour the camera renders it (a red lamp often comes out orange or white-yellow on CCTV sensors).
 * `hue`: count saturated pixels by hue (for a region drawn around one lamp of unknown position, or a head whose
 * lamps are not evenly spaced).
 */
export const SIGNAL_LAMP_COLOURS = ['red', 'amber', 'green'] as const;

export const signalLampsSchema = z
  .strictObject({
    layout: z.enum(['vertical', 'horizontal']).default('vertical').describe('How the lamps of the head are stacked: vertical (top to bottom) or horizontal (left to right)'),
    order: z
      .array(z.enum(SIGNAL_LAMP_COLOURS))
      .min(2)
      .max(4)
      .default(['red', 'amber', 'green'])
      .refine((o) => new Set(o).size === o.length, 'each colour at most once')
      .describe('Lamp colours from the top (vertical) or the left (horizontal); the region is cut into this many equal cells'),
    minContrast: z
      .number()
      .min(1)
      .max(255)
      .default(40)
      .describe('The lit lamp must be this much brighter (0–255, mean of the brightest quarter of its cell) than the next brightest lamp'),
    stableMs: z.number().int().min(0).max(10_000).default(300).describe('A new state is reported once it has been read on every frame for this long, ms (hysteresis against flicker and passing glare)'),
  })
  .describe('Lamps of the signal head (how the lit lamp is told from the others)');
export type SignalLampsConfig = z.infer<typeof signalLampsSchema>;

export const signalReaderSchema = z
  .enum(['lamps', 'hue'])
  .default('lamps')
  .describe('How the classifier reads the state: which lamp of the head is lit (lamps), or the hue of the lit pixels (hue)');
