import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRgb } from './load.js';
import { createPlateReader, type PlateReader } from './reader.js';
import { homeProvinceSeed } from './site-prior.js';

const DATA = '../shared/assets/data';
let reader: PlateReader;

beforeAll(async () => {
  reader = await createPlateReader({ threads: 1 });
});
afterAll(async () => {
  await reader.close();
});

async function readFile(path: string) {
  const img = await loadRgb(path);
  return reader.readCrop(img.data, img.width, img.height);
}

describe('plate reader on real crops (PP-OCRv4 + grammar)', () => {
  it('reads a one-line car plate crop with its display form', async () => {
    const r = await readFile(`${DATA}/vn_plates_bkav_thanglm20/images/p16__CNTrang245_crop_0.jpg`);
    expect(r.read?.plate).toBe('30E57090');
    expect(r.read?.display).toBe('30E-570.90');
    expect(r.read?.lines).toEqual(['30E57090']);
    expect(r.read?.category).toBe('private');
  });

  it('reads a two-line motorbike plate line by line, top line first', async () => {
    const r = await readFile(`${DATA}/vn_plates_chars_vitocolerole/images/10xemay47.jpg`);
    expect(r.read?.plate).toBe('59K190300');
    expect(r.read?.lines).toEqual(['59K1', '90300']);
    expect(r.read?.display).toBe('59-K1 903.00');
  });

  it('tells a blue state plate from a white one by its colour', async () => {
    const r = await readFile(`${DATA}/vn_plates_bkav_thanglm20/images/p5__Vinhlong60-CN-1_crop_0.jpg`);
    expect(r.read?.category).toBe('state');
  });

  it('says why when an image holds no plate text', async () => {
    const grey = new Uint8Array(80 * 40 * 3).fill(128);
    const r = await reader.readCrop(grey, 80, 40);
    expect(r.read).toBeNull();
    expect(r.reason).toBe('no_text');
  });

  it("reads a square car plate whose detector row is only its bottom line: that row alone, forced into the grammar, does not end the search", async () => {
    // The detector sees the big serial (`050.01`) as one wide row and not the small `77A` above it. Read as a whole
    // plate, that row fits the grammar only by force (`40Y5001`); the next hypothesis guesses the line above it.
    const quyNhon = await createPlateReader({ threads: 1, sitePrior: { seed: homeProvinceSeed([77]) } });
    try {
      for (const [file, key] of [
        ['cam9_20251008_072131_obj00_cls2_lp00_c078.jpg', '77A05001'],
        ['cam9_20251008_081128_obj04_cls2_lp00_c074.jpg', '77A22076'],
      ] as const) {
        const img = await loadRgb(`${DATA}/vn_plates_cctv_dinhlong04/images/${file}`);
        const r = await quyNhon.readCrop(img.data, img.width, img.height);
        expect(r.read?.plate, file).toBe(key);
        expect(r.read?.lines, file).toHaveLength(2);
        expect(r.layout, file).toBe('row-is-line2');
      }
    } finally {
      await quyNhon.close();
    }
  });

  it('weighs the vehicle it is told the plate is on: a motorbike never carries a one-letter series', async () => {
    // A tiny CCTV motorbike plate `77-AE 096.20` whose faint A the recognisers drop: alone it reads as a car's `27E-096.20`.
    const noPrior = await createPlateReader({ threads: 1, sitePrior: false });
    try {
      const img = await loadRgb(`${DATA}/vn_plates_cctv_dinhlong04/images/cam16_20251008_072656_obj01_cls1_lp00_c081.jpg`);
      const read = async (vehicle?: 'motorcycle' | 'car') => (await noPrior.readCrop(img.data, img.width, img.height, vehicle ? { vehicle } : {})).read;
      expect((await read())?.plate).toBe('27E09620');
      const moto = await read('motorcycle');
      expect(moto?.plate).toBe('77AE09620');
      expect(moto?.display).toBe('77-AE 096.20');
      expect((await read('car'))?.plate).toBe('27E09620');
    } finally {
      await noPrior.close();
    }
  });
});
