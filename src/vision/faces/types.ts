import type { Box } from '../../core/box.js';
import type { Frame } from '../../core/frame.js';

/** A point in source pixels, [x, y]. */
export type Point = readonly [number, number];

/**
 * One face found by the detector, in source pixels. Landmarks in YuNet's order: right eye, left eye, nose tip,
 * right mouth corner, left mouth corner, where "right" is the person's right: on a frontal face the first eye
 * and the first mouth corner are the ones on the LEFT of the picture (smaller x). The ArcFace template uses
 * the same order.
 */
export interface FaceDetection {
  readonly box: Box;
  readonly score: number;
  readonly landmarks: readonly [Point, Point, Point, Point, Point];
}

export interface FaceDetector {
  /** Faces in the frame, or inside `roi` (source pixels) only; best score first. */
  detect(frame: Frame, roi?: Box): Promise<FaceDetection[]>;
  close(): Promise<void>;
}

/**
 * A face warped onto a template: size×size RGB24. `template` says which one: `arcface` (the ArcFace 112 five-point
 * template scaled to `size`, what alignFace makes) unless stated; `dlib` is dlib's 150 face chip (padding 0.25).
 */
export interface AlignedFace {
  readonly rgb: Uint8Array;
  readonly size: number;
  readonly template?: FaceTemplateName;
}

export type FaceTemplateName = 'arcface' | 'dlib';

export interface FaceEmbedder {
  readonly model: string;
  readonly dim: number;
  /** The alignment the network was trained on; embed() remaps faces aligned to another template. */
  readonly input: { readonly template: FaceTemplateName; readonly size: number };
  /** One L2-normalised embedding per face, in order. */
  embed(faces: readonly AlignedFace[]): Promise<Float32Array[]>;
  close(): Promise<void>;
}
