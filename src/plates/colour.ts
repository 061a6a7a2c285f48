/**
 * Plate background colour → category, from the pixels of the plate region: white private, yellow
 * commercial transport, blue state, red military. The background is the larger of the two colour
 * populations of a plate (text is thin), so we count saturated pixels by hue band.
 */
import type { Box } from '../core/box.js';
import type { PlateCategory } from '../core/plate.js';
import type { RgbImage } from './image.js';

export interface ColourShares {
  readonly yellow: number;
  readonly blue: number;
  readonly red: number;
}

/** Share of pixels in `region` (default: the whole image) that are clearly yellow, blue or red. */
export function colourShares(img: RgbImage, region?: Box): ColourShares {
  const x1 = Math.max(0, Math.floor(region?.x1 ?? 0));
  const y1 = Math.max(0, Math.floor(region?.y1 ?? 0));
  const x2 = Math.min(img.width, Math.ceil(region?.x2 ?? img.width));
  const y2 = Math.min(img.height, Math.ceil(region?.y2 ?? img.height));
  let yellow = 0, blue = 0, red = 0, n = 0;
  for (let y = y1; y < y2; y++) {
    for (let x = x1; x < x2; x++) {
      const i = (y * img.width + x) * 3;
      const r = img.data[i]!, g = img.data[i + 1]!, b = img.data[i + 2]!;
      n++;
      const max = Math.max(r, g, b);
      const min = Math.min(r, g, b);
      const sat = max === 0 ? 0 : (max - min) / max;
      if (max < 60 || sat < 0.3) continue; // dark or grey/white
      const hue = hueDeg(r, g, b, max, min);
      if (hue >= 38 && hue <= 68 && max > 110) yellow++;
      // White plates under daylight or IR turn bluish: only a strongly saturated blue is a blue plate.
      else if (hue >= 195 && hue <= 250 && sat >= 0.45) blue++;
      else if ((hue <= 12 || hue >= 340) && sat >= 0.4) red++;
    }
  }
  return n === 0 ? { yellow: 0, blue: 0, red: 0 } : { yellow: yellow / n, blue: blue / n, red: red / n };
}

function hueDeg(r: number, g: number, b: number, max: number, min: number): number {
  const d = max - min;
  let h: number;
  if (max === r) h = ((g - b) / d) % 6;
  else if (max === g) h = (b - r) / d + 2;
  else h = (r - g) / d + 4;
  return (h * 60 + 360) % 360;
}

/** Category from colour shares; a plate whose series is diplomatic/foreign says so regardless of colour. */
export function categoryOf(shares: ColourShares, series?: string): PlateCategory {
  if (series && ['NG', 'NN', 'QT'].includes(series)) return 'diplomatic';
  const min = 0.3;
  const best = (['yellow', 'blue', 'red'] as const).reduce((a, k) => (shares[k] > shares[a] ? k : a), 'yellow' as 'yellow' | 'blue' | 'red');
  if (shares[best] < min) return 'private';
  return best === 'yellow' ? 'commercial' : best === 'blue' ? 'state' : 'military';
}
