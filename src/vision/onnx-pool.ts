import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ArgusError } from '../core/errors.js';
import type { LetterboxTransform } from './letterbox.js';
import type { FromWorker, ImageFeed, TensorData, ToWorker, WorkerInit } from './onnx-protocol.js';

export type { TensorData } from './onnx-protocol.js';

export interface OnnxPoolOptions {
  readonly modelPath: string;
  /**
   * Worker threads, each with its own session. Default: cores / intraOpNumThreads (2 on 2 cores). Measured on
   * the 2-core box with the machine otherwise idle (`ARGUS_BENCH=vision npm run bench`, poolConfigs): 2 workers ×
   * 1 thread 113 frames/s, 1 × 2 68 frames/s, 1 × 1 72 frames/s — the pipeline keeps two frames in flight, so
   * one session per core wins on throughput at the same latency (12–14 ms p50).
   */
  readonly workers?: number;
  /** onnxruntime intra-op threads per worker (default 1). */
  readonly intraOpNumThreads?: number;
  /** How long a worker may take to load the model (ms, default 60 000). */
  readonly startTimeoutMs?: number;
}

export interface RunResult {
  readonly outputs: Readonly<Record<string, TensorData>>;
  /** Time spent in session.run inside the worker. */
  readonly runMs: number;
}

/** A run of a picture the worker letterboxed: its preprocessing time and the transform back to source pixels. */
export interface ImageRunResult extends RunResult {
  readonly preMs: number;
  readonly transform: LetterboxTransform;
}

export interface OnnxPoolStats {
  readonly workers: number;
  readonly busy: number;
  readonly queued: number;
  readonly completed: number;
  readonly failed: number;
  readonly restarts: number;
}

export interface OnnxPool {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Queue one inference. The feeds' buffers are TRANSFERRED to the worker: do not use them afterwards. */
  run(feeds: Readonly<Record<string, TensorData>>): Promise<RunResult>;
  /**
   * Queue one inference of a picture the worker letterboxes itself (off the main thread). The picture's buffer is
   * TRANSFERRED: pass a copy the caller does not keep.
   */
  runImage(image: ImageFeed): Promise<ImageRunResult>;
  stats(): OnnxPoolStats;
  /** Ends every worker; queued jobs are rejected. */
  close(): Promise<void>;
}

interface Job {
  readonly id: number;
  readonly work: { readonly feeds: Readonly<Record<string, TensorData>> } | { readonly image: ImageFeed };
  resolve(r: ImageRunResult | RunResult): void;
  reject(e: unknown): void;
}

interface Slot {
  readonly worker: Worker;
  job?: Job;
  /** Removes this pool's listeners from the worker. */
  detach(): void;
}

const MAX_RESTARTS = 5;

/** The ESM build of `tsx/esm/api` (its CJS build cannot register hooks from a worker). */
function tsxEsmApi(from: string): string {
  const pkgPath = createRequire(from).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports?: Record<string, { import?: { default?: string } }> };
  const rel = pkg.exports?.['./esm/api']?.import?.default;
  if (!rel) throw new ArgusError('model_invalid', 'tsx has no ./esm/api export: cannot start a .ts onnx worker');
  return join(dirname(pkgPath), rel);
}

/**
 * Where the worker starts. Built: the .js file beside this one. Under vitest/tsx this file is .ts: Node 20
 * ignores `--import tsx` in a worker's execArgv, so a tiny eval bootstrap registers tsx's ESM hooks in the
 * worker and then imports the .ts worker.
 */
function newWorker(init: WorkerInit): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./onnx-worker.js', here), { workerData: init });
  const api = pathToFileURL(tsxEsmApi(here)).href;
  const entry = new URL('./onnx-worker.ts', here).href;
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, workerData: init });
}

function spawn(init: WorkerInit, timeoutMs: number): Promise<{ worker: Worker; ready: Extract<FromWorker, { type: 'ready' }> }> {
  const worker = newWorker(init);
  return new Promise((resolve, reject) => {
    // Remove only our own listeners: Worker keeps internal ones (port referencing) that must stay.
    const detach = (): void => {
      clearTimeout(timer);
      worker.off('error', onError).off('exit', onExit).off('message', onMessage);
    };
    const fail = (e: ArgusError): void => {
      detach();
      // Reject once the thread is really gone, so a failed start leaves nothing running.
      worker.terminate().then(
        () => reject(e),
        () => reject(e),
      );
    };
    const onError = (e: Error): void => fail(new ArgusError('model_invalid', `onnx worker failed to start for ${init.modelPath}: ${e.message}`, { cause: e }));
    const onExit = (code: number): void => fail(new ArgusError('model_invalid', `onnx worker exited (${code}) while loading ${init.modelPath}`));
    const onMessage = (m: FromWorker): void => {
      if (m.type !== 'ready') return fail(new ArgusError('model_invalid', `cannot load model ${init.modelPath}: ${m.type === 'fatal' ? m.message : m.type}`));
      detach();
      resolve({ worker, ready: m });
    };
    const timer = setTimeout(() => fail(new ArgusError('model_invalid', `loading ${init.modelPath} took over ${timeoutMs} ms`)), timeoutMs);
    worker.on('error', onError).on('exit', onExit).on('message', onMessage);
  });
}

/** Ask the worker to release its session and exit; terminate it if it has not within 2 s. */
function endWorker(worker: Worker): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => void worker.terminate().then(() => resolve()), 2000);
    worker.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    worker.postMessage({ type: 'close' } satisfies ToWorker);
  });
}

/**
 * A pool of worker threads, each holding an InferenceSession on the CPU (spinning off). Jobs queue and go to
 * the first idle worker. A crashed worker fails its job (`inference_failed`) and is replaced (at most 5 times).
 */
export async function createOnnxPool(opts: OnnxPoolOptions): Promise<OnnxPool> {
  const cores = availableParallelism();
  const threads = Math.max(1, Math.floor(opts.intraOpNumThreads ?? 1));
  const count = Math.max(1, Math.floor(opts.workers ?? cores / threads));
  const init: WorkerInit = { modelPath: opts.modelPath, intraOpNumThreads: threads, interOpNumThreads: 1 };
  const timeoutMs = opts.startTimeoutMs ?? 60_000;
  const started = await Promise.allSettled(Array.from({ length: count }, () => spawn(init, timeoutMs)));
  const failed = started.find((s) => s.status === 'rejected');
  const ok = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  if (failed || ok.length === 0) {
    await Promise.all(ok.map((s) => s.worker.terminate()));
    throw failed?.reason ?? new ArgusError('model_invalid', `no onnx worker started for ${opts.modelPath}`);
  }
  return new WorkerPool(init, timeoutMs, ok[0]!.ready, ok.map((s) => s.worker));
}

class WorkerPool implements OnnxPool {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private completed = 0;
  private failures = 0;
  private restarts = 0;

  constructor(
    private readonly init: WorkerInit,
    private readonly timeoutMs: number,
    ready: Extract<FromWorker, { type: 'ready' }>,
    workers: readonly Worker[],
  ) {
    this.inputNames = ready.inputNames;
    this.outputNames = ready.outputNames;
    for (const w of workers) this.attach(w);
  }

  run(feeds: Readonly<Record<string, TensorData>>): Promise<RunResult> {
    return this.enqueue<RunResult>({ feeds });
  }

  runImage(image: ImageFeed): Promise<ImageRunResult> {
    return this.enqueue<ImageRunResult>({ image });
  }

  private enqueue<R extends RunResult>(work: Job['work']): Promise<R> {
    if (this.closed) return Promise.reject(new ArgusError('inference_failed', 'the onnx pool is closed'));
    if (this.slots.length === 0 && this.restarts >= MAX_RESTARTS) return Promise.reject(new ArgusError('inference_failed', 'no onnx worker is alive'));
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, work, resolve: resolve as (r: ImageRunResult | RunResult) => void, reject });
      this.dispatch();
    });
  }

  stats(): OnnxPoolStats {
    const { slots, queue, completed, failures, restarts } = this;
    return { workers: slots.length, busy: slots.filter((s) => s.job).length, queued: queue.length, completed, failed: failures, restarts };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.rejectQueued(new ArgusError('inference_failed', 'the onnx pool was closed'));
    const ending = this.slots.splice(0);
    for (const slot of ending) {
      slot.detach();
      slot.job?.reject(new ArgusError('inference_failed', 'the onnx pool was closed'));
    }
    await Promise.all(ending.map((s) => endWorker(s.worker)));
  }

  private rejectQueued(e: unknown): void {
    for (const job of this.queue.splice(0)) job.reject(e);
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.job || this.queue.length === 0) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      if ('image' in job.work) {
        slot.worker.postMessage({ type: 'run-image', id: job.id, image: job.work.image } satisfies ToWorker, [job.work.image.rgb.buffer as ArrayBuffer]);
      } else {
        const transfer = Object.values(job.work.feeds).map((t) => t.data.buffer as ArrayBuffer);
        slot.worker.postMessage({ type: 'run', id: job.id, feeds: job.work.feeds } satisfies ToWorker, transfer);
      }
    }
  }

  private finish(slot: Slot, m: FromWorker): void {
    const job = slot.job;
    if (!job || (m.type !== 'result' && m.type !== 'error') || m.id !== job.id) return;
    slot.job = undefined;
    if (m.type === 'result') {
      this.completed++;
      job.resolve(m.transform ? { outputs: m.outputs, runMs: m.runMs, preMs: m.preMs ?? 0, transform: m.transform } : { outputs: m.outputs, runMs: m.runMs });
    } else {
      this.failures++;
      job.reject(new ArgusError('inference_failed', `inference failed: ${m.message}`));
    }
    this.dispatch();
  }

  /** A worker crashed or exited: fail its job, start a replacement. */
  private lost(slot: Slot, why: string): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    slot.detach();
    if (slot.job) {
      this.failures++;
      slot.job.reject(new ArgusError('inference_failed', `onnx worker died: ${why}`));
    }
    if (this.closed) return;
    if (this.restarts >= MAX_RESTARTS) {
      if (this.slots.length === 0) this.rejectQueued(new ArgusError('inference_failed', `onnx workers keep dying: ${why}`));
      return;
    }
    this.restarts++;
    spawn(this.init, this.timeoutMs).then(
      ({ worker }) => {
        if (this.closed) return void worker.terminate();
        this.attach(worker);
        this.dispatch();
      },
      (e: unknown) => {
        if (this.slots.length === 0) this.rejectQueued(e);
      },
    );
  }

  private attach(worker: Worker): void {
    const onMessage = (m: FromWorker): void => this.finish(slot, m);
    const onError = (e: Error): void => this.lost(slot, e.message);
    const onExit = (code: number): void => this.lost(slot, `exit code ${code}`);
    const slot: Slot = { worker, detach: () => void worker.off('message', onMessage).off('error', onError).off('exit', onExit) };
    this.slots.push(slot);
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
  }
}
