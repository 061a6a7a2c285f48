/**
 * The scaled mode's shared picture (workers ↔ serve replicas), on NATS only: no database on a worker.
 *
 * - `argus_cameras` (JetStream KV, no TTL): key = camera id, value = {@link CameraSpec}. Written by the serve replicas
 *   (every camera of the store at start, then every add/edit/delete through the API: a delete removes the key).
 *   Workers watch it: an edit reaches the worker that runs the camera within the watch's latency (≤ 2 s).
 * - `argus_workers` (KV, TTL {@link WORKER_TTL_MS}): key = worker name, value = {@link WorkerRecord}, rewritten every
 *   {@link WORKER_HEARTBEAT_MS}. A worker whose key expired is dead. The serve replicas read it for /api/health and
 *   /api/cameras/status; the workers read it to spread cameras by capacity.
 * - `argus_camera_leases` (KV, TTL {@link LEASE_TTL_MS}): key = camera id, value = {@link CameraLease}. A worker runs a
 *   camera only while it holds the key; it renews with `update(key, value, revision)`, which is refused once anyone
 *   else wrote the key (fencing by KV revision, not by timers): a refused or expired renewal stops the camera at
 *   once. The lease's revision is stamped on every message the camera publishes ({@link Producer} in
 *   bus/messages.ts), so the store can tell which worker, under which lease, produced each event.
 * - Plate pool history of a site: request/reply on {@link PLATE_HISTORY_SUBJECT} (answered by any serve replica from
 *   the central store), never a database connection from the worker.
 *
 * Failover budget: a dead worker's leases expire after LEASE_TTL_MS (8 s); live workers scan free cameras every
 * CLAIM_SCAN_MS (1 s) and on every lease expiry the watch reports: the camera restarts on a live worker well within 15 s.
 */
import type { CrowdStatus } from '../../core/heatmap.js';
import type { CameraConfig, SiteConfig } from '../../config/schema.js';
import { ANPR_MAX_FPS, DEFAULT_MAX_FPS } from '../settings.js';

export const BUCKETS = { cameras: 'argus_cameras', workers: 'argus_workers', leases: 'argus_camera_leases' } as const;

/**
 * NATS buckets of the runtime's blobs (bus/blob-nats.ts `openNatsRuntimeBlobs` with the default prefix): plate crops
 * (a small-blob stream, `BLOB_argus-crops`, kept until its TTL, 7 days, drops them: any serve replica can fetch a
 * thumbnail that another stored) and evidence packages (kept; a replica copies a package into its `<data>/evidence` on first need, digest
 * checked). The bus layer cannot import this file, so the names are written twice; test/serve-scaled.test.ts ties them.
 */
export const BLOB_BUCKETS = { crops: 'argus-crops', evidence: 'argus-evidence' } as const;

export const LEASE_TTL_MS = 8000;
export const LEASE_HEARTBEAT_MS = 2000;
export const WORKER_TTL_MS = 6000;
export const WORKER_HEARTBEAT_MS = 2000;
export const CLAIM_SCAN_MS = 1000;

/** Request `{ siteId }`, reply {@link PlateHistoryReply}. */
export const PLATE_HISTORY_SUBJECT = 'argus.rpc.plate-history';

/** A camera as the workers get it: its config and its site (for the plate pool, zones' local time, calibration). */
export interface CameraSpec {
  readonly config: CameraConfig;
  readonly site: SiteConfig | null;
  /** When the serve replica wrote it (ms). */
  readonly updatedAtMs: number;
}

/** The holder of a camera. The KV revision of the key is the fencing token. */
export interface CameraLease {
  readonly worker: string;
  readonly sinceMs: number;
}

/** One camera as its worker reports it in the registry. */
export interface WorkerCamera {
  readonly id: string;
  /** Frames analysed per second, measured. */
  readonly fps: number;
  /** Age of the last analysed frame, ms (null before the first): how far behind the camera the analysis is. */
  readonly lagMs: number | null;
  /** The lease revision it runs under. */
  readonly lease: number;
  /** Persons per zone on its latest analysed frame (issue #24; absent from older workers). */
  readonly crowd?: CrowdStatus | null;
}

export interface WorkerRecord {
  readonly name: string;
  /** This process's own random id: two processes under one name are told apart by it (the later one stops). */
  readonly instance: string;
  readonly host: string;
  readonly pid: number;
  /** Camera-frames per second this worker says it can carry (`--capacity`). */
  readonly capacity: number;
  /** The sum of {@link cameraCost} over the cameras it runs. */
  readonly load: number;
  readonly cameras: readonly WorkerCamera[];
  readonly startedAtMs: number;
  readonly heartbeatAtMs: number;
  /** Process memory, MB (RSS): shown in /api/health. */
  readonly rssMb: number;
}

export interface PlateHistoryReply {
  /** Oldest first. `confidence`: the stored read's (absent: taken as a confident read). */
  readonly plates: readonly { readonly plateKey: string; readonly cameraId: string; readonly atMs: number; readonly confidence?: number }[];
}

/**
 * What a camera costs a worker, in camera-frames per second: its analysed rate (the configured fps, else the
 * runtime's cap for its kind) times detector passes per frame (numeric tiles; `auto` counts as one). 0 when disabled.
 */
export function cameraCost(config: CameraConfig): number {
  if (!config.enabled) return 0;
  const fps = config.analysis.fps ?? (config.plates === 'anpr' ? ANPR_MAX_FPS : DEFAULT_MAX_FPS);
  const d = config.analysis.detector;
  const tiles = d.kind === 'onnx' && typeof d.tiles === 'number' ? d.tiles : 1;
  return fps * Math.max(1, tiles);
}

/**
 * Which live worker should take a free camera of cost `cost`: the one with the lowest load ratio after taking it,
 * among those with room (load + cost ≤ capacity); ties by name. None has room → the least loaded anyway (a camera
 * is better analysed slowly than not at all; the UI shows the overload). No live worker → undefined. Pure.
 */
export function chooseWorker(cost: number, workers: readonly Pick<WorkerRecord, 'name' | 'capacity' | 'load'>[]): string | undefined {
  if (workers.length === 0) return undefined;
  const ratio = (w: Pick<WorkerRecord, 'capacity' | 'load'>): number => (w.load + cost) / Math.max(w.capacity, 1e-9);
  const byRatio = [...workers].sort((a, b) => ratio(a) - ratio(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return (byRatio.find((w) => w.load + cost <= w.capacity) ?? byRatio[0])!.name;
}

/**
 * Request/reply subjects a worker answers about the cameras it runs: recordings stay on the worker that recorded
 * them (as with Milestone's recording servers) and reach users only through a serve replica, with its permissions and
 * audit. Errors come back as a reply with the header `Argus-Error: <code> <message>`.
 * - `snapshot`: {@link SnapshotRequest} → the camera's latest analysed frame, JPEG bytes.
 * - `recordings.list`: {@link RecordingsListRequest} → {@link RecordingsListReply} (JSON).
 * - `recordings.read`: {@link RecordingReadRequest} → the bytes of that range of the segment file.
 */
export type WorkerRpc = 'snapshot' | 'recordings.list' | 'recordings.read';
/** The subjects of one worker's RPCs; its live view is relayed under the same prefix (bus/live-relay.ts). */
export const workerPrefix = (worker: string): string => `argus.worker.${worker}`;
export const workerSubject = (worker: string, rpc: WorkerRpc): string => `${workerPrefix(worker)}.${rpc}`;
/** Most bytes one `recordings.read` returns (under NATS's default 1 MiB payload limit). */
export const RECORDING_CHUNK_BYTES = 512 * 1024;

export interface SnapshotRequest {
  readonly cameraId: string;
}
export interface RecordingsListRequest {
  readonly cameraId: string;
  readonly fromMs?: number;
  readonly toMs?: number;
}
export interface RecordingSegmentInfo {
  /** File name as the recorder writes it (`YYYYMMDDTHHMMSSZ.mp4`). */
  readonly file: string;
  readonly startMs: number;
  readonly bytes: number;
}
export interface RecordingsListReply {
  readonly segments: readonly RecordingSegmentInfo[];
}
export interface RecordingReadRequest {
  readonly cameraId: string;
  readonly file: string;
  readonly offset: number;
  /** At most {@link RECORDING_CHUNK_BYTES}. */
  readonly length: number;
}
