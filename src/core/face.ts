import type { BlobRef } from './blob.js';
import type { Box } from './box.js';
import type { TrackId } from './track.js';

/**
 * The best face of one person track (emitted once per track: when a good enough face has been seen, or when the
 * track ends). Faces are a special data class (personal data under Decree 13/2023/ND-CP): only holders of the face
 * permissions see them, and the events list never carries them (the ingest stores them in their own table).
 */
export interface FaceSeenEvent {
  readonly id: string;
  readonly cameraId: string;
  readonly atMs: number;
  readonly ptsSec: number;
  readonly kind: 'face.seen';
  /** The person track the face belongs to. */
  readonly trackId: TrackId;
  /** The face box, in source pixels. */
  readonly box: Box;
  /** 0–1: size, sharpness, frontal pose and detector score together (the best of the track). */
  readonly quality: number;
  /** The embedding model (embeddings of different models are never compared). */
  readonly model: string;
  /** L2-normalised embedding, rounded to 5 decimals (a plain array: it travels in JSON on the bus). */
  readonly embedding: readonly number[];
  /** The aligned face (JPEG), inside one process only. */
  readonly cropJpeg?: Uint8Array;
  /** The same crop in the blob store, by reference: what travels on the bus instead of the bytes. */
  readonly crop?: BlobRef;
}

/**
 * The smallest face (box height, source pixels) compared with a watch list or indexed for person search. Smaller
 * faces are kept (where people were, how many) but not recognised: on the London street clip's 10–18 px faces the
 * face-api model scores strangers up to 0.94, above its threshold at a false-match rate of 1e-3 (0.92).
 */
export const MIN_RECOGNISABLE_FACE_PX = 32;

/** Whether a face is big enough to be recognised (see MIN_RECOGNISABLE_FACE_PX). */
export const recognisable = (box: { readonly y1: number; readonly y2: number } | null): boolean => box !== null && box.y2 - box.y1 >= MIN_RECOGNISABLE_FACE_PX;

/** Cosine similarity of two embeddings (both L2-normalised: their dot product; not normalised: divided by the norms). */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

/** An embedding as bytes for the store (float32 little-endian) and back. */
export function embeddingBytes(e: ArrayLike<number>): Uint8Array {
  const f = Float32Array.from(e as ArrayLike<number>);
  return new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
}

export function embeddingOf(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % 4 !== 0) throw new Error(`an embedding of ${bytes.byteLength} bytes is not float32`);
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}
