import { describe, expect, it } from 'vitest';
import { loadRgb } from '../plates/load.js';
import { startPlatePool } from './plate-host.js';

const DATA = '../shared/assets/data';

describe('plate worker pool', () => {
  it('reads crops on two workers at once and answers each job with its own plate', async () => {
    const pool = await startPlatePool({ sitePrior: false }, 2);
    try {
      const files = ['vn_plates_bkav_thanglm20/images/p16__CNTrang245_crop_0.jpg', 'vn_plates_chars_vitocolerole/images/10xemay47.jpg'];
      const imgs = await Promise.all(files.map((f) => loadRgb(`${DATA}/${f}`)));
      const jobs = [...imgs, ...imgs, ...imgs].map((img) => pool.read('crop', img.data.slice(), img.width, img.height));
      expect(pool.pending).toBe(6);
      const reads = await Promise.all(jobs);
      expect(reads.map((r) => r[0]?.read?.plate)).toEqual(['30E57090', '59K190300', '30E57090', '59K190300', '30E57090', '59K190300']);
      expect(pool.pending).toBe(0);
    } finally {
      await pool.close();
    }
    await expect(pool.read('crop', new Uint8Array(3), 1, 1)).rejects.toThrow(/exited|closed|failed/);
  }, 60_000);

  it('refuses a worker count that is not a whole number ≥ 1', async () => {
    await expect(startPlatePool({}, 0)).rejects.toThrow(/whole number/);
  });
});
