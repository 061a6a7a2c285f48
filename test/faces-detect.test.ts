/**
 * YuNet, alignment and photo enrolment on real pictures.
 * - London street clip at 4.5 s (1280×720): two pedestrians face the camera left of the barrier — a man on the
 *   phone and a woman beside him. Their face boxes below were read by eye on a 3× crop of that frame.
 * - A dev face (an ArcFace-aligned crop) put back into a larger picture by a known rotation, scale and shift: the
 *   detector's landmarks must land where that transform puts the template's points, and alignFace must undo it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { box, iou, type Box } from '../src/core/box.js';
import type { Frame } from '../src/core/frame.js';
import { applyAffine, ARCFACE_112, cosine, createFaceDetector, createFaceEmbedder, embedPhoto, faceQuality, loadImageFrame, similarity, alignFace, type FaceDetector, type FaceEmbedder } from '../src/vision/faces/index.js';
import { warpAffineRgb, type Affine } from '../src/vision/faces/align.js';
import { videoFrame } from '../src/vision/testing/fixtures.js';
import { DATA, MODELS, video } from './assets.js';

const MAN: Box = box(474, 276, 489, 295);
const WOMAN: Box = box(517, 282, 531, 300);
const FACES = join(DATA, 'faces_celeb24_aligned');

const bestIou = (boxes: readonly Box[], target: Box): number => Math.max(0, ...boxes.map((b) => iou(b, target)));

describe('faces on real pictures', () => {
  let detector: FaceDetector;
  let embedder: FaceEmbedder;
  let street: Frame;
  beforeAll(async () => {
    detector = await createFaceDetector({ modelsDir: MODELS });
    embedder = await createFaceEmbedder({ modelsDir: MODELS });
    street = await videoFrame(video('london_street_bus_TestV4.mp4'), 4.5, { width: 1280, height: 720 });
  });
  afterAll(async () => {
    await detector.close();
    await embedder.close();
  });

  it('finds the two pedestrians facing the camera on the London street frame', async () => {
    const faces = await detector.detect(street);
    process.stderr.write(`street faces: ${faces.map((f) => `${f.score.toFixed(2)}@${Math.round(f.box.x1)},${Math.round(f.box.y1)}`).join(' ')}\n`);
    expect(bestIou(faces.map((f) => f.box), MAN)).toBeGreaterThan(0.4);
    expect(bestIou(faces.map((f) => f.box), WOMAN)).toBeGreaterThan(0.4);
    for (const f of faces) {
      const [re, le, nose, rm, lm] = f.landmarks;
      expect(re[0]).toBeLessThan(le[0]); // the person's right eye is on the picture's left
      expect(rm[0]).toBeLessThan(lm[0]);
      expect(nose[1]).toBeGreaterThan(Math.min(re[1], le[1]));
      expect(Math.max(rm[1], lm[1])).toBeGreaterThan(nose[1]);
      expect(f.box.x1).toBeGreaterThanOrEqual(0);
      expect(f.box.x2).toBeLessThanOrEqual(1280);
    }
  });

  it('reports source pixels when the frame is analysed smaller than its source', async () => {
    const small = await videoFrame(video('london_street_bus_TestV4.mp4'), 4.5, { width: 1280, height: 720 }, 960);
    expect(small.size.width).toBe(960);
    const faces = await detector.detect(small, box(440, 255, 560, 460));
    expect(bestIou(faces.map((f) => f.box), MAN)).toBeGreaterThan(0.4);
    expect(bestIou(faces.map((f) => f.box), WOMAN)).toBeGreaterThan(0.4);
  });

  it('inside a person box finds that face, and none on the bus', async () => {
    const inPerson = await detector.detect(street, box(440, 255, 525, 460));
    expect(bestIou(inPerson.map((f) => f.box), MAN)).toBeGreaterThan(0.4);
    expect(inPerson.every((f) => f.box.x1 >= 430 && f.box.x2 <= 535)).toBe(true);
    expect(await detector.detect(street, box(600, 150, 780, 340))).toEqual([]);
  });

  it('puts landmarks on the template: a dev face rotated, scaled and moved is found and aligned back', async () => {
    const src = await loadImageFrame(join(FACES, 'images', 'p03_02.png'));
    // Into a 320×320 picture: rotate 18°, scale 1.7, centre it.
    const a = (18 * Math.PI) / 180;
    const k = 1.7;
    const m: Affine = [k * Math.cos(a), -k * Math.sin(a), 160 - k * (Math.cos(a) * 56 - Math.sin(a) * 56), k * Math.sin(a), k * Math.cos(a), 160 - k * (Math.sin(a) * 56 + Math.cos(a) * 56)];
    const big: Frame = { ...src, size: { width: 320, height: 320 }, sourceSize: { width: 320, height: 320 }, rgb: warpAffineRgb(src.rgb, 112, 112, m, 320) };
    const [face] = await detector.detect(big);
    expect(face).toBeDefined();
    const expected = ARCFACE_112.map((p) => applyAffine(m, p));
    // In the crop's own pixels (÷ scale): a face's landmarks are not exactly the mean template's, a few px off
    // (the eyes are 35 px apart); a wrong decode or order would be tens of pixels off.
    const err = face!.landmarks.map((p, i) => Math.hypot(p[0] - expected[i]![0], p[1] - expected[i]![1]) / k);
    process.stderr.write(`landmark error (px of the 112 crop): ${err.map((e) => e.toFixed(1)).join(' ')}\n`);
    expect(Math.max(...err)).toBeLessThan(7);
    expect(err.reduce((x, y) => x + y, 0) / err.length).toBeLessThan(5);
    // Aligning by those landmarks brings them onto the template (within 3 px in the 112 crop)…
    const back = similarity(face!.landmarks, ARCFACE_112);
    const residual = face!.landmarks.map((p, i) => Math.hypot(applyAffine(back, p)[0] - ARCFACE_112[i]![0], applyAffine(back, p)[1] - ARCFACE_112[i]![1]));
    expect(Math.max(...residual)).toBeLessThan(3);
    // …and the aligned crop is the original face again, upright: for the embedder nearly the same face, while the
    // same crop taken without alignment (the picture's centre, still rotated) is not.
    const aligned = alignFace(big, face!.landmarks);
    const unaligned = { rgb: warpAffineRgb(big.rgb, 320, 320, [1 / k, 0, -(160 / k - 56), 0, 1 / k, -(160 / k - 56)], 112), size: 112, template: 'arcface' as const };
    const [e0] = await embedder.embed([unaligned]);
    const [e1, e2] = await embedder.embed([aligned, { rgb: src.rgb, size: 112, template: 'arcface' }]);
    process.stderr.write(`cosine to the original: aligned ${cosine(e1!, e2!).toFixed(3)}, unaligned ${cosine(e0!, e2!).toFixed(3)}\n`);
    expect(cosine(e1!, e2!)).toBeGreaterThan(0.95);
    expect(cosine(e0!, e2!)).toBeLessThan(cosine(e1!, e2!) - 0.03);
    expect(faceQuality(big, face!)).toBeGreaterThan(faceQuality(street, (await detector.detect(street))[0]!));
  });

  it('enrols from a photo: embedPhoto finds the face and its embedding is nearest to the same person', async () => {
    const labels = readFileSync(join(FACES, 'labels.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',') as [string, string]);
    const probe = labels.find(([img]) => img === 'p05_01.png')!;
    const src = await loadImageFrame(join(FACES, 'images', probe[0]));
    // The photo: the face at 2× in a 400×300 picture, off centre.
    const m: Affine = [2, 0, 60, 0, 2, 40];
    const photo: Frame = { ...src, size: { width: 400, height: 300 }, sourceSize: { width: 400, height: 300 }, rgb: warpAffineRgb(src.rgb, 112, 112, m, 400).subarray(0, 400 * 300 * 3) };
    const got = await embedPhoto(detector, embedder, photo);
    expect(got).not.toBeNull();
    expect(got!.quality).toBeGreaterThan(0.2);
    const others = labels.filter(([img]) => img !== probe[0]);
    const gallery = await embedder.embed(await Promise.all(others.map(async ([img]) => ({ rgb: (await loadImageFrame(join(FACES, 'images', img))).rgb, size: 112, template: 'arcface' as const }))));
    const sims = gallery.map((g) => cosine(got!.embedding, g));
    const best = sims.indexOf(Math.max(...sims));
    expect(others[best]![1]).toBe(probe[1]);
    expect(await embedPhoto(detector, embedder, street.rgb.length ? { ...street, rgb: new Uint8Array(street.rgb.length).fill(128) } : street)).toBeNull();
  });
});
