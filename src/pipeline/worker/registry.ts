/**
 * The worker registry (`argus_workers`, TTL {@link WORKER_TTL_MS}): each worker rewrites its {@link WorkerRecord} every
 * {@link WORKER_HEARTBEAT_MS} and reads everyone's. A worker is live while its record was seen within the TTL here
 * (by this process's clock, so a peer's clock does not matter); a deleted record (a graceful stop) is gone at once.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { errorMessage } from '../../core/errors.js';
import type { SourceLogger } from '../../video/source.js';
import { JsonKv } from './kv.js';
import { BUCKETS, WORKER_HEARTBEAT_MS, WORKER_TTL_MS, type WorkerRecord } from './protocol.js';

export interface RegistryOptions {
  readonly nc: NatsConnection;
  readonly replicas?: 1 | 3 | 5;
  readonly logger: SourceLogger;
}

export class WorkerRegistry {
  private readonly seen = new Map<string, { record: WorkerRecord; atMs: number }>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private watching: { stop(): Promise<void> } | undefined;
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly kv: JsonKv<WorkerRecord>,
    private readonly log: SourceLogger,
  ) {}

  static async open(o: RegistryOptions): Promise<WorkerRegistry> {
    const kv = await JsonKv.open<WorkerRecord>(o.nc, { bucket: BUCKETS.workers, ttlMs: WORKER_TTL_MS, replicas: o.replicas ?? 1, logger: o.logger });
    const reg = new WorkerRegistry(kv, o.logger);
    reg.watching = await kv.watch((c) => {
      if (c.op === 'put') reg.seen.set(c.key, { record: c.value, atMs: Date.now() });
      else reg.seen.delete(c.key);
    });
    return reg;
  }

  /** Records of the live workers. */
  live(nowMs = Date.now()): WorkerRecord[] {
    return [...this.seen.values()].filter((s) => nowMs - s.atMs <= WORKER_TTL_MS).map((s) => s.record);
  }

  /** Writes `record()` now and every heartbeat until `leave`. */
  async join(record: () => WorkerRecord, heartbeatMs = WORKER_HEARTBEAT_MS): Promise<void> {
    const write = async (): Promise<void> => {
      const r = record();
      try {
        await this.kv.put(r.name, r);
      } catch (e) {
        this.log.warn({ err: errorMessage(e) }, 'worker heartbeat not written; trying again');
      }
    };
    await write();
    this.timer = setInterval(() => {
      this.writing = this.writing.then(write);
    }, heartbeatMs);
  }

  /** Stops the heartbeat and deletes this worker's record (peers stop counting it at once). */
  async leave(name: string): Promise<void> {
    clearInterval(this.timer);
    await this.writing;
    await this.kv.delete(name).catch((e: unknown) => this.log.warn({ err: errorMessage(e) }, 'worker record not deleted; it expires'));
    await this.watching?.stop();
  }
}
