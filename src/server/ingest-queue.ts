/**
 * A bounded group-commit queue: callers push units (an event, or a partner's batch as one unit), a single writer
 * takes everything queued — at most `maxBatch` items — every `flushMs` (sooner when `maxBatch` items wait or a unit
 * is urgent) and writes it in one go. A unit is **committed** only when the write that carried it resolved.
 *
 * Backpressure: the items queued or being written never exceed `maxQueued` (a unit larger than that waits for an
 * empty queue); `push` waits for room, in arrival order, so a burst cannot grow memory.
 */
import { ArgusError } from '../core/errors.js';

export interface BatchQueueOptions {
  /** Longest wait of a queued item before its batch is written, ms (default 50). */
  readonly flushMs: number;
  /** Items written per batch at most (default 1000). */
  readonly maxBatch: number;
  /** Items queued or in flight at most; `push` waits beyond (default 10 000). */
  readonly maxQueued: number;
}

export const DEFAULT_BATCH_QUEUE: BatchQueueOptions = { flushMs: 50, maxBatch: 1000, maxQueued: 10_000 };

interface Unit<T> {
  readonly item: T;
  readonly size: number;
  readonly urgent: boolean;
  readonly atMs: number;
  resolve(): void;
  reject(e: unknown): void;
}

export interface QueueStats {
  /** Items queued or being written now. */
  readonly inFlight: number;
  /** Highest `inFlight` seen. */
  readonly peakInFlight: number;
  readonly batches: number;
  /** Callers that had to wait for room. */
  readonly waits: number;
}

export class BatchQueue<T> {
  private readonly opts: BatchQueueOptions;
  private readonly units: Unit<T>[] = [];
  /** Items of `units` (not yet taken by the writer). */
  private waiting = 0;
  private urgent = 0;
  /** Items queued or being written: the bound of backpressure. */
  private inFlight = 0;
  private readonly roomWaiters: Array<() => void> = [];
  private readonly idleWaiters: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private writing = false;
  private closed = false;
  private stats = { peakInFlight: 0, batches: 0, waits: 0 };

  /**
   * `write` stores the items of one batch; it may return one outcome per item (undefined = stored, else the
   * error of that item), so that one bad unit fails alone and not its neighbours.
   */
  constructor(private readonly write: (items: T[]) => Promise<void | ReadonlyArray<unknown>>, opts: Partial<BatchQueueOptions> = {}) {
    this.opts = { ...DEFAULT_BATCH_QUEUE, ...opts };
    if (!(this.opts.maxBatch >= 1 && this.opts.maxQueued >= this.opts.maxBatch && this.opts.flushMs >= 0)) {
      throw new ArgusError('invalid_argument', `ingest queue: need 1 ≤ maxBatch ≤ maxQueued and flushMs ≥ 0, got ${JSON.stringify(this.opts)}`);
    }
  }

  /**
   * Queues a unit of `size` items once there is room (waits while the queue is full). Returns when it is queued;
   * `committed` settles when the batch that carries it is written (rejects with the write's error).
   */
  async push(item: T, size: number, urgent = false): Promise<{ committed: Promise<void> }> {
    if (this.roomWaiters.length > 0 || !this.hasRoom(size)) {
      this.stats.waits++;
      // First in line at the back; woken without enough room, back to the FRONT (arrival order is kept).
      await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
      while (!this.closed && !this.hasRoom(size)) await new Promise<void>((resolve) => this.roomWaiters.unshift(resolve));
    }
    if (this.closed) throw new ArgusError('io_failed', 'the ingest queue is closed (the service is stopping)');
    let unit!: Unit<T>;
    const committed = new Promise<void>((resolve, reject) => {
      unit = { item, size, urgent, atMs: Date.now(), resolve, reject };
    });
    this.units.push(unit);
    this.waiting += size;
    this.inFlight += size;
    if (urgent) this.urgent++;
    this.stats.peakInFlight = Math.max(this.stats.peakInFlight, this.inFlight);
    this.schedule();
    // The room left may admit the next waiter too.
    if (this.roomWaiters.length > 0 && this.hasRoom(1)) this.roomWaiters.shift()?.();
    return { committed };
  }

  getStats(): QueueStats {
    return { inFlight: this.inFlight, ...this.stats };
  }

  /** Writes everything queued, refuses new units; resolves when the queue is empty. */
  async close(): Promise<void> {
    this.closed = true;
    for (const wake of this.roomWaiters.splice(0)) wake();
    this.schedule();
    if (this.units.length > 0 || this.writing) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private hasRoom(size: number): boolean {
    return this.inFlight === 0 || this.inFlight + size <= this.opts.maxQueued;
  }

  private schedule(): void {
    if (this.writing || this.units.length === 0) return;
    if (this.closed || this.urgent > 0 || this.waiting >= this.opts.maxBatch) {
      clearTimeout(this.timer);
      this.timer = undefined;
      void this.drain();
      return;
    }
    if (this.timer) return;
    const dueMs = this.units[0]!.atMs + this.opts.flushMs - Date.now();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.drain();
    }, Math.max(0, dueMs));
  }

  /** Takes one batch and writes it; never throws (the units carry the outcome). */
  private async drain(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    const take: Unit<T>[] = [];
    let n = 0;
    while (this.units.length > 0 && (take.length === 0 || n + this.units[0]!.size <= this.opts.maxBatch)) {
      const u = this.units.shift()!;
      take.push(u);
      n += u.size;
      if (u.urgent) this.urgent--;
    }
    this.waiting -= n;
    try {
      const errors = await this.write(take.map((u) => u.item));
      take.forEach((u, i) => {
        const err = errors?.[i];
        if (err === undefined) u.resolve();
        else u.reject(err);
      });
    } catch (e) {
      for (const u of take) u.reject(e);
    } finally {
      this.stats.batches++;
      this.inFlight -= n;
      this.writing = false;
      if (this.roomWaiters.length > 0) this.roomWaiters.shift()?.();
      this.schedule();
      if (this.units.length === 0 && !this.writing) for (const done of this.idleWaiters.splice(0)) done();
    }
  }
}
