import type { Box } from './box.js';
import type { ObjectClass } from './classes.js';

/** One object found in one frame. Box in source pixels. */
export interface Detection {
  readonly box: Box;
  readonly cls: ObjectClass;
  readonly score: number;
  /** Two-wheelers: people riding it (a `person` fused with the vehicle under it). */
  readonly riders?: number;
}
