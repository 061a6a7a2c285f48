/**
 * What a camera's runtime sends, and nothing else: its events (line crossings, plate reads, violations, rule
 * alerts…), its own alerts (signal lost / restored) and its health. Every message is plain JSON that means the same
 * on any machine: a plate crop travels as a blob reference, an evidence package as a blob URI, never as bytes or a
 * path on the writer's disk. The health types are the camera status the API serves.
 */
import type { ArgusEvent } from '../core/events.js';
import type { CrowdStatus, HeatmapBucket } from '../core/heatmap.js';

export type CameraHealth = 'starting' | 'online' | 'degraded' | 'offline' | 'disabled';

export interface PlateStatus {
  /** `vehicles`: plates of the detected vehicles; `anpr`: the whole picture. */
  readonly mode: 'vehicles' | 'anpr';
  /** Pictures sent to the reader (vehicle crops, or frames of an ANPR camera). */
  readonly read: number;
  /** Pictures not read because the reader was busy (the camera never falls behind the stream). */
  readonly skipped: number;
  /** Plates reported (one per vehicle pass). */
  readonly plates: number;
}

export interface RecordingStatus {
  /** ffmpeg is running (false while it waits to restart). */
  readonly running: boolean;
  /** Segments finished since the recorder started; the last one's file name and when it was finished (ms). */
  readonly segments: number;
  readonly lastSegment: string | null;
  readonly lastSegmentAtMs: number | null;
  readonly restarts: number;
  readonly lastError: string | null;
}

/** What a camera is analysed at: the frame size (the source's aspect), rate, detector tiles and model. */
export interface AnalysisSettings {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  /** Detector runs per frame (0: no detector). */
  readonly tiles: number;
  /** The detector model, or `none`. */
  readonly model: string;
}

export interface CameraStatus {
  readonly id: string;
  readonly health: CameraHealth;
  /** Analysis state: running with a detector, running without one (`no_model`), or not running. */
  readonly analysis: 'running' | 'no_model' | 'stopped';
  readonly fps: number;
  /** Age of the last frame received, ms (null before the first). */
  readonly lastFrameAgeMs: number | null;
  readonly framesAnalysed: number;
  readonly restarts: number;
  readonly signalLost: boolean;
  /** What is wrong, in words (missing model, last source error). */
  readonly message: string | null;
  /** Continuous recording: null when the camera does not record. */
  readonly recording: RecordingStatus | null;
  /** Plate reading since the camera's analysis last started: null when the camera reads no plates. */
  readonly plates: PlateStatus | null;
  /** The analysis settings of the running chain (resolved from the config and the probed source), null before it starts. */
  readonly settings: AnalysisSettings | null;
  /** Persons on the latest analysed frame, per zone with their density (absent before the first frame and on an ANPR camera). */
  readonly crowd?: CrowdStatus | null;
}

/** An alert about a camera itself (its picture lost or back), outside the event stream; its id makes it idempotent. */
export interface CameraAlert {
  readonly id: string;
  readonly cameraId: string;
  readonly atMs: number;
  readonly kind: 'signal_loss' | 'signal_restored';
  readonly severity: 'info' | 'warning' | 'critical';
  readonly message: string;
  readonly payload: Readonly<Record<string, string | number | boolean | null>>;
}

/**
 * Who produced a message in the scaled mode: the worker and the revision of its camera lease (the fencing token,
 * pipeline/worker/protocol.ts). Absent on the single box. Stored with each event, so "no camera ran twice" can be
 * checked from the store.
 */
export interface Producer {
  readonly worker: string;
  readonly lease: number;
}

export type CameraMessage =
  | { readonly kind: 'event'; readonly event: ArgusEvent; readonly producer?: Producer }
  | { readonly kind: 'alert'; readonly alert: CameraAlert; readonly producer?: Producer }
  | { readonly kind: 'health'; readonly status: CameraStatus; readonly atMs: number; readonly producer?: Producer }
  /** A closed heatmap bucket of one class (a few per camera every 5 minutes; never per frame). */
  | { readonly kind: 'heatmap'; readonly heatmap: HeatmapBucket; readonly producer?: Producer };

/** The idempotence key of a message (publishing it twice stores it once) and its camera (the order key). */
export function messageKeys(m: CameraMessage): { readonly id: string; readonly cameraId: string } {
  switch (m.kind) {
    case 'event':
      return { id: `event:${m.event.id}`, cameraId: m.event.cameraId };
    case 'alert':
      return { id: `alert:${m.alert.id}`, cameraId: m.alert.cameraId };
    case 'health':
      return { id: `health:${m.status.id}:${m.atMs}:${m.status.health}`, cameraId: m.status.id };
    case 'heatmap':
      return { id: `heatmap:${m.heatmap.id}`, cameraId: m.heatmap.cameraId };
  }
}
