import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { norm, type NormPoint } from '../core/geometry.js';
import { signalLampsSchema } from '../config/signal-lamps.js';
import { classifySignal } from './signal-classifier.js';
import { createSignalReader, holdColour, readLamps } from './signal-lamps.js';

const ASSETS = process.env.ARGUS_ASSETS ?? join(import.meta.dirname, '../../../shared/assets');
const CLIP = join(ASSETS, 'videos/vn_intersection_red_light.mp4');

/**
 * A crop of the intersection clip around its main signal head (x 1520–1600, y 0–140 of the 1620×720 picture),
 * decoded by ffmpeg at `tSec`: real lamp pixels, the red lamp rendered orange by the camera.
 */
const CROP = { x: 1520, y: 0, width: 80, height: 140 };
function headCrop(tSec: number): Uint8Array {
  return execFileSync('ffmpeg', [
    '-v', 'error', '-ss', String(tSec), '-i', CLIP, '-frames:v', '1',
    '-vf', `crop=${CROP.width}:${CROP.height}:${CROP.x}:${CROP.y}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-',
  ]);
}
/** The head (x 1545–1575, y 20–104 of the full picture, as in test/fixtures/rules/intersection-red.yaml), in the crop. */
const HEAD: NormPoint[] = [
  norm(25 / 80, 20 / 140),
  norm(55 / 80, 20 / 140),
  norm(55 / 80, 104 / 140),
  norm(25 / 80, 104 / 140),
];
const SIZE = { width: CROP.width, height: CROP.height };

describe.skipIf(!existsSync(CLIP))('lamp reader on the real head of the intersection clip', () => {
  it.each([
    [1, 'red'],
    [12, 'red'],
    [24.4, 'red'],
    [25, 'green'],
    [29, 'green'],
  ] as const)('reads the lamp at %s s as %s from which lamp is lit', (tSec, colour) => {
    const r = readLamps(headCrop(tSec), SIZE, HEAD);
    expect(r.colour).toBe(colour);
    expect(r.contrast).toBeGreaterThan(100);
  });

  it('where the hue of the lit pixels alone calls the orange-rendered red lamp amber', () => {
    expect(classifySignal(headCrop(12), SIZE, HEAD).colour).toBe('amber');
  });

  it('a signal configured with the hue reader still reads it by colour (amber): the reader is chosen per signal', () => {
    const reader = createSignalReader(new Map([['main', { region: HEAD, source: 'classifier' as const, reader: 'hue' as const }]]));
    expect(reader.read({ rgb: headCrop(12), size: SIZE, capturedAtMs: 0 })).toEqual([{ signalId: 'main', colour: 'amber' }]);
  });

  it('with the lamps of a bottom-to-top head (order reversed), the same top lamp reads green', () => {
    const reversed = signalLampsSchema.parse({ order: ['green', 'amber', 'red'] });
    expect(readLamps(headCrop(12), SIZE, HEAD, reversed).colour).toBe('green');
  });
});

/** A synthetic head: dark housing, one lit disc in cell `lit` of `n` along the layout, optional bright sky around. */
function head(layout: 'vertical' | 'horizontal', n: number, lit: number | undefined, rgbLit: [number, number, number]): { rgb: Uint8Array; size: { width: number; height: number }; region: NormPoint[] } {
  const cell = 20;
  const width = layout === 'vertical' ? 40 : cell * n + 20;
  const height = layout === 'vertical' ? cell * n + 20 : 40;
  const rgb = new Uint8Array(width * height * 3).fill(200); // bright background
  const hx0 = 10;
  const hy0 = 10;
  const hw = layout === 'vertical' ? 20 : cell * n;
  const hh = layout === 'vertical' ? cell * n : 20;
  for (let y = hy0; y < hy0 + hh; y++) for (let x = hx0; x < hx0 + hw; x++) rgb.fill(20, (y * width + x) * 3, (y * width + x) * 3 + 3);
  if (lit !== undefined) {
    const cx = layout === 'vertical' ? hx0 + 10 : hx0 + lit * cell + 10;
    const cy = layout === 'vertical' ? hy0 + lit * cell + 10 : hy0 + 10;
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= 36) rgb.set(rgbLit, (y * width + x) * 3);
  }
  const region = [norm(hx0 / width, hy0 / height), norm((hx0 + hw) / width, hy0 / height), norm((hx0 + hw) / width, (hy0 + hh) / height), norm(hx0 / width, (hy0 + hh) / height)];
  return { rgb, size: { width, height }, region };
}

describe('lamp reader', () => {
  it.each([
    [0, 'red'],
    [1, 'amber'],
    [2, 'green'],
  ] as const)('reads lamp %i of a vertical red-amber-green head as %s whatever its colour (a white-yellow disc here)', (lit, colour) => {
    const h = head('vertical', 3, lit, [255, 240, 200]);
    expect(readLamps(h.rgb, h.size, h.region).colour).toBe(colour);
  });

  it('reads a horizontal head in its configured order', () => {
    const lamps = signalLampsSchema.parse({ layout: 'horizontal', order: ['red', 'amber', 'green'] });
    const h = head('horizontal', 3, 2, [40, 230, 150]);
    expect(readLamps(h.rgb, h.size, h.region, lamps).colour).toBe('green');
    const twoLamps = signalLampsSchema.parse({ layout: 'horizontal', order: ['red', 'green'] });
    const h2 = head('horizontal', 2, 0, [255, 160, 40]);
    expect(readLamps(h2.rgb, h2.size, h2.region, twoLamps).colour).toBe('red');
  });

  it('says unknown when no lamp stands out (all dark), though the background around the head is bright', () => {
    const h = head('vertical', 3, undefined, [0, 0, 0]);
    const r = readLamps(h.rgb, h.size, h.region);
    expect(r.colour).toBe('unknown');
    expect(r.contrast).toBeLessThan(40);
  });

  it('refuses an order with a colour twice', () => {
    expect(signalLampsSchema.safeParse({ order: ['red', 'red', 'green'] }).success).toBe(false);
  });
});

describe('signal hysteresis', () => {
  it('shows a new colour only once it has been read on every frame for stableMs; a one-frame flicker changes nothing', () => {
    let h = holdColour(undefined, 'red', 0, 300);
    expect(h.shown).toBe('red');
    h = holdColour(h, 'green', 100, 300); // flicker
    expect(h.shown).toBe('red');
    h = holdColour(h, 'red', 200, 300);
    h = holdColour(h, 'green', 300, 300);
    expect(h.shown).toBe('red');
    h = holdColour(h, 'green', 500, 300);
    expect(h.shown).toBe('red');
    h = holdColour(h, 'green', 600, 300);
    expect(h.shown).toBe('green');
  });

  it('reads every classifier signal of a scene with its own reader and hysteresis; feed signals are left alone', () => {
    const h = head('vertical', 3, 0, [255, 170, 60]);
    const g = head('vertical', 3, 2, [40, 230, 150]);
    const lamps = signalLampsSchema.parse({ stableMs: 200 });
    const reader = createSignalReader(
      new Map([
        ['main', { region: h.region, source: 'classifier' as const, reader: 'lamps' as const, lamps }],
        ['ctrl', { source: 'feed' as const }],
      ]),
    );
    const at = (rgb: Uint8Array, ms: number): string => reader.read({ rgb, size: h.size, capturedAtMs: ms }).map((o) => `${o.signalId}:${o.colour}`).join();
    expect(at(h.rgb, 0)).toBe('main:red');
    expect(at(g.rgb, 100)).toBe('main:red');
    expect(at(g.rgb, 200)).toBe('main:red');
    expect(at(g.rgb, 300)).toBe('main:green');
  });
});
