/**
 * Plate reading speed: milliseconds per plate crop (detection on the crop + recognition + constrained
 * decoding), over the real crops of the three data sets, on onnxruntime CPU.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createPlateReader, loadRgb } from '../src/plates/index.js';

const DATA = process.env.ARGUS_ASSETS ? join(process.env.ARGUS_ASSETS, 'data') : '../shared/assets/data';
const SETS = ['vn_plates_cctv_dinhlong04', 'vn_plates_bkav_thanglm20', 'vn_plates_chars_vitocolerole'];

export async function benchPlates(opts: { perSet?: number; threads?: number } = {}) {
  const perSet = opts.perSet ?? 40;
  const threads = opts.threads ?? 2;
  const reader = await createPlateReader({ threads });
  const times: number[] = [];
  const bySet: Record<string, number> = {};
  try {
    for (const set of SETS) {
      const dir = join(DATA, set, 'images');
      const files = (await readdir(dir)).sort().slice(0, perSet);
      const imgs = await Promise.all(files.map((f) => loadRgb(join(dir, f))));
      // Warm-up (first runs allocate).
      await reader.readCrop(imgs[0]!.data, imgs[0]!.width, imgs[0]!.height);
      const setTimes: number[] = [];
      for (const img of imgs) {
        const t0 = performance.now();
        await reader.readCrop(img.data, img.width, img.height);
        setTimes.push(performance.now() - t0);
      }
      bySet[set] = round(mean(setTimes));
      times.push(...setTimes);
    }
  } finally {
    await reader.close();
  }
  times.sort((a, b) => a - b);
  return {
    plates: times.length,
    threads,
    msPerPlateMean: round(mean(times)),
    msPerPlateP50: round(times[Math.floor(times.length * 0.5)] ?? 0),
    msPerPlateP95: round(times[Math.floor(times.length * 0.95)] ?? 0),
    msPerPlateBySet: bySet,
  };
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const round = (x: number) => Math.round(x * 100) / 100;
