import type { BlobRef } from './blob.js';
import type { Box } from './box.js';
import type { ObjectClass } from './classes.js';
import type { CrossDirection } from './direction.js';
import type { TrackId } from './track.js';

/** Province and city codes in use on plates (Circular 79/2024/TT-BCA, appendix 02; 80 = central agencies). */
export const PROVINCE_CODES: ReadonlySet<number> = new Set([
  11, 12, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38,
  39, 40, 41, 43, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69,
  70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 88, 89, 90, 92, 93, 94, 95, 97, 98, 99,
]);

/**
 * Category a plate's background colour tells (Circular 79/2024/TT-BCA): white private, yellow commercial
 * transport, blue state agencies, red military; diplomatic/international/foreign series (NG, QT, NN).
 */
export type PlateCategory = 'private' | 'commercial' | 'state' | 'military' | 'diplomatic' | 'unknown';

/** One reading of a licence plate. */
export interface PlateRead {
  /** Normalised key: upper-case [0-9A-Z] only, e.g. `30A12345`, `29B112345`. */
  readonly plate: string;
  /** Vietnamese display form, e.g. `30A-123.45`, `29-B1 123.45`. */
  readonly display: string;
  /** 0–1. */
  readonly confidence: number;
  readonly category: PlateCategory;
  /** Characters per printed line, top-down (`['29B1', '12345']`). */
  readonly lines: readonly string[];
  /** Where the plate is, in the pixels of the image it was read from. */
  readonly box?: Box;
}

/** One fused plate read per vehicle pass (emitted when the track ends or leaves). */
export interface PlateReadEvent {
  readonly id: string;
  readonly cameraId: string;
  readonly atMs: number;
  readonly ptsSec: number;
  readonly kind: 'plate.read';
  readonly trackId: TrackId;
  readonly cls: ObjectClass;
  readonly direction?: CrossDirection;
  /** The counting line the vehicle crossed first in this pass, when it crossed one (section control points). */
  readonly lineId?: string;
  readonly read: PlateRead;
  /** Number of frames whose reads were fused. */
  readonly reads: number;
  /** Best plate crop (JPEG), when kept: inside one process only (the runtime's stages, the command line's files). */
  readonly cropJpeg?: Uint8Array;
  /** The same crop in the blob store, by reference: what travels on the bus instead of the bytes. */
  readonly crop?: BlobRef;
}
