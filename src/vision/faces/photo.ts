import type { Frame } from '../../core/frame.js';
import { alignToTemplate } from './align.js';
import { faceQuality } from './quality.js';
import type { AlignedFace, FaceDetection, FaceDetector, FaceEmbedder } from './types.js';

/**
 * Align a face of a frame or photo straight to the template the embedder was trained on (dlib's 150 chip for
 * faceapi_resnet_128d), so no border has to be replicated as when an ArcFace 112 crop is re-cut.
 */
export function alignForEmbedder(embedder: FaceEmbedder, frame: Frame, landmarks: FaceDetection['landmarks']): AlignedFace {
  return alignToTemplate(frame, landmarks, embedder.input.template, embedder.input.size);
}

export interface PhotoEmbedding {
  readonly embedding: Float32Array;
  readonly face: FaceDetection;
  readonly quality: number;
}

/**
 * Enrolment from a photo: detect every face, keep the best by quality (the largest sharp frontal one), align it
 * straight to the embedder's own template and embed it. Null when the photo has no face.
 */
export async function embedPhoto(detector: FaceDetector, embedder: FaceEmbedder, image: Frame): Promise<PhotoEmbedding | null> {
  const faces = await detector.detect(image);
  if (faces.length === 0) return null;
  const scored = faces.map((face) => ({ face, quality: faceQuality(image, face) })).sort((a, b) => b.quality - a.quality);
  const best = scored[0]!;
  const aligned = alignForEmbedder(embedder, image, best.face.landmarks);
  const [embedding] = await embedder.embed([aligned]);
  return { embedding: embedding!, face: best.face, quality: best.quality };
}
