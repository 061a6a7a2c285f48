/**
 * Where the API's camera changes go, and where the camera status comes from. On the single box both are the local
 * CameraManager (an added camera starts here). In the scaled mode the directory is the `argus_cameras` KV (a worker
 * picks the camera up from its watch) and the status is built from the workers' registry and the health messages
 * (scaled/status.ts). Routes only see these ports.
 */
import type { CameraConfig } from '../config/schema.js';
import type { CameraStatus } from '../contract/cameras.js';
import type { DetectorStatus, WorkerHealth } from '../contract/system.js';

export interface CameraDirectory {
  /** A new camera: starts it (locally, or by offering it to the workers). */
  add(config: CameraConfig): Promise<void>;
  /** An edited camera: only this camera restarts. */
  update(config: CameraConfig): Promise<void>;
  /** Stops and forgets it; whether it was known. */
  remove(id: string): Promise<boolean>;
}

export interface CameraStatusSource {
  /** Every camera's live status (one camera's with `id`). */
  status(id?: string): CameraStatus[];
  detectorStatus(): DetectorStatus[];
  /** The scaled mode's live workers; undefined on the single box. */
  workers?(): WorkerHealth[];
}
