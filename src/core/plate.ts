import type { Box } from './box.js';
import type { ObjectClass } from './classes.js';
import type { CrossDirection } from './direction.js';
import type { TrackId } from './track.js';

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
  readonly read: PlateRead;
  /** Number of frames whose reads were fused. */
  readonly reads: number;
  /** Best plate crop (JPEG), when kept. */
  readonly cropJpeg?: Uint8Array;
}
