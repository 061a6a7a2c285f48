import type { Box } from '../../core/box.js';

/** A box as a model output it, before NMS: model-input pixels and the model's class index (of its label set). */
export interface RawDetection {
  readonly box: Box;
  readonly score: number;
  readonly classId: number;
}

/** One output tensor as it comes back from a session. */
export interface OutputTensor {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/** Raw model outputs by name → candidates above `minScore` (no NMS). Classes outside `keep` are skipped. */
export type Decoder = (outputs: Readonly<Record<string, OutputTensor>>, opts: DecodeOptions) => RawDetection[];

export interface DecodeOptions {
  readonly inputWidth: number;
  readonly inputHeight: number;
  readonly minScore: number;
  /** Class indices worth keeping (the label set's mapped classes; others are dropped before NMS). Default: all. */
  readonly keep?: ReadonlySet<number>;
}
