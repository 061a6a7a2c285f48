import { describe, expect, it } from 'vitest';
import { box } from '../core/box.js';
import { letterbox, toSourceBox } from './letterbox.js';

/** A w×h RGB image where pixel (x, y) = (x, y, 200). */
function gradient(w: number, h: number): Uint8Array {
  const rgb = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) rgb.set([x, y, 200], (y * w + x) * 3);
  return rgb;
}

describe('letterbox', () => {
  it('keeps the aspect, centres the picture and pads with 114', () => {
    const img = { rgb: gradient(200, 100), size: { width: 200, height: 100 } };
    const { tensor, dims, transform } = letterbox(img, { width: 100, height: 100, channelOrder: 'rgb' });
    expect(dims).toEqual([1, 3, 100, 100]);
    expect(transform).toMatchObject({ padX: 0, padY: 25, scaleX: 0.5, scaleY: 0.5 });
    expect(tensor[0]).toBe(114); // top padding row, R plane
    expect(tensor[2 * 10000 + 50 * 100 + 50]).toBeCloseTo(200); // B plane inside the picture
    expect(tensor[99 * 100]).toBe(114); // bottom padding row
  });

  it('samples bilinearly at pixel centres', () => {
    const img = { rgb: gradient(200, 100), size: { width: 200, height: 100 } };
    const { tensor } = letterbox(img, { width: 100, height: 100, channelOrder: 'rgb' });
    // Output column 10 ↔ source x = (10.5)·2 − 0.5 = 20.5; row 25+5 ↔ source y = 5.5·2 − 0.5 = 10.5.
    expect(tensor[30 * 100 + 10]).toBeCloseTo(20.5, 4); // R = x
    expect(tensor[10000 + 30 * 100 + 10]).toBeCloseTo(10.5, 4); // G = y
  });

  it('swaps to BGR and applies mean/std', () => {
    const img = { rgb: gradient(10, 10), size: { width: 10, height: 10 } };
    const { tensor } = letterbox(img, { width: 10, height: 10, channelOrder: 'bgr', mean: [100, 0, 0], std: [50, 1, 255] });
    expect(tensor[0]).toBeCloseTo((200 - 100) / 50); // plane 0 = B
    expect(tensor[200 + 3]).toBeCloseTo(3 / 255); // plane 2 = R = x at column 3
  });

  it('anchors at the top-left for YOLOX', () => {
    const img = { rgb: gradient(200, 100), size: { width: 200, height: 100 } };
    const { tensor, transform } = letterbox(img, { width: 100, height: 100, channelOrder: 'bgr', anchor: 'topleft' });
    expect(transform.padY).toBe(0);
    expect(tensor[0]).not.toBe(114);
    expect(tensor[60 * 100]).toBe(114);
  });

  it('maps boxes back to SOURCE pixels when the frame was downscaled', () => {
    const img = { rgb: gradient(200, 100), size: { width: 200, height: 100 }, sourceSize: { width: 1600, height: 800 } };
    const { transform } = letterbox(img, { width: 100, height: 100, channelOrder: 'rgb' });
    // Input (0,25)-(100,75) is the whole picture.
    expect(toSourceBox(box(0, 25, 100, 75), transform)).toEqual(box(0, 0, 1600, 800));
  });

  it('letterboxes a region (tile) and maps back with its offset', () => {
    const img = { rgb: gradient(200, 100), size: { width: 200, height: 100 } };
    const region = { x: 100, y: 0, width: 100, height: 100 };
    const { tensor, transform } = letterbox(img, { width: 50, height: 50, channelOrder: 'rgb', region });
    expect(tensor[0]).toBeCloseTo(100.5, 4); // first column samples source x ≈ 100.5
    expect(toSourceBox(box(0, 0, 50, 50), transform)).toEqual(box(100, 0, 200, 100));
  });

  it('rejects a buffer smaller than the frame size says', () => {
    expect(() => letterbox({ rgb: new Uint8Array(10), size: { width: 20, height: 20 } }, { width: 10, height: 10, channelOrder: 'rgb' })).toThrow(/expected 1200/);
  });

  it('rejects a region outside the frame', () => {
    const img = { rgb: gradient(20, 20), size: { width: 20, height: 20 } };
    expect(() => letterbox(img, { width: 10, height: 10, channelOrder: 'rgb', region: { x: 15, y: 0, width: 10, height: 10 } })).toThrow(/outside the 20×20 frame/);
  });
});
