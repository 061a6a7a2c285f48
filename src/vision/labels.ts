/**
 * Label sets: how a detection model's class indices map to the Argus classes (src/core/classes.ts). Each model of the
 * catalogue declares its own (src/vision/models.ts); COCO-80 is the set of today's catalogued detectors, a model
 * trained on Vietnamese traffic would bring another. Classes a set does not map are dropped by the detector.
 */
import type { ObjectClass } from '../core/classes.js';

export interface LabelSet {
  readonly name: string;
  /** Number of classes the model outputs. */
  readonly classes: number;
  /** Model class index → Argus class. */
  readonly toArgus: ReadonlyMap<number, ObjectClass>;
  /**
   * Classes a model confuses a vehicle with from unusual viewpoints, read as that vehicle when the box is
   * vehicle-sized (seen from straight above, COCO models take a car for a `cell phone`).
   */
  readonly proxies: ReadonlyMap<number, ObjectClass>;
}

/** COCO-80 (order of coco.names). */
export const COCO80: LabelSet = {
  name: 'coco80',
  classes: 80,
  toArgus: new Map<number, ObjectClass>([
    [0, 'person'],
    [1, 'bicycle'],
    [2, 'car'],
    [3, 'motorcycle'],
    [5, 'bus'],
    [7, 'truck'],
    [9, 'traffic_light'],
  ]),
  proxies: new Map<number, ObjectClass>([[67, 'car']]),
};

/** Every label set a catalogued model may name. */
export const LABEL_SETS = { coco80: COCO80 } as const satisfies Record<string, LabelSet>;
export type LabelSetName = keyof typeof LABEL_SETS;
