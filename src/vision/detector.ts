import type { Detection } from '../core/detection.js';
import type { Frame } from '../core/frame.js';

/** The Detector port: one frame in, detections in SOURCE pixels out (frame.sourceSize). */
export interface Detector {
  /** Model name, e.g. `yolox_nano_416_coco`. */
  readonly name: string;
  detect(frame: Frame): Promise<Detection[]>;
  close(): Promise<void>;
}
