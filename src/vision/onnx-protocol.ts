/** Messages between the ONNX session pool and its worker threads (structured-clone friendly). */

/** A float32 tensor: data and its dimensions. Buffers travel between threads by transfer, not copy. */
export interface TensorData {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

export interface WorkerInit {
  readonly modelPath: string;
  readonly intraOpNumThreads: number;
  readonly interOpNumThreads: number;
}

export type ToWorker =
  | { readonly type: 'run'; readonly id: number; readonly feeds: Readonly<Record<string, TensorData>> }
  | { readonly type: 'close' };

export type FromWorker =
  | { readonly type: 'ready'; readonly inputNames: readonly string[]; readonly outputNames: readonly string[] }
  | { readonly type: 'fatal'; readonly message: string }
  | { readonly type: 'result'; readonly id: number; readonly outputs: Readonly<Record<string, TensorData>>; readonly runMs: number }
  | { readonly type: 'error'; readonly id: number; readonly message: string };
