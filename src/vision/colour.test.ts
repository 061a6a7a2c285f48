import { describe, expect, it } from 'vitest';
import { box } from '../core/box.js';
import { ColourVotes, colourRegion, frameIlluminant, nameOf, regionColours, type RgbPicture } from './colour.js';

/** A picture filled with `bg`, with rectangles painted on it; every pixel then multiplied by a colour cast. */
function picture(w: number, h: number, bg: [number, number, number], rects: Array<[number, number, number, number, [number, number, number]]>, cast: [number, number, number] = [1, 1, 1]): RgbPicture {
  const rgb = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let c = bg;
      for (const [x1, y1, x2, y2, col] of rects) if (x >= x1 && x < x2 && y >= y1 && y < y2) c = col;
      const i = (y * w + x) * 3;
      for (let k = 0; k < 3; k++) rgb[i + k] = Math.min(255, Math.round(c[k]! * cast[k]!));
    }
  }
  return { rgb, width: w, height: h };
}

describe('nameOf', () => {
  it.each([
    [[0.9, 0.1, 0.1], 'red'],
    [[0.95, 0.55, 0.1], 'orange'],
    [[0.9, 0.85, 0.15], 'yellow'],
    [[0.2, 0.7, 0.25], 'green'],
    [[0.15, 0.3, 0.8], 'blue'],
    [[0.5, 0.2, 0.7], 'purple'],
    [[0.95, 0.6, 0.75], 'pink'],
    [[0.45, 0.28, 0.12], 'brown'],
    [[0.95, 0.95, 0.93], 'white'],
    [[0.55, 0.55, 0.57], 'gray'],
    [[0.08, 0.08, 0.1], 'black'],
  ] as const)('names %j %s', (rgb, name) => {
    expect(nameOf(rgb[0], rgb[1], rgb[2])).toBe(name);
  });
});

describe('regionColours', () => {
  // A person box 40×100 at (100, 50): red top, blue trousers, on a gray road.
  const person = box(100, 50, 140, 150);
  const scene = (cast?: [number, number, number]): RgbPicture =>
    // A real street has white (a wall) and black (shadows under cars) somewhere.
    picture(320, 200, [120, 120, 118], [[100, 50, 140, 100, [200, 30, 35]], [100, 100, 140, 150, [40, 60, 170]], [0, 0, 60, 40, [240, 240, 240]], [0, 170, 40, 200, [12, 12, 14]]], cast);

  it('reads the top and the trousers of a person under neutral light', () => {
    const pic = scene();
    const light = frameIlluminant(pic);
    expect(regionColours(pic, person, 'upper', light)[0]).toEqual({ colour: 'red', share: 1 });
    expect(regionColours(pic, person, 'lower', light)[0]).toEqual({ colour: 'blue', share: 1 });
  });

  it('corrects a camera whose white balance leans blue: a gray road is not blue, the top stays red', () => {
    const pic = scene([0.75, 0.9, 1.3]);
    const light = frameIlluminant(pic);
    expect(light.gains[2]).toBeLessThan(0.9);
    expect(light.gains[0]).toBeGreaterThan(1.1);
    const road = box(200, 120, 300, 190);
    expect(regionColours(pic, road, 'body', light)[0]!.colour).toBe('gray');
    expect(regionColours(pic, person, 'upper', light)[0]!.colour).toBe('red');
    // Without the correction the same road reads blue: the correction is what makes it gray.
    expect(regionColours(pic, road, 'body', { ...light, gains: [1, 1, 1] })[0]!.colour).toBe('blue');
  });

  it('gives the colour of a car, not of its windows: the darkest quarter of the region does not vote', () => {
    // A white car seen from behind: the rear window (dark) fills 40 % of the body region.
    const pic = picture(320, 200, [120, 120, 118], [[100, 50, 200, 150, [235, 235, 232]], [100, 72, 200, 102, [20, 22, 25]], [0, 0, 10, 10, [0, 0, 0]]]);
    expect(regionColours(pic, box(100, 50, 200, 150), 'body', frameIlluminant(pic))[0]!.colour).toBe('white');
  });

  it('lets a coloured body outvote the windows and shadows of a bus', () => {
    const pic = picture(320, 200, [120, 120, 118], [[100, 50, 200, 150, [200, 30, 35]], [100, 60, 200, 110, [15, 15, 18]], [0, 0, 10, 10, [250, 250, 250]]]);
    const votes = regionColours(pic, box(100, 50, 200, 150), 'body', frameIlluminant(pic));
    expect(votes[0]!.colour).toBe('red');
  });

  it('measures the regions the brief names: upper 15–50 %, lower 55–90 %, body without wheels and roof edge', () => {
    const at = (r: 'upper' | 'lower' | 'body'): number[] => Object.values(colourRegion(box(0, 0, 100, 100), r)).map((v) => Math.round(v));
    expect(at('upper')).toEqual([20, 15, 80, 50]);
    expect(at('lower')).toEqual([20, 55, 80, 90]);
    expect(at('body')).toEqual([15, 20, 85, 75]);
  });

  it('gives no votes for a box outside the picture', () => {
    const pic = scene();
    expect(regionColours(pic, box(400, 300, 450, 400), 'upper', frameIlluminant(pic))).toEqual([]);
  });

  it('costs well under 1 ms per box on a CCTV-sized frame', () => {
    const pic = picture(1600, 800, [120, 120, 118], [[500, 200, 700, 700, [200, 30, 35]]]);
    const light = frameIlluminant(pic);
    const t0 = performance.now();
    for (let i = 0; i < 200; i++) regionColours(pic, box(500, 200, 700, 700), 'upper', light);
    const ms = (performance.now() - t0) / 200;
    console.log(`regionColours: ${ms.toFixed(3)} ms per box`);
    expect(ms).toBeLessThan(1);
  });
});

describe('ColourVotes', () => {
  it('weights boxes and keeps a second colour only when it holds enough of the votes', () => {
    const v = new ColourVotes();
    v.add([{ colour: 'white', share: 0.6 }, { colour: 'black', share: 0.4 }], 2);
    v.add([{ colour: 'white', share: 1 }], 1);
    expect(v.dominant()).toEqual([{ colour: 'white', share: 0.733 }]);
    expect(v.dominant(0.25)).toEqual([{ colour: 'white', share: 0.733 }, { colour: 'black', share: 0.267 }]);
    expect(new ColourVotes().dominant()).toEqual([]);
  });
});
