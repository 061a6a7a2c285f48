/**
 * Face quality 0..1 for picking the best face of a track: the product of four factors, each in (0, 1] —
 * size (inter-ocular distance, full at 40 source px), sharpness (variance of the Laplacian of the aligned grey
 * face, full at 300), frontal pose (nose midway between the eyes, mouth corners symmetric about it, nose between
 * the eye line and the mouth line) and the detector score. A product, so one bad factor (a blurred or profile
 * face) sinks the whole; each factor has a small floor so CCTV faces that are all small still rank.
 */
import type { Frame } from '../../core/frame.js';
import { alignFace } from './align.js';
import type { FaceDetection } from './types.js';

const dist = (a: readonly [number, number], b: readonly [number, number]): number => Math.hypot(a[0] - b[0], a[1] - b[1]);

export function sizeFactor(face: FaceDetection): number {
  const eyes = dist(face.landmarks[0], face.landmarks[1]);
  return Math.min(1, Math.max(0.01, eyes / 40));
}

export function poseFactor(face: FaceDetection): number {
  const [re, le, nose, rm, lm] = face.landmarks;
  const eyes = Math.max(1e-6, dist(re, le));
  // Yaw: the nose should be as far from either eye; profile faces put it beside one.
  const yaw = Math.abs(dist(nose, re) - dist(nose, le)) / eyes;
  const mouth = Math.abs(dist(nose, rm) - dist(nose, lm)) / eyes;
  // Roll hardly matters after alignment, pitch shows as the nose near the eye or the mouth line.
  const eyeY = (re[1] + le[1]) / 2, mouthY = (rm[1] + lm[1]) / 2;
  const t = mouthY - eyeY > 1e-6 ? (nose[1] - eyeY) / (mouthY - eyeY) : 0.5;
  const pitch = Math.abs(t - 0.55) / 0.55;
  return Math.max(0.01, Math.max(0, 1 - 1.2 * yaw) * Math.max(0, 1 - 0.8 * mouth) * Math.max(0, 1 - pitch));
}

/** Variance of the 4-neighbour Laplacian of a grey picture. */
export function laplacianVariance(grey: Float32Array, w: number, h: number): number {
  let sum = 0, sum2 = 0, n = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const l = grey[i - 1]! + grey[i + 1]! + grey[i - w]! + grey[i + w]! - 4 * grey[i]!;
      sum += l;
      sum2 += l * l;
      n++;
    }
  }
  return n === 0 ? 0 : sum2 / n - (sum / n) ** 2;
}

export function sharpnessFactor(frame: Frame, face: FaceDetection): number {
  // Measured on the face at a fixed 64 px so big and small faces compare (a small face is upsampled: blurrier).
  const a = alignFace(frame, face.landmarks, 64);
  const grey = new Float32Array(64 * 64);
  for (let i = 0; i < grey.length; i++) grey[i] = 0.299 * a.rgb[i * 3]! + 0.587 * a.rgb[i * 3 + 1]! + 0.114 * a.rgb[i * 3 + 2]!;
  return Math.min(1, Math.max(0.01, laplacianVariance(grey, 64, 64) / 300));
}

export function faceQuality(frame: Frame, face: FaceDetection): number {
  return sizeFactor(face) * sharpnessFactor(frame, face) * poseFactor(face) * Math.min(1, Math.max(0.01, face.score));
}
