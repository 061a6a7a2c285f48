/**
 * Five-point face alignment: the least-squares similarity (Umeyama, no reflection) from the detector's landmarks
 * to a template, then an inverse bilinear warp with border replication (as OpenCV's warpAffine with
 * BORDER_REPLICATE: pixel centres at integer coordinates).
 */
import type { Frame } from '../../core/frame.js';
import type { AlignedFace, FaceDetection, FaceTemplateName, Point } from './types.js';

/** 2×3 affine matrix [a, b, c, d, e, f]: x' = a·x + b·y + c, y' = d·x + e·y + f. */
export type Affine = readonly [number, number, number, number, number, number];

type Five = readonly [Point, Point, Point, Point, Point];

/** ArcFace's 112×112 template (insightface), in YuNet's landmark order. */
export const ARCFACE_112: Five = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];

/**
 * dlib's 150 face chip as its face-recognition example cuts it (get_face_chip_details(shape, 150, padding)): the
 * points of dlib's mean face shape (eye centres = mean of the six eye points, nose tip = point 30, mouth
 * corners = points 48 and 54), each mapped by (padding + p) / (1 + 2·padding) · 150. dlib uses padding 0.25.
 */
export function dlibChipPoints(padding: number): Five {
  const k = 150 / (1 + 2 * padding);
  const m = (x: number, y: number): Point => [(padding + x) * k, (padding + y) * k];
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  return [
    m(mean([0.121737, 0.187122, 0.265825, 0.334606, 0.260918, 0.182743]), mean([0.216423, 0.178758, 0.179852, 0.231733, 0.245099, 0.244077])),
    m(mean([0.645647, 0.714428, 0.793132, 0.858516, 0.79751, 0.719335]), mean([0.231733, 0.179852, 0.178758, 0.216423, 0.244077, 0.245099])),
    m(0.490127, 0.515625),
    m(0.254149, 0.780233),
    m(0.726104, 0.780233),
  ];
}

/** dlib's chip at its own padding, 0.25: what faces cut from a frame or a photo are aligned to. */
export const DLIB_150: Five = dlibChipPoints(0.25);

/**
 * The chip a tight ArcFace 112 crop is re-cut to: padding 0.2. A 0.25 chip reaches further past the crop's edges
 * (more replicated border); on the dev faces 0.2 gave TAR@FAR1e-3 88.3 % against 85.4 % at 0.25 (0.175: 88.2 %,
 * 0.225: 86.9 %, plain resize 112→150: 12 %).
 */
export const DLIB_150_FROM_TIGHT_CROP: Five = dlibChipPoints(0.2);

export const TEMPLATES: Record<FaceTemplateName, { readonly points: Five; readonly size: number }> = {
  arcface: { points: ARCFACE_112, size: 112 },
  dlib: { points: DLIB_150, size: 150 },
};

const scalePoints = (p: Five, k: number): Five => p.map(([x, y]) => [x * k, y * k] as Point) as unknown as Five;

/** The template's points for an output of `size` pixels. */
export function templatePoints(name: FaceTemplateName, size: number): Five {
  const t = TEMPLATES[name];
  return scalePoints(t.points, size / t.size);
}

/** Least-squares similarity transform taking `from` onto `to` (rotation, uniform scale, translation). */
export function similarity(from: readonly Point[], to: readonly Point[]): Affine {
  const n = from.length;
  let fx = 0, fy = 0, tx = 0, ty = 0;
  for (let i = 0; i < n; i++) {
    fx += from[i]![0]; fy += from[i]![1]; tx += to[i]![0]; ty += to[i]![1];
  }
  fx /= n; fy /= n; tx /= n; ty /= n;
  let sxx = 0, a = 0, b = 0;
  for (let i = 0; i < n; i++) {
    const px = from[i]![0] - fx, py = from[i]![1] - fy;
    const qx = to[i]![0] - tx, qy = to[i]![1] - ty;
    sxx += px * px + py * py;
    a += px * qx + py * qy;
    b += px * qy - py * qx;
  }
  if (sxx <= 1e-12) return [1, 0, tx - fx, 0, 1, ty - fy];
  a /= sxx; b /= sxx;
  return [a, -b, tx - (a * fx - b * fy), b, a, ty - (b * fx + a * fy)];
}

export function applyAffine(m: Affine, p: Point): Point {
  return [m[0] * p[0] + m[1] * p[1] + m[2], m[3] * p[0] + m[4] * p[1] + m[5]];
}

export function invertAffine(m: Affine): Affine {
  const det = m[0] * m[4] - m[1] * m[3];
  const ia = m[4] / det, ib = -m[1] / det, id = -m[3] / det, ie = m[0] / det;
  return [ia, ib, -(ia * m[2] + ib * m[5]), id, ie, -(id * m[2] + ie * m[5])];
}

/** Warp an RGB24 picture by `m` (source → output) into size×size, bilinear, border replicated. */
export function warpAffineRgb(rgb: Uint8Array, width: number, height: number, m: Affine, size: number): Uint8Array {
  const inv = invertAffine(m);
  const out = new Uint8Array(size * size * 3);
  const maxX = width - 1, maxY = height - 1;
  for (let v = 0; v < size; v++) {
    for (let u = 0; u < size; u++) {
      let x = inv[0] * u + inv[1] * v + inv[2];
      let y = inv[3] * u + inv[4] * v + inv[5];
      x = x < 0 ? 0 : x > maxX ? maxX : x;
      y = y < 0 ? 0 : y > maxY ? maxY : y;
      const x0 = Math.floor(x), y0 = Math.floor(y);
      const x1 = x0 < maxX ? x0 + 1 : x0, y1 = y0 < maxY ? y0 + 1 : y0;
      const ax = x - x0, ay = y - y0;
      const i00 = (y0 * width + x0) * 3, i01 = (y0 * width + x1) * 3, i10 = (y1 * width + x0) * 3, i11 = (y1 * width + x1) * 3;
      const o = (v * size + u) * 3;
      for (let c = 0; c < 3; c++) {
        const top = rgb[i00 + c]! + (rgb[i01 + c]! - rgb[i00 + c]!) * ax;
        const bot = rgb[i10 + c]! + (rgb[i11 + c]! - rgb[i10 + c]!) * ax;
        out[o + c] = Math.round(top + (bot - top) * ay);
      }
    }
  }
  return out;
}

/** Source-pixel points → the frame's own pixels (a frame may be analysed smaller than its source). */
export function toFramePixels(frame: Frame, p: Point): Point {
  return [(p[0] * frame.size.width) / frame.sourceSize.width, (p[1] * frame.size.height) / frame.sourceSize.height];
}

/** Align a face of `frame` (landmarks in source pixels) onto a template, size×size. */
export function alignToTemplate(frame: Frame, landmarks: FaceDetection['landmarks'], template: FaceTemplateName, size = TEMPLATES[template].size): AlignedFace {
  const from = landmarks.map((p) => toFramePixels(frame, p));
  const m = similarity(from, templatePoints(template, size));
  return { rgb: warpAffineRgb(frame.rgb, frame.size.width, frame.size.height, m, size), size, template };
}

/** 5-point similarity (Umeyama) onto the ArcFace 112 template (scaled to `size`), bilinear. */
export function alignFace(frame: Frame, landmarks: FaceDetection['landmarks'], size = 112): AlignedFace {
  return alignToTemplate(frame, landmarks, 'arcface', size);
}

/**
 * Re-cut an aligned face for another template: the similarity between the two templates, border replicated where
 * the new chip reaches past the old crop (an ArcFace 112 crop is tighter than dlib's chip: it goes to the 0.2
 * chip, DLIB_150_FROM_TIGHT_CROP).
 */
export function remapAligned(face: AlignedFace, template: FaceTemplateName, size = TEMPLATES[template].size): AlignedFace {
  const from = face.template ?? 'arcface';
  if (from === template && face.size === size) return face;
  const target = from === 'arcface' && template === 'dlib' ? scalePoints(DLIB_150_FROM_TIGHT_CROP, size / 150) : templatePoints(template, size);
  const m = similarity(templatePoints(from, face.size), target);
  return { rgb: warpAffineRgb(face.rgb, face.size, face.size, m, size), size, template };
}
