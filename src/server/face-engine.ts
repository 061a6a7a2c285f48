/** The service's face engine for photos (enrolment, search by photo): the camera runtime's models, in this process. */
import { alignedJpeg } from '../pipeline/face-stage.js';
import { recognisable } from '../core/face.js';
import { alignForEmbedder, alignToTemplate, createFaceDetector, createFaceEmbedder, DEFAULT_FACE_EMBEDDER, embedPhoto, loadImageFrame } from '../vision/faces/index.js';
import { modelsDir as defaultModelsDir } from '../vision/models.js';
import type { FaceEngine } from './faces.js';

export const DEFAULT_FACE_MODEL: string = DEFAULT_FACE_EMBEDDER;

export async function loadFaceEngine(o: { modelsDir?: string | undefined; model: string }): Promise<FaceEngine> {
  const dir = o.modelsDir ?? defaultModelsDir();
  const [detector, embedder] = await Promise.all([createFaceDetector({ modelsDir: dir }), createFaceEmbedder({ modelsDir: dir, model: o.model })]);
  return {
    model: embedder.model,
    async photo(bytes) {
      const image = await loadImageFrame(bytes);
      const found = await embedPhoto(detector, embedder, image);
      if (!found) return null;
      return { embedding: found.embedding, quality: found.quality, alignedJpeg: await alignedJpeg(alignToTemplate(image, found.face.landmarks, 'arcface', 112)) };
    },
    async faces(frame) {
      const found = await detector.detect(frame);
      return Promise.all(found.map(async (f) => {
        if (!recognisable(f.box)) return { box: f.box, embedding: null };
        const [embedding] = await embedder.embed([alignForEmbedder(embedder, frame, f.landmarks)]);
        return { box: f.box, embedding: embedding ?? null };
      }));
    },
    async close() {
      await Promise.all([detector.close(), embedder.close()]);
    },
  };
}
