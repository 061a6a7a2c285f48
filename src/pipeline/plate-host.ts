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
import { ArgusError } from '../core/errors.js';
import type { CropRead, PlateReaderOptions } from '../plates/index.js';
import type { FromPlateWorker, ToPlateWorker } from './plate-worker.js';

export interface PlateHost {
  /** Read plates: `find` localises them (vehicle crop or whole frame), `crop` reads a plate crop. */
  read(mode: 'find' | 'crop', rgb: Uint8Array, width: number, height: number): Promise<readonly CropRead[]>;
  /** Jobs posted and not yet answered. */
  readonly pending: number;
  close(): Promise<void>;
}

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
    read(mode, rgb, width, height) {
      if (failure) return Promise.reject(failure);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        const msg: ToPlateWorker = { type: 'read', id, mode, rgb, width, height };
        worker.postMessage(msg, [rgb.buffer as ArrayBuffer]);
      });
    },
    get pending() {
      return waiting.size;
    },
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

/**
 * Several plate workers behind one PlateHost: each job goes to the worker with the fewest jobs waiting.
 * onnxruntime-node runs a model on the calling thread, so two workers with one intra-op thread each read two
 * crops at once on two cores, where one worker with two threads gains only ~25 % (measured in `npm run bench`).
 * A worker that crashes is left out (the job it held fails); the pool fails only when none is left.
 */
export async function startPlatePool(opts: PlateReaderOptions = {}, workers = 1, startTimeoutMs = 60_000): Promise<PlateHost> {
  if (!(Number.isInteger(workers) && workers >= 1)) throw new ArgusError('invalid_argument', `plate workers must be a whole number ≥ 1, got ${workers}`);
  const settled = await Promise.allSettled(Array.from({ length: workers }, () => startPlateHost(opts, startTimeoutMs)));
  const hosts = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(hosts.map((h) => h.close()));
    throw failed.reason;
  }
  if (hosts.length === 1) return hosts[0]!;
  const dead = new Set<PlateHost>();
  return {
    async read(mode, rgb, width, height) {
      const host = hosts.filter((h) => !dead.has(h)).sort((a, b) => a.pending - b.pending)[0];
      if (!host) throw new ArgusError('inference_failed', 'every plate worker has failed');
      try {
        return await host.read(mode, rgb, width, height);
      } catch (e) {
        // A worker that crashed or exited takes no more jobs (this one fails; the caller skips the frame).
        if (e instanceof ArgusError && /plate worker|plate reader closed/.test(e.message)) dead.add(host);
        throw e;
      }
    },
    get pending() {
      return hosts.reduce((n, h) => n + h.pending, 0);
    },
    async close() {
      await Promise.all(hosts.map((h) => h.close()));
    },
  };
}
