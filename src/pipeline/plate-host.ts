/**
 * The plate reader in a worker thread: `read()` posts a picture (its buffer is transferred) and resolves with
 * the reads; the analysis loop never waits on onnxruntime. Started like src/vision/onnx-pool.ts: the built
 * .js worker, or under vitest/tsx an eval bootstrap that registers tsx's ESM hooks first.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { VehicleClass } from '../core/classes.js';
import { ArgusError } from '../core/errors.js';
import type { CropRead, PlateReaderOptions } from '../plates/index.js';
import { homeProvinceSeed, type PlateHistoryEntry } from '../plates/site-prior.js';
import type { FromPlateWorker, ToPlateWorker } from './plate-worker.js';

export interface PlateHost {
  /** Read plates: `find` localises them (vehicle crop or whole frame), `crop` reads a plate crop. */
  read(mode: 'find' | 'crop', rgb: Uint8Array, width: number, height: number, vehicle?: VehicleClass): Promise<readonly CropRead[]>;
  /** Jobs posted and not yet answered. */
  readonly pending: number;
  /** Reads it runs at once (its live workers, one core each): a camera may keep this many in flight. */
  readonly slots: number;
  close(): Promise<void>;
}

/**
 * A site's reader options: its home provinces (`sites[].provinces`) seed the reader's site prior, and the site's
 * earlier reads (`history`, oldest first) warm it.
 */
export const siteReaderOptions = (site: { readonly provinces?: readonly number[] } | undefined, history: readonly PlateHistoryEntry[] = []): PlateReaderOptions => ({
  sitePrior: { seed: homeProvinceSeed(site?.provinces), ...(history.length > 0 ? { history } : {}) },
});

function tsxEsmApi(from: string): string {
  const pkgPath = createRequire(from).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports?: Record<string, { import?: { default?: string } }> };
  const rel = pkg.exports?.['./esm/api']?.import?.default;
  if (!rel) throw new ArgusError('model_invalid', 'tsx has no ./esm/api export: cannot start a .ts plate worker');
  return join(dirname(pkgPath), rel);
}

function newWorker(opts: PlateReaderOptions): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./plate-worker.js', here), { workerData: opts });
  const api = pathToFileURL(tsxEsmApi(here)).href;
  const entry = new URL('./plate-worker.ts', here).href;
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, workerData: opts });
}

interface Waiting {
  resolve(r: readonly CropRead[]): void;
  reject(e: unknown): void;
}

/** Start the worker and wait until its models are loaded (or fail with `model_invalid`). */
export async function startPlateHost(opts: PlateReaderOptions = {}, startTimeoutMs = 60_000): Promise<PlateHost> {
  const worker = newWorker(opts);
  const waiting = new Map<number, Waiting>();
  let failure: ArgusError | undefined;
  const failAll = (e: ArgusError): void => {
    failure ??= e;
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new ArgusError('model_invalid', `plate reader took over ${startTimeoutMs} ms to load`)), startTimeoutMs);
    worker.once('message', (m: FromPlateWorker) => {
      clearTimeout(timer);
      if (m.type === 'ready') resolve();
      else reject(new ArgusError('model_invalid', `plate reader failed to load: ${m.type === 'fatal' ? m.message : m.type}`));
    });
    worker.once('error', (e) => {
      clearTimeout(timer);
      reject(new ArgusError('model_invalid', `plate worker failed to start: ${e.message}`, { cause: e }));
    });
  }).catch(async (e: unknown) => {
    await worker.terminate();
    throw e;
  });
  worker.on('message', (m: FromPlateWorker) => {
    if (m.type === 'result' || m.type === 'error') {
      const w = waiting.get(m.id);
      waiting.delete(m.id);
      if (m.type === 'result') w?.resolve(m.reads);
      else w?.reject(new ArgusError('inference_failed', `plate read failed: ${m.message}`));
    } else if (m.type === 'fatal') failAll(new ArgusError('inference_failed', `plate worker: ${m.message}`));
  });
  worker.on('error', (e) => failAll(new ArgusError('inference_failed', `plate worker crashed: ${e.message}`, { cause: e })));
  worker.on('exit', () => failAll(new ArgusError('inference_failed', 'plate worker exited')));
  let nextId = 1;
  return {
    read(mode, rgb, width, height, vehicle) {
      if (failure) return Promise.reject(failure);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        const msg: ToPlateWorker = { type: 'read', id, mode, rgb, width, height, ...(vehicle ? { vehicle } : {}) };
        worker.postMessage(msg, [rgb.buffer as ArrayBuffer]);
      });
    },
    get pending() {
      return waiting.size;
    },
    slots: 1,
    async close() {
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      const timer = setTimeout(() => void worker.terminate(), 5000);
      worker.postMessage({ type: 'close' } satisfies ToPlateWorker);
      await exited;
      clearTimeout(timer);
      failure ??= new ArgusError('inference_failed', 'plate reader closed');
    },
  };
}

/** The error of a read whose worker crashed, exited or was closed (the host takes no more work). */
const diedOf = (e: unknown): boolean => e instanceof ArgusError && /plate worker|plate reader closed/.test(e.message);

/**
 * Several plate workers behind one PlateHost: each job goes to the worker with the fewest jobs waiting.
 * onnxruntime-node runs a model on the calling thread, so two workers with one intra-op thread each read two
 * crops at once on two cores, where one worker with two threads gains only ~25 % (measured in `npm run bench`).
 * A worker that crashes is left out (the job it held fails); the pool fails only when none is left.
 */
export async function startPlatePool(opts: PlateReaderOptions = {}, workers = 1, startTimeoutMs = 60_000): Promise<PlateHost> {
  return poolOf(workers, () => startPlateHost(opts, startTimeoutMs));
}

/** Start `workers` hosts (all or none) behind one PlateHost. */
async function poolOf(workers: number, start: () => Promise<PlateHost>): Promise<PlateHost> {
  if (!(Number.isInteger(workers) && workers >= 1)) throw new ArgusError('invalid_argument', `plate workers must be a whole number ≥ 1, got ${workers}`);
  const settled = await Promise.allSettled(Array.from({ length: workers }, start));
  const hosts = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(hosts.map((h) => h.close()));
    throw failed.reason;
  }
  if (hosts.length === 1) return hosts[0]!;
  const dead = new Set<PlateHost>();
  return {
    async read(mode, rgb, width, height, vehicle) {
      const host = hosts.filter((h) => !dead.has(h)).sort((a, b) => a.pending - b.pending)[0];
      if (!host) throw new ArgusError('inference_failed', 'every plate worker has failed');
      try {
        return await host.read(mode, rgb, width, height, vehicle);
      } catch (e) {
        // A worker that crashed or exited takes no more jobs (this one fails; the caller skips the frame).
        if (diedOf(e)) dead.add(host);
        throw e;
      }
    },
    get pending() {
      return hosts.reduce((n, h) => n + h.pending, 0);
    },
    get slots() {
      return Math.max(1, hosts.filter((h) => !dead.has(h)).reduce((n, h) => n + h.slots, 0));
    },
    async close() {
      await Promise.all(hosts.map((h) => h.close()));
    },
  };
}

/**
 * The service's pool: like startPlatePool, but each worker is supervised (superviseHost), so a worker that
 * dies is started again on its own and the others read on meanwhile.
 */
export async function startSupervisedPool(opts: PlateReaderOptions, workers: number, sup: SupervisedHostOptions = {}, startTimeoutMs = 60_000): Promise<PlateHost> {
  return poolOf(workers, () => superviseHost(() => startPlateHost(opts, startTimeoutMs), sup));
}

export interface SupervisedHostOptions {
  /** First pause before a dead host is started again (default 1000 ms), doubled after each failed start. */
  readonly minDelayMs?: number;
  /** Longest pause between starts (default 60 000 ms). */
  readonly maxDelayMs?: number;
  /** A host died or would not start (the service logs it); `retryInMs` = when the next start is tried. */
  readonly onProblem?: (error: ArgusError, retryInMs: number) => void;
  /** A host is running again after a problem. */
  readonly onRecovered?: () => void;
}

/**
 * A plate host for a service that runs for years: when its workers die (a crash in onnxruntime, a worker
 * killed for memory) it is started again, with a growing pause between failed starts. While none runs, reads
 * resolve with no plates (the vehicles of that moment go unread) instead of failing every camera that shares
 * it; a read that fails for another reason (a corrupt picture) still rejects.
 */
export async function superviseHost(start: () => Promise<PlateHost>, opts: SupervisedHostOptions = {}): Promise<PlateHost> {
  const minDelay = opts.minDelayMs ?? 1000;
  const maxDelay = opts.maxDelayMs ?? 60_000;
  let current: PlateHost | undefined = await start();
  let starting: Promise<void> | undefined;
  let delay = minDelay;
  let nextStartAtMs = 0;
  let closed = false;
  const restart = (): void => {
    if (closed || starting || Date.now() < nextStartAtMs) return;
    starting = start()
      .then(
        (h) => {
          if (closed) return h.close();
          current = h;
          delay = minDelay;
          opts.onRecovered?.();
        },
        (e: unknown) => {
          nextStartAtMs = Date.now() + delay;
          opts.onProblem?.(e instanceof ArgusError ? e : new ArgusError('model_invalid', `plate reader failed to start: ${String(e)}`), delay);
          delay = Math.min(maxDelay, delay * 2);
        },
      )
      .finally(() => {
        starting = undefined;
      });
  };
  const lost = (host: PlateHost, e: ArgusError): void => {
    if (current !== host) return;
    current = undefined;
    void host.close().catch(() => undefined);
    opts.onProblem?.(e, 0);
    restart();
  };
  return {
    async read(mode, rgb, width, height, vehicle) {
      const host = current;
      if (!host) {
        restart();
        return [];
      }
      try {
        return await host.read(mode, rgb, width, height, vehicle);
      } catch (e) {
        if (!diedOf(e)) throw e;
        lost(host, e as ArgusError);
        return [];
      }
    },
    get pending() {
      return current?.pending ?? 0;
    },
    get slots() {
      return current?.slots ?? 1;
    },
    async close() {
      closed = true;
      await starting;
      await current?.close();
      current = undefined;
    },
  };
}
