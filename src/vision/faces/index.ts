/** Faces: YuNet detection, five-point alignment, quality, embeddings (one ONNX runtime), evaluation. */
export type { AlignedFace, FaceDetection, FaceDetector, FaceEmbedder, FaceTemplateName, Point } from './types.js';
export { createFaceDetector, DEFAULT_FACE_INPUT_WIDTH, YUNET_MODEL } from './yunet.js';
export { alignFace, alignToTemplate, ARCFACE_112, DLIB_150, remapAligned, similarity, applyAffine } from './align.js';
export { faceQuality } from './quality.js';
export { cosine, createFaceEmbedder, DEFAULT_FACE_EMBEDDER, EMBEDDERS, embedderSpec, type EmbedderSpec } from './embedders.js';
export { alignForEmbedder, embedPhoto, type PhotoEmbedding } from './photo.js';
export { loadImageFrame } from './image.js';
export { evaluateEmbeddings, tarAtFar, type FaceEvalResult } from './evaluate.js';
export { projectModelsDir } from './models-dir.js';
export { FAR_CURVES, type FarCurve } from './far-curves.js';
