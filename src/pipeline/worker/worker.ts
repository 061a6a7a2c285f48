/**
 * `argus worker`: a camera worker of the scaled mode (protocol.ts). On one NATS connection it
 * - watches the cameras the serve replicas write (`argus_cameras`): an add, edit or delete reaches a running camera
 *   within the watch's latency, with no restart of anything else;
 * - writes its record into the registry (`argus_workers`) every heartbeat: load, cameras with fps and lag, memory;
 * - claims free cameras by capacity and holds their fenced leases (assignment.ts), and runs what it holds with the
 *   one camera runtime (CameraManager), every message stamped with `producer: {worker, lease}`;
 * - publishes through the JetStream EventBus, plate crops and evidence packages into the object store (references
 *   with their SHA-256 travel on the bus), records into its own `<data>/recordings`, and answers the worker RPCs
 *   (rpc.ts) for snapshots and recordings;
 * - asks the central store for a site's plate history over NATS (history.ts), never a database.
 * `stop()`: stops claiming, stops every camera and releases its lease (peers take over at once), waits for the
 * publishes in flight, leaves the registry.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import type { CameraConfig, SiteConfig } from '../../config/schema.js';
import { errorMessage } from '../../core/errors.js';
import type { EventBus } from '../../bus/bus.js';
import { openNatsRuntimeBlobs } from '../../bus/blob-nats.js';
import { KvLeases } from '../../bus/leases.js';
import type { CameraMessage, CameraStatus, Producer } from '../../bus/messages.js';
import { NatsBus } from '../../bus/nats.js';
import type { SourceLogger } from '../../video/source.js';
import { CameraManager } from '../runtime/camera-manager.js';
import { createStageProvider, serviceEvidence, type StageProvider } from '../runtime/stages.js';
import { Assignment } from './assignment.js';
import { plateHistoryClient } from './history.js';
import { JsonKv } from './kv.js';
import { BUCKETS, cameraCost, LEASE_TTL_MS, type CameraLease, type CameraSpec, type WorkerRecord } from './protocol.js';
import { NameTakenError, WorkerRegistry } from './registry.js';
import { startOverlayPublisher } from './overlay-relay.js';
import { startRpc } from './rpc.js';
import { HlsHost } from '../../video/hls-host.js';
import { modelsDir } from '../../vision/models.js';

export interface WorkerOptions {
  readonly nc: NatsConnection;
  /** Unique among the workers (letters, digits, `_`, `-`). */
  readonly name: string;
  /** Camera-frames per second this worker can carry. */
  readonly capacity: number;
  /** `<data>/recordings`, `<data>/evidence`, `<data>/keys`. */
  readonly dataDir: string;
  readonly modelsDir?: string | undefined;
  readonly logger: SourceLogger & { child?: (b: object) => SourceLogger };
  /** Copies of the streams, buckets and object stores (3 on a 3-node cluster; default 1). */
  readonly replicas?: 1 | 3 | 5;
  /** Wait for a replica's plate history answer (default 3000 ms). */
  readonly historyTimeoutMs?: number;
  /** Stage provider (default: plates, rules and evidence into `<data>`); tests pass a lighter one. */
  readonly stages?: StageProvider;
  /** Rebalancing pace (assignment.ts; defaults 30 s held before a camera may move, one move per 10 s). */
  readonly rebalance?: { readonly holdMs?: number; readonly everyMs?: number };
}

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Counts the publishes in flight, so a stop can wait for them. */
function trackedBus(bus: EventBus<CameraMessage>): { bus: EventBus<CameraMessage>; settled(): Promise<void> } {
  const inFlight = new Set<Promise<unknown>>();
  return {
    bus: {
      publish: (m, keys) => {
        const p = bus.publish(m, keys);
        const t = p.catch(() => undefined).finally(() => inFlight.delete(t));
        inFlight.add(t);
        return p;
      },
      consume: (o, h) => bus.consume(o, h),
      close: () => bus.close(),
    },
    settled: async () => {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}

interface Stoppable {
  stop(): Promise<void>;
}

/** What a worker closes on stop. */
interface WorkerParts {
  readonly registry: WorkerRegistry;
  readonly cameraWatch: Stoppable;
  readonly leaseWatch: Stoppable;
  readonly rpc: Stoppable;
  /** The analysis overlay of the cameras held here, sent while a replica asks (overlay-relay.ts). */
  readonly overlay: Stoppable;
  readonly bus: NatsBus;
  readonly settled: () => Promise<void>;
  readonly stages: StageProvider;
}

/** A worker's registry record: its load (the cost of the cameras it holds) and each camera's fps, lag and lease. */
function workerRecord(o: WorkerOptions, instance: string, startedAtMs: number, assignment: Assignment, manager: CameraManager): WorkerRecord {
  const held = assignment.heldCameras();
  const status = new Map(manager.status().map((s) => [s.id, s]));
  return {
    name: o.name,
    instance,
    host: hostname(),
    pid: process.pid,
    capacity: o.capacity,
    load: held.reduce((n, c) => n + (c.config ? cameraCost(c.config) : 0), 0),
    cameras: held.map((c) => ({ id: c.id, fps: status.get(c.id)?.fps ?? 0, lagMs: status.get(c.id)?.lastFrameAgeMs ?? null, lease: c.lease, crowd: status.get(c.id)?.crowd ?? null })),
    startedAtMs,
    heartbeatAtMs: Date.now(),
    rssMb: Math.round(process.memoryUsage.rss() / 1e5) / 10,
  };
}

export class Worker {
  private stopped: Promise<void> | undefined;

  private constructor(
    private readonly o: WorkerOptions,
    private readonly manager: CameraManager,
    private readonly assignment: Assignment,
    /** This worker's registry record now. */
    readonly record: () => WorkerRecord,
    /** Settles when this worker must stop on its own: another process runs under its name and started first. */
    readonly failed: Promise<Error>,
    private readonly parts: WorkerParts,
  ) {}

  static async start(o: WorkerOptions): Promise<Worker> {
    if (!NAME.test(o.name)) throw new Error(`worker name ${JSON.stringify(o.name)}: letters, digits, "_", "-" (at most 64)`);
    if (!(o.capacity > 0)) throw new Error(`worker capacity ${o.capacity}: camera-frames per second, above 0`);
    const log = o.logger;
    const replicas = o.replicas ?? 1;
    const dataDir = resolve(o.dataDir);
    const natsBus = await NatsBus.open<CameraMessage>(o.nc, { replicas, logger: log });
    const blobs = await openNatsRuntimeBlobs(o.nc, { replicas });
    const tracked = trackedBus(natsBus);
    const cameras = await JsonKv.open<CameraSpec>(o.nc, { bucket: BUCKETS.cameras, replicas, logger: log });
    const leases = await KvLeases.open<CameraLease>(o.nc, { bucket: BUCKETS.leases, ttlMs: LEASE_TTL_MS, replicas, logger: log });
    const registry = await WorkerRegistry.open({ nc: o.nc, replicas, logger: log });

    // The sites come with the cameras' specs (the assignment follows them); called only once cameras run.
    const siteOf = (id: string): SiteConfig | undefined => assignment.site(id);
    const stages = o.stages ?? createStageProvider({
      config: undefined,
      siteConfig: siteOf,
      attributes: true,
      evidence: serviceEvidence(dataDir),
      history: plateHistoryClient({ nc: o.nc, logger: log, ...(o.historyTimeoutMs ? { timeoutMs: o.historyTimeoutMs } : {}) }),
      faces: { modelsDir: o.modelsDir ?? modelsDir() },
    });
    const producers = new Map<string, Producer>();
    const manager = new CameraManager({
      bus: tracked.bus, blobs, logger: log, stages, recordingsDir: join(dataDir, 'recordings'),
      ...(o.modelsDir ? { modelsDir: o.modelsDir } : {}),
      producer: (id) => producers.get(id),
    });
    const assignment: Assignment = new Assignment({
      me: o.name, capacity: o.capacity, leases, logger: log,
      ...(o.rebalance?.holdMs !== undefined ? { rebalanceHoldMs: o.rebalance.holdMs } : {}),
      ...(o.rebalance?.everyMs !== undefined ? { rebalanceEveryMs: o.rebalance.everyMs } : {}),
      liveWorkers: () => {
        const live = registry.live().filter((w) => w.name !== o.name).map((w) => ({ name: w.name, capacity: w.capacity }));
        return [...live, { name: o.name, capacity: o.capacity }];
      },
      runner: {
        start: async (config, producer) => {
          producers.set(config.id, producer);
          await manager.add(config);
        },
        stop: async (id) => {
          const p = producers.get(id);
          await manager.remove(id);
          // A claim of the same camera meanwhile set its own stamp: keep it.
          if (producers.get(id) === p) producers.delete(id);
        },
      },
    });
    const a = assignment;
    const startedAtMs = Date.now();
    const instance = randomUUID();
    const record = (): WorkerRecord => workerRecord(o, instance, startedAtMs, a, manager);
    let nameTaken!: (e: NameTakenError) => void;
    const failed = new Promise<NameTakenError>((r) => (nameTaken = r));
    try {
      await registry.join(record, (other) => {
        log.error({ worker: o.name, otherHost: other.host, otherPid: other.pid }, 'another worker runs under this name and started first: this one stops');
        nameTaken(new NameTakenError(other));
      });
    } catch (e) {
      await registry.leave(o.name).catch(() => undefined);
      await natsBus.close().catch(() => undefined);
      throw e;
    }
    const rpc = startRpc({
      nc: o.nc, worker: o.name, latestFrame: (id) => manager.latestFrame(id), recordingsDir: join(dataDir, 'recordings'), logger: log,
      live: { host: new HlsHost(), sourceOf: (id) => manager.config(id)?.source },
    });
    const overlay = startOverlayPublisher({ nc: o.nc, overlay: manager.overlay, runs: (id) => manager.config(id)?.enabled === true, logger: log });
    const leaseWatch = await leases.watch((c) => a.onLease(c));
    const cameraWatch = await cameras.watch((c) => a.onCamera(c));
    a.start();
    log.info({ worker: o.name, capacity: o.capacity, data: dataDir }, 'worker started');
    return new Worker(o, manager, a, record, failed, { registry, cameraWatch, leaseWatch, rpc, overlay, bus: natsBus, settled: tracked.settled, stages });
  }

  get name(): string {
    return this.o.name;
  }

  /** Ids of the cameras running here now. */
  cameraIds(): string[] {
    return this.manager.ids();
  }

  /** The config a camera runs with here now (undefined: not running here). */
  runningConfig(id: string): CameraConfig | undefined {
    return this.manager.config(id);
  }

  /** The camera runtime, for the worker's /metrics (counters per camera, detector latency). */
  metricsSource(): Pick<CameraManager, 'metrics' | 'detectorLatency' | 'status' | 'detectorStatus'> {
    return this.manager;
  }

  /** Status of the cameras running here. */
  status(): CameraStatus[] {
    return this.manager.status();
  }

  /** Names of the live workers this one sees in the registry (itself included once its first heartbeat is back). */
  liveWorkers(): string[] {
    return this.parts.registry.live().map((w) => w.name);
  }

  /** The cameras held, with the lease revision each runs under. */
  held(): Array<{ id: string; lease: number }> {
    return this.assignment.heldCameras().map(({ id, lease }) => ({ id, lease }));
  }

  /** Graceful stop: no more claims, cameras stopped and their leases released, publishes drained, record deleted. */
  stop(): Promise<void> {
    this.stopped ??= this.stopOnce();
    return this.stopped;
  }

  private async stopOnce(): Promise<void> {
    const log = this.o.logger;
    const c = this.parts;
    const step = async (what: string, f: () => Promise<void>): Promise<void> => {
      try {
        await f();
      } catch (e) {
        log.warn({ err: errorMessage(e) }, `worker stop: ${what} failed`);
      }
    };
    await step('camera watch', () => c.cameraWatch.stop());
    await step('lease release', () => this.assignment.stop());
    await step('cameras', () => this.manager.close());
    await step('publishes', () => c.settled());
    await step('lease watch', () => c.leaseWatch.stop());
    await step('rpc', () => c.rpc.stop());
    await step('overlay', () => c.overlay.stop());
    await step('registry', () => c.registry.leave(this.o.name));
    await step('stages', () => c.stages.close());
    await step('bus', () => c.bus.close());
    log.info({ worker: this.o.name }, 'worker stopped');
  }
}
