import { describe, expect, it } from 'vitest';
import { loadRgb } from '../plates/load.js';
import { ArgusError } from '../core/errors.js';
import type { CropRead } from '../plates/index.js';
import { startPlatePool, startSupervisedPool, superviseHost, type PlateHost } from './plate-host.js';

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

  it("passes the tracked vehicle to the worker's reader (its vehicle prior)", async () => {
    const pool = await startPlatePool({ sitePrior: false }, 1);
    try {
      const img = await loadRgb(`${DATA}/vn_plates_cctv_dinhlong04/images/cam16_20251008_072656_obj01_cls1_lp00_c081.jpg`);
      expect((await pool.read('crop', img.data.slice(), img.width, img.height))[0]?.read?.plate).toBe('27E09620');
      expect((await pool.read('crop', img.data.slice(), img.width, img.height, 'motorcycle'))[0]?.read?.plate).toBe('77AE09620');
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('refuses a worker count that is not a whole number ≥ 1', async () => {
    await expect(startPlatePool({}, 0)).rejects.toThrow(/whole number/);
  });
});

/** A test double of the PlateHost port: answers one read, or fails like a worker that died, on demand. */
function fakeHost(name: string, log: string[]): PlateHost & { die(): void } {
  let dead = false;
  return {
    async read() {
      if (dead) throw new ArgusError('inference_failed', 'plate worker exited');
      return [{ read: null, raw: [name], sharpness: 0, charProbs: [] } satisfies CropRead];
    },
    pending: 0, slots: 1,
    async close() {
      log.push(`close ${name}`);
    },
    die() {
      dead = true;
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const raw = async (host: PlateHost) => (await host.read('crop', new Uint8Array(3), 1, 1))[0]?.raw[0];

describe('supervised plate host', () => {
  it('starts a host again after its worker dies; reads in between come back empty, not failed', async () => {
    const log: string[] = [];
    const hosts: ReturnType<typeof fakeHost>[] = [];
    const problems: string[] = [];
    const host = await superviseHost(
      async () => {
        const h = fakeHost(`h${hosts.length + 1}`, log);
        hosts.push(h);
        return h;
      },
      { minDelayMs: 10, onProblem: (e) => problems.push(e.message), onRecovered: () => log.push('recovered') },
    );
    expect(await raw(host)).toBe('h1');
    hosts[0]!.die();
    expect(await host.read('crop', new Uint8Array(3), 1, 1)).toEqual([]);
    expect(problems).toEqual(['plate worker exited']);
    await sleep(20);
    expect(await raw(host)).toBe('h2');
    expect(log).toEqual(['close h1', 'recovered']);
    await host.close();
    expect(log.at(-1)).toBe('close h2');
  });

  it('waits longer after each failed start, and a read that fails for another reason still fails', async () => {
    const starts: number[] = [];
    let fail = false;
    let h: ReturnType<typeof fakeHost> | undefined;
    const retries: number[] = [];
    const host = await superviseHost(
      async () => {
        starts.push(Date.now());
        if (fail) throw new ArgusError('model_invalid', 'plate reader failed to load: out of memory');
        return (h = fakeHost('ok', []));
      },
      { minDelayMs: 30, maxDelayMs: 60, onProblem: (_e, retryInMs) => retries.push(retryInMs) },
    );
    fail = true;
    h!.die();
    const until = Date.now() + 400;
    while (Date.now() < until) {
      expect(await host.read('crop', new Uint8Array(3), 1, 1)).toEqual([]);
      await sleep(5);
    }
    // The death (retry at once), then failed starts 30, 60, 60 … ms apart: a handful of starts, not hundreds of reads' worth.
    expect(retries.slice(0, 3)).toEqual([0, 30, 60]);
    expect(starts.length).toBeGreaterThanOrEqual(4);
    expect(starts.length).toBeLessThanOrEqual(10);
    fail = false;
    await sleep(70);
    await host.read('crop', new Uint8Array(3), 1, 1);
    await sleep(5);
    expect(await raw(host)).toBe('ok');
    await host.close();

    const broken = await superviseHost(async () => ({ ...fakeHost('x', []), read: () => Promise.reject(new ArgusError('inference_failed', 'plate read failed: bad picture')) }));
    await expect(broken.read('crop', new Uint8Array(3), 1, 1)).rejects.toThrow(/bad picture/);
    await broken.close();
  });

  it('reads real crops through a supervised pool of real workers', async () => {
    const pool = await startSupervisedPool({ sitePrior: false }, 2);
    try {
      const img = await loadRgb(`${DATA}/vn_plates_bkav_thanglm20/images/p16__CNTrang245_crop_0.jpg`);
      const reads = await Promise.all([0, 1, 2].map(() => pool.read('crop', img.data.slice(), img.width, img.height)));
      expect(reads.map((r) => r[0]?.read?.plate)).toEqual(['30E57090', '30E57090', '30E57090']);
    } finally {
      await pool.close();
    }
  }, 60_000);
});
