import { describe, expect, it } from 'vitest';
import { norm } from '../core/geometry.js';
import { classifySignal, classifySignals, lampOfHue } from './signal-classifier.js';

const W = 200;
const H = 100;

/** A dark frame with a signal head at x 100–120, y 10–70 and one lit lamp (a disc) of the given RGB. */
function frame(lamp: 'top' | 'middle' | 'bottom' | 'none', rgbLit: [number, number, number], glare = false): Uint8Array {
  const rgb = new Uint8Array(W * H * 3).fill(30);
  const cy = lamp === 'top' ? 20 : lamp === 'middle' ? 40 : 60;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 3;
      if (x >= 100 && x < 120 && y >= 10 && y < 70) rgb.fill(15, i, i + 3); // black housing
      if (lamp !== 'none' && (x - 110) ** 2 + (y - cy) ** 2 <= 36) rgb.set(rgbLit, i);
      if (glare && x >= 100 && x < 120 && y >= 30 && y < 35) rgb.set([250, 250, 250], i); // white glare: unsaturated
    }
  return rgb;
}

const region = [norm(0.49, 0.08), norm(0.61, 0.08), norm(0.61, 0.72), norm(0.49, 0.72)];

describe('signal colour classifier', () => {
  it.each([
    ['red', 'top', [255, 40, 30]],
    ['amber', 'middle', [255, 170, 0]],
    ['green', 'bottom', [30, 230, 140]],
  ] as const)('reads a lit %s lamp', (colour, lamp, rgbLit) => {
    const r = classifySignal(frame(lamp, [...rgbLit], true), { width: W, height: H }, region);
    expect(r.colour).toBe(colour);
    expect(r.counts[colour]).toBeGreaterThan(80);
  });

  it('says unknown when no lamp is lit or the region is outside the picture', () => {
    expect(classifySignal(frame('none', [0, 0, 0], true), { width: W, height: H }, region).colour).toBe('unknown');
    expect(classifySignal(frame('top', [255, 40, 30]), { width: W, height: H }, [norm(2, 2), norm(3, 2), norm(3, 3)]).colour).toBe('unknown');
  });

  it('ignores the lamp outside the region', () => {
    expect(classifySignal(frame('top', [255, 40, 30]), { width: W, height: H }, [norm(0, 0), norm(0.3, 0), norm(0.3, 0.5)]).colour).toBe('unknown');
  });

  it.each([
    [0, 'red'],
    [350, 'red'],
    [30, 'amber'],
    [55, 'amber'],
    [120, 'green'],
    [170, 'green'],
    [240, undefined],
  ] as const)('maps hue %i° to %s', (h, lamp) => {
    expect(lampOfHue(h)).toBe(lamp);
  });
});

describe('signal observations for a scene', () => {
  it('classifies only the signals whose source is the classifier', () => {
    const signals = new Map([
      ['main', { region, source: 'classifier' as const }],
      ['ctrl', { source: 'feed' as const }],
    ]);
    expect(classifySignals({ rgb: frame('bottom', [30, 230, 140]), size: { width: W, height: H } }, signals)).toEqual([{ signalId: 'main', colour: 'green' }]);
  });
});
