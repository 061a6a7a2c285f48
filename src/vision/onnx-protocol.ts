/** Messages between the ONNX session pool and its worker threads (structured-clone friendly). */
import type { LetterboxOptions, LetterboxTransform } from './letterbox.js';

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

/**
 * A picture for the worker to letterbox into the model's input itself: the preprocessing (resize, normalise, CHW
 * float planes) runs on the worker's thread, not the main event loop, and an RGB24 frame travels instead of a float
 * tensor four times its size per pixel.
 */
export interface ImageFeed {
  /** RGB24 of `width`×`height` (its buffer is transferred). */
  readonly rgb: Uint8Array;
  readonly width: number;
  readonly height: number;
  /** Size the boxes are reported in (the source), when it differs. */
  readonly sourceWidth: number;
  readonly sourceHeight: number;
  /** The model input it feeds. */
  readonly input: string;
  readonly letterbox: LetterboxOptions;
}

export type ToWorker =
  | { readonly type: 'run'; readonly id: number; readonly feeds: Readonly<Record<string, TensorData>> }
  | { readonly type: 'run-image'; readonly id: number; readonly image: ImageFeed }
  | { readonly type: 'close' };

export type FromWorker =
  | { readonly type: 'ready'; readonly inputNames: readonly string[]; readonly outputNames: readonly string[] }
  | { readonly type: 'fatal'; readonly message: string }
  | { readonly type: 'result'; readonly id: number; readonly outputs: Readonly<Record<string, TensorData>>; readonly runMs: number; readonly preMs?: number; readonly transform?: LetterboxTransform }
  | { readonly type: 'error'; readonly id: number; readonly message: string };
