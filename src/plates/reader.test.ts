import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRgb } from './load.js';
import { createPlateReader, type PlateReader } from './reader.js';

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
});
