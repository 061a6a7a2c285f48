/**
 * Plate reading speed over the real crops of the three data sets, on onnxruntime CPU:
 *  - latency: milliseconds per plate crop for one reader with 2 intra-op threads, one crop at a time
 *    (detection on the crop + recognition + constrained decoding);
 *  - throughput: milliseconds per crop when the same crops are fed to the product's plate worker pool
 *    (2 workers, 1 thread each, as `argus analyze --anpr` runs it), i.e. wall time / crops.
 * Each set is its own site (a fresh reader and site prior).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startPlatePool } from '../src/pipeline/plate-host.js';
import { createPlateReader, loadRgb, type RgbImage } from '../src/plates/index.js';

const DATA = process.env.ARGUS_ASSETS ? join(process.env.ARGUS_ASSETS, 'data') : '../shared/assets/data';
const SETS = ['vn_plates_cctv_dinhlong04', 'vn_plates_bkav_thanglm20', 'vn_plates_chars_vitocolerole'];

export async function benchPlates(opts: { perSet?: number; threads?: number; workers?: number } = {}) {
  const perSet = opts.perSet ?? 40;
  const threads = opts.threads ?? 2;
  const workers = opts.workers ?? 2;
  const times: number[] = [];
  const bySet: Record<string, number> = {};
  const throughputBySet: Record<string, number> = {};
  let poolMs = 0;
  let poolCrops = 0;
  for (const set of SETS) {
    const dir = join(DATA, set, 'images');
    const files = (await readdir(dir)).sort().slice(0, perSet);
    const imgs = await Promise.all(files.map((f) => loadRgb(join(dir, f))));
    const setTimes = await latency(imgs, threads);
    bySet[set] = round(mean(setTimes));
    times.push(...setTimes);
    const ms = await throughput(imgs, workers);
    throughputBySet[set] = round(ms / imgs.length);
    poolMs += ms;
    poolCrops += imgs.length;
  }
  times.sort((a, b) => a - b);
  return {
    plates: times.length,
    threads,
    msPerPlateMean: round(mean(times)),
    msPerPlateP50: round(times[Math.floor(times.length * 0.5)] ?? 0),
    msPerPlateP95: round(times[Math.floor(times.length * 0.95)] ?? 0),
    msPerPlateBySet: bySet,
    poolWorkers: workers,
    msPerPlateThroughput: round(poolMs / poolCrops),
    msPerPlateThroughputBySet: throughputBySet,
  };
}

/** One reader, one crop at a time: milliseconds per crop. */
async function latency(imgs: readonly RgbImage[], threads: number): Promise<number[]> {
  const reader = await createPlateReader({ threads });
  try {
    // Warm-up (first runs allocate).
    await reader.readCrop(imgs[0]!.data, imgs[0]!.width, imgs[0]!.height);
    const out: number[] = [];
    for (const img of imgs) {
      const t0 = performance.now();
      await reader.readCrop(img.data, img.width, img.height);
      out.push(performance.now() - t0);
    }
    return out;
  } finally {
    await reader.close();
  }
}

/** The worker pool, all crops queued at once: wall milliseconds for the lot. */
async function throughput(imgs: readonly RgbImage[], workers: number): Promise<number> {
  const pool = await startPlatePool({ threads: 1 }, workers);
  try {
    await Promise.all(imgs.slice(0, workers).map((img) => pool.read('crop', img.data.slice(), img.width, img.height)));
    const t0 = performance.now();
    await Promise.all(imgs.map((img) => pool.read('crop', img.data.slice(), img.width, img.height)));
    return performance.now() - t0;
  } finally {
    await pool.close();
  }
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const round = (x: number) => Math.round(x * 100) / 100;
