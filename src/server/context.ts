/** What every route module gets: the store, auth, live hub, camera manager, ingest, and the audit writer. */
import type { FacesService } from './faces.js';
import type { OverlayFrame } from '../pipeline/runtime/overlay.js';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { BlobStore } from '../bus/blobs.js';
import type { CameraManager } from '../pipeline/runtime/camera-manager.js';
import type { AuditSealOptions } from '../store/audit-seal.js';
import type { JsonValue, Store } from '../store/store.js';
import type { BackgroundWork } from './background.js';
import type { Auth, Principal } from './auth.js';
import type { CameraDirectory, CameraStatusSource } from './camera-directory.js';
import type { EvidenceMaterialiser } from './scaled/evidence.js';
import type { WorkerRpcClient } from './scaled/worker-rpc.js';
import type { Router } from './http.js';
import type { Ingest } from './ingest.js';
import type { LiveHub } from './live.js';
import type { FederationView } from './federation/province.js';

export interface ServerContext {
  /** Faces: the engine for photos, the person search index, the face crops (issue #24). */
  readonly faces: FacesService;
  readonly store: Store;
  readonly auth: Auth;
  readonly hub: LiveHub;
  /** The cameras this process runs itself (all of them on the single box; none in the scaled mode without `--cameras`). */
  readonly cameras: CameraManager;
  /** Where the API's camera changes go: this process's cameras, or the scaled mode's `argus_cameras` KV. */
  readonly directory: CameraDirectory;
  /** Live status of every camera (and the workers, in the scaled mode). */
  readonly status: CameraStatusSource;
  /** Scaled mode: snapshots and recordings of cameras that run on a worker. */
  readonly remote?: WorkerRpcClient;
  /** Scaled mode: the analysis overlay of a camera run by a worker (frames until the returned function is called). */
  readonly remoteOverlay?: (cameraId: string, onFrame: (f: OverlayFrame) => void) => () => void;
  /** Scaled mode: the plate crops object store (a crop another replica stored is fetched from there). */
  readonly runtimeCrops?: Pick<BlobStore, 'get'>;
  /** Scaled mode: copies an evidence package from the object store into `<data>/evidence` before it is served. */
  readonly materialiseEvidence?: EvidenceMaterialiser;
  readonly ingest: Ingest;
  /** Work requests left running after their answer (share package builds). */
  readonly background: BackgroundWork;
  readonly router: Router;
  readonly log: FastifyBaseLogger;
  readonly startedAtMs: number;
  /** Ids of the cameras the config file defines: the file wins for them at every start (their edits last until a restart). */
  readonly configCameraIds: ReadonlySet<string>;
  /** Where the audit key and the checkpoint anchor are (null: this service signs no checkpoints). */
  readonly auditSeal: Pick<AuditSealOptions, 'keyDir' | 'anchorFile'> | null;
  /** A province: the owner (district) of each federated camera; absent when this installation takes in no district. */
  readonly federation?: FederationView;
  /** Appends to the hash-chained audit log: who (actor), what (action, target, details), when, where (ip, agent). */
  audit(req: FastifyRequest, principal: Pick<Principal, 'actor' | 'username'> | null, action: string, target: string | null, details?: Record<string, JsonValue | undefined>): Promise<void>;
}

/** `appended`: told after each row (the checkpoint signer counts them). */
export function auditWriter(store: Store, appended: () => void = () => undefined): ServerContext['audit'] {
  return async (req, principal, action, target, details = {}) => {
    const clean = Object.fromEntries(Object.entries(details).filter(([, v]) => v !== undefined)) as Record<string, JsonValue>;
    await store.appendAudit({
      atMs: Date.now(),
      actor: principal?.actor ?? 'anonymous',
      action,
      target,
      details: { ...clean, username: principal?.username ?? null, ip: req.ip, userAgent: (req.headers['user-agent'] ?? '').slice(0, 200) },
    });
    appended();
  };
}
