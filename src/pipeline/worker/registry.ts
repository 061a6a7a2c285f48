/**
 * The worker registry (`argus_workers`, TTL {@link WORKER_TTL_MS}): each worker rewrites its {@link WorkerRecord} every
 * {@link WORKER_HEARTBEAT_MS} and reads everyone's. A worker is live while its record was seen within the TTL here
 * (by this process's clock, so a peer's clock does not matter); a deleted record (a graceful stop) is gone at once.
 *
 * Names are unique. A worker started under a name whose record is still being rewritten by another process (another
 * `instance`) refuses to join ({@link NameTakenError}); a record that stops being rewritten (a worker killed -9 and
 * started again under its name) is waited out, at most the TTL. Two processes that start under one name at the same
 * moment both join; each then sees the other's heartbeat, and the later started (ties: the larger instance id) is told
 * to stop through `onNameTaken`.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { ArgusError, errorMessage } from '../../core/errors.js';
import type { SourceLogger } from '../../video/source.js';
import { JsonKv } from './kv.js';
import { BUCKETS, WORKER_HEARTBEAT_MS, WORKER_TTL_MS, type WorkerRecord } from './protocol.js';

export interface RegistryOptions {
  readonly nc: NatsConnection;
  readonly replicas?: 1 | 3 | 5;
  readonly logger: SourceLogger;
}

/** Another live process runs under this worker's name. */
export class NameTakenError extends ArgusError {
  constructor(readonly other: WorkerRecord) {
    super('conflict', `another worker is running under the name "${other.name}" (host ${other.host}, pid ${other.pid}); give each worker its own --name`);
  }
}

/** The later started of two processes under one name (ties: the larger instance id). */
function isLater(a: WorkerRecord, b: WorkerRecord): boolean {
  return a.startedAtMs !== b.startedAtMs ? a.startedAtMs > b.startedAtMs : a.instance > b.instance;
}

export class WorkerRegistry {
  private readonly seen = new Map<string, { record: WorkerRecord; atMs: number }>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private watching: { stop(): Promise<void> } | undefined;
  private writing: Promise<void> = Promise.resolve();
  private mine: { name: string; instance: string; startedAtMs: number; onNameTaken: (other: WorkerRecord) => void } | undefined;
  /** This process lost its name to another: its stop must not delete the other's record. */
  private nameTaken = false;

  private constructor(
    private readonly kv: JsonKv<WorkerRecord>,
    private readonly log: SourceLogger,
  ) {}

  static async open(o: RegistryOptions): Promise<WorkerRegistry> {
    const kv = await JsonKv.open<WorkerRecord>(o.nc, { bucket: BUCKETS.workers, ttlMs: WORKER_TTL_MS, replicas: o.replicas ?? 1, logger: o.logger });
    const reg = new WorkerRegistry(kv, o.logger);
    reg.watching = await kv.watch((c) => {
      if (c.op === 'put') {
        reg.seen.set(c.key, { record: c.value, atMs: Date.now() });
        const me = reg.mine;
        if (me && c.key === me.name && c.value.instance !== me.instance && isLater({ ...c.value, startedAtMs: me.startedAtMs, instance: me.instance }, c.value)) {
          reg.nameTaken = true;
          clearInterval(reg.timer);
          me.onNameTaken(c.value);
        }
      } else reg.seen.delete(c.key);
    });
    return reg;
  }

  /** Records of the live workers. */
  live(nowMs = Date.now()): WorkerRecord[] {
    return [...this.seen.values()].filter((s) => nowMs - s.atMs <= WORKER_TTL_MS).map((s) => s.record);
  }

  /**
   * Writes `record()` now and every heartbeat until `leave`. Refuses ({@link NameTakenError}) while another process
   * rewrites a record under the same name. `onNameTaken` is called if, after joining, another process's record shows up
   * under the name and THIS process is the later started of the two: it must stop (and leaves the record alone).
   */
  async join(record: () => WorkerRecord, onNameTaken: (other: WorkerRecord) => void, heartbeatMs = WORKER_HEARTBEAT_MS): Promise<void> {
    const first = record();
    await this.waitOutOther(first);
    this.mine = { name: first.name, instance: first.instance, startedAtMs: first.startedAtMs, onNameTaken };
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

  /**
   * Waits while a record under `me.name` from another process is in the bucket (read from the bucket, not the watch,
   * which may not have caught up yet); throws as soon as that process rewrites it. A record nobody rewrites expires
   * with the bucket's TTL: the name is free then.
   */
  private async waitOutOther(me: WorkerRecord): Promise<void> {
    const first = await this.kv.get(me.name);
    if (!first || first.instance === me.instance) return;
    this.log.warn({ worker: me.name, host: first.host, pid: first.pid }, 'a record under this worker name is still fresh: waiting to see whether its worker is alive');
    const deadline = Date.now() + WORKER_TTL_MS + 2000;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      const now = await this.kv.get(me.name);
      if (!now || now.instance === me.instance) return;
      if (now.instance !== first.instance || now.heartbeatAtMs !== first.heartbeatAtMs) throw new NameTakenError(now);
    }
  }

  /** Stops the heartbeat and deletes this worker's record (peers stop counting it at once). */
  async leave(name: string): Promise<void> {
    this.mine = undefined;
    clearInterval(this.timer);
    await this.writing;
    if (!this.nameTaken) await this.kv.delete(name).catch((e: unknown) => this.log.warn({ err: errorMessage(e) }, 'worker record not deleted; it expires'));
    await this.watching?.stop();
  }
}
