/**
 * The camera status of the scaled mode, as a serve replica sees the province: the cameras offered to the workers
 * (`argus_cameras`), who holds each (`argus_camera_leases`), what each worker reports (`argus_workers`: measured fps
 * and lag per camera, capacity, load, memory) and each camera's latest health message from the stream. Kept up to
 * date by KV watches and the live feed, so the routes read it synchronously.
 */
import type { KV } from '@nats-io/kv';
import type { CameraMessage, CameraStatus as BusCameraStatus } from '../../bus/messages.js';
import type { BusLogger } from '../../bus/nats-connect.js';
import type { KvLeases, LeaseChange } from '../../bus/leases.js';
import type { CameraStatus } from '../../contract/cameras.js';
import type { DetectorStatus, WorkerHealth } from '../../contract/system.js';
import { errorMessage } from '../../core/errors.js';
import type { CameraLease, CameraSpec, WorkerRecord } from '../../pipeline/worker/protocol.js';
import type { CameraStatusSource } from '../camera-directory.js';

type HealthMessage = Extract<CameraMessage, { kind: 'health' }>;

export interface ScaledStatusOptions {
  readonly cameras: KV;
  readonly workers: KvLeases<WorkerRecord>;
  readonly leases: KvLeases<CameraLease>;
  /** Cameras this replica runs itself (`--cameras`): their status comes from here. */
  readonly local?: CameraStatusSource;
  readonly log: BusLogger;
  readonly now?: () => number;
}

export class ScaledStatus implements CameraStatusSource {
  private readonly cameras = new Map<string, { enabled: boolean }>();
  private readonly workerRecords = new Map<string, WorkerRecord>();
  private readonly holders = new Map<string, { worker: string; revision: number }>();
  private readonly health = new Map<string, HealthMessage>();
  private readonly stops: Array<() => Promise<void>> = [];
  private readonly now: () => number;
  private local: CameraStatusSource | undefined;

  private constructor(private readonly o: ScaledStatusOptions) {
    this.now = o.now ?? Date.now;
    this.local = o.local;
  }

  /** Starts the watches; resolves once each has delivered what its bucket holds now. */
  static async start(o: ScaledStatusOptions): Promise<ScaledStatus> {
    const s = new ScaledStatus(o);
    for (const w of await o.workers.list()) s.workerRecords.set(w.key, w.value);
    for (const l of await o.leases.list()) s.holders.set(l.key, { worker: l.value.worker, revision: l.revision });
    const ws = await o.workers.watch((c) => s.onWorker(c));
    const ls = await o.leases.watch((c) => s.onLease(c));
    s.stops.push(() => ws.stop(), () => ls.stop());
    await s.watchCameras();
    return s;
  }

  /** Cameras this replica runs itself (`--cameras`). */
  setLocal(local: CameraStatusSource): void {
    this.local = local;
  }

  /** The worker holding a camera's lease now. */
  holderOf(cameraId: string): string | undefined {
    return this.holders.get(cameraId)?.worker;
  }

  /** A health message of the stream (the live feed calls this for each). */
  noteHealth(m: HealthMessage): void {
    const had = this.health.get(m.status.id);
    if (!had || had.atMs <= m.atMs) this.health.set(m.status.id, m);
  }

  status(id?: string): CameraStatus[] {
    const local = this.local?.status(id) ?? [];
    const own = new Set(local.map((s) => s.id));
    const out: CameraStatus[] = [...local];
    const ids = id === undefined ? [...this.cameras.keys()] : this.cameras.has(id) || this.health.has(id) ? [id] : [];
    for (const cid of ids) if (!own.has(cid)) out.push(this.one(cid));
    return out;
  }

  detectorStatus(): DetectorStatus[] {
    return this.local?.detectorStatus() ?? [];
  }

  workers(): WorkerHealth[] {
    const now = this.now();
    return [...this.workerRecords.values()]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((w) => ({
        name: w.name, host: w.host, capacity: w.capacity, load: w.load, cameras: w.cameras.length, rssMb: w.rssMb,
        heartbeatAgeMs: Math.max(0, now - w.heartbeatAtMs), startedAtMs: w.startedAtMs,
      }));
  }

  async stop(): Promise<void> {
    await Promise.all(this.stops.splice(0).map((s) => s().catch(() => undefined)));
  }

  /** One camera: its last health message (or what the registry says), and the worker that runs it now. */
  private one(id: string): CameraStatus {
    const enabled = this.cameras.get(id)?.enabled ?? true;
    const holder = this.holders.get(id);
    const record = holder ? this.workerRecords.get(holder.worker) : undefined;
    const reported = record?.cameras.find((c) => c.id === id);
    const worker = holder ? { name: holder.worker, fps: reported?.fps ?? 0, lagMs: reported?.lagMs ?? null, lease: reported?.lease ?? holder.revision } : null;
    const last = this.health.get(id);
    // A health message from an earlier holder (another worker, or a lease before this one) says nothing of now.
    const current = last && (!last.producer || (holder && last.producer.worker === holder.worker)) ? last.status : undefined;
    const base: BusCameraStatus = current ?? {
      id, health: !enabled ? 'disabled' : holder ? 'starting' : 'offline', analysis: 'stopped', fps: 0, lastFrameAgeMs: null, framesAnalysed: 0,
      restarts: 0, signalLost: false, message: !enabled || holder ? null : 'no worker runs this camera', recording: null, plates: null, settings: null,
    };
    const unheld = enabled && !holder;
    return {
      ...base,
      ...(unheld ? { health: 'offline' as const, analysis: 'stopped' as const, message: 'no worker runs this camera' } : {}),
      ...(worker ? { fps: worker.fps, lastFrameAgeMs: worker.lagMs ?? base.lastFrameAgeMs } : {}),
      // The persons per zone as of the worker's last heartbeat (health messages are sent on changes only).
      ...(worker && reported?.crowd !== undefined ? { crowd: reported.crowd } : {}),
      worker,
    };
  }

  private onWorker(c: LeaseChange<WorkerRecord>): void {
    if (c.op === 'put') this.workerRecords.set(c.entry.key, c.entry.value);
    else this.workerRecords.delete(c.key);
  }

  private onLease(c: LeaseChange<CameraLease>): void {
    if (c.op === 'put') this.holders.set(c.entry.key, { worker: c.entry.value.worker, revision: c.entry.revision });
    else if (this.holders.get(c.key)?.revision === c.revision || c.op === 'delete') this.holders.delete(c.key);
  }

  private async watchCameras(): Promise<void> {
    const it = await this.o.cameras.watch();
    let markReady: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    const follow = async (): Promise<void> => {
      for await (const e of it) {
        if (e.operation === 'PUT') {
          try {
            this.cameras.set(e.key, { enabled: e.json<CameraSpec>().config.enabled });
          } catch (err) {
            this.o.log.warn({ key: e.key, err: errorMessage(err) }, 'camera spec is not JSON: ignored');
          }
        } else {
          this.cameras.delete(e.key);
          this.health.delete(e.key);
        }
        if (e.delta === 0) markReady();
      }
    };
    const following = follow().catch((e: unknown) => this.o.log.error({ err: errorMessage(e) }, 'camera directory watch ended on an error'));
    // An empty bucket delivers nothing: ready at once then.
    if ((await this.o.cameras.status()).values === 0) markReady();
    await ready;
    this.stops.push(async () => {
      it.stop();
      await following;
    });
  }
}
