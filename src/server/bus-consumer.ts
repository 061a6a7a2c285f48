/**
 * The server's side of the bus: a durable consumer that takes the cameras' messages in batches and hands them to the
 * ingest and the live hub. A batch is acknowledged only once its events are COMMITTED (Ingest.handleMany resolves
 * after the transaction), so a crash or a database outage loses nothing: the bus delivers the batch again, and the
 * store is idempotent on the event ids. Evidence arrives as `blob:evidence/<key>` and is resolved here to the
 * package's folder in this server's evidence store; plate crops arrive by reference and the ingest fetches them
 * (digest checked). A crop's blob is deleted once its sighting is committed.
 * While the DATABASE is away (restarting, unreachable: store/unavailable.ts) the consumer keeps its batch and tries
 * the same commit again with backoff, telling the bus it is still working: an outage of any length costs no
 * delivery, so good messages never reach the dead letter because PostgreSQL was restarting. One warn line when the
 * store goes, one info line when it is back.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DiskBlobStore } from '../bus/blob-disk.js';
import type { BatchControl, EventBus, Subscription } from '../bus/bus.js';
import type { BlobStore } from '../bus/blobs.js';
import { MemoryBus } from '../bus/memory.js';
import type { CameraMessage, Producer } from '../bus/messages.js';
import { evidenceKeyOf } from '../core/blob.js';
import { errorMessage } from '../core/errors.js';
import { isStoreUnavailable } from '../store/unavailable.js';
import type { ArgusEvent } from '../core/events.js';
import type { HeatmapBucket } from '../core/heatmap.js';
import type { Ingest } from './ingest.js';
import type { LiveHub } from './live.js';

export interface BusConsumerOptions {
  readonly bus: EventBus<CameraMessage>;
  readonly ingest: Ingest;
  readonly hub: LiveHub;
  /** The crops store the runtime puts plate crops in: emptied of each crop once its sighting is stored. */
  readonly crops?: BlobStore | undefined;
  /** The folder of an evidence package of this server's evidence store, from its key; none: evidence references are refused. */
  readonly evidencePath?: ((key: string) => string) | undefined;
  readonly log: { info?(obj: object, msg: string): void; warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** Backoff of the commit retries while the store is away: first and longest pause, ms (default 250 and 5000). */
  readonly storeRetryMs?: { readonly first: number; readonly max: number };
  /** The durable consumer's name (default `argus-server`: replicas of the service share it). */
  readonly durable?: string;
  /**
   * Push what it stores to the live hub (default true). False in the scaled mode: every replica follows the stream
   * for its own clients (scaled/live.ts), so the consumer pushing too would show each event twice on one replica.
   */
  readonly live?: boolean;
  /** A batch not acknowledged within this long is delivered again (the bus's default otherwise). */
  readonly ackWaitMs?: number;
  /** Most messages per batch, i.e. per transaction (default: the bus's, 256). */
  readonly batch?: number;
}

/** The event as stored and pushed in the scaled mode: with the worker and lease that produced it. */
export function withProducer(e: ArgusEvent, producer: Producer): ArgusEvent {
  const stamped: ArgusEvent & { producer?: Producer } = { ...e };
  stamped.producer = producer;
  return stamped;
}

const pause = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/** Spooled crops deleted at once after a commit (each is a round trip to the blob store). */
const CROP_PARALLEL = 16;

export function startBusConsumer(o: BusConsumerOptions): Subscription {
  /** A violation's evidence as this server sees it: the package folder of its evidence store. */
  const local = (e: ArgusEvent): ArgusEvent => {
    if (e.kind !== 'violation' || !e.evidence) return e;
    const key = evidenceKeyOf(e.evidence.uri);
    if (key !== undefined && o.evidencePath) return { ...e, evidence: { ...e.evidence, uri: o.evidencePath(key) } };
    o.log.warn({ eventId: e.id, cameraId: e.cameraId }, 'violation evidence is not a blob reference of this store: stored without it');
    const { evidence: _dropped, ...rest } = e;
    return rest;
  };
  /** One transaction for the batch; when it fails, each event alone, so one event the store refuses does not hold the others back. */
  const live = o.live ?? true;
  const commitOnce = async (events: readonly ArgusEvent[]): Promise<void> => {
    try {
      // The bus batched them already: written at once, not after the ingest's flush interval.
      await o.ingest.handleMany(events, { live, urgent: true, parsed: true });
    } catch (e) {
      if (isStoreUnavailable(e)) throw e;
      const failed = (await Promise.allSettled(events.map((ev) => o.ingest.handle(ev, { live })))).find((r) => r.status === 'rejected');
      // Not acknowledged: the bus delivers the batch again (the events already stored are not stored twice).
      if (failed) throw failed.reason ?? e;
    }
  };
  const retry = o.storeRetryMs ?? { first: 250, max: 5000 };
  let away = false;
  /** A store write, tried again for as long as the store is away (the batch stays in hand: no delivery is counted). */
  const whileAway = async (control: BatchControl, write: () => Promise<void>): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      try {
        await write();
        if (away) {
          away = false;
          o.log.info?.({ attempts: attempt + 1 }, 'store is back: the bus consumer goes on');
        }
        return;
      } catch (e) {
        if (!isStoreUnavailable(e) || control.signal.aborted) throw e;
        if (!away) {
          away = true;
          o.log.warn({ err: errorMessage(e) }, 'store unavailable: the bus consumer holds its batch and retries until it is back');
        }
        control.keepAlive();
        await pause(Math.min(retry.max, retry.first * 2 ** Math.min(attempt, 10)), control.signal);
        control.keepAlive();
      }
    }
  };
  const janitor = o.crops ? new CropJanitor(o.crops, o.log) : undefined;
  const sub = o.bus.consume(
    {
      durable: o.durable ?? 'argus-server',
      ...(o.ackWaitMs !== undefined ? { ackWaitMs: o.ackWaitMs } : {}),
      ...(o.batch !== undefined ? { batch: o.batch } : {}),
      onDeadLetter: (d, err) => o.log.error({ messageId: d.keys.id, cameraId: d.keys.cameraId, deliveries: d.deliveries, err: errorMessage(err) }, 'bus message given up after repeated failures to store its batch'),
    },
    async (batch, control) => {
      const events: ArgusEvent[] = [];
      const heatmaps: HeatmapBucket[] = [];
      for (const { message: m } of batch) {
        // The producer (worker, lease revision) is kept in the stored payload: "no camera ran twice" is checked from the store.
        if (m.kind === 'event') events.push(local(m.producer ? withProducer(m.event, m.producer) : m.event));
        else if (m.kind === 'alert') await whileAway(control, async () => void (await o.ingest.raiseAlert(m.alert, { live })));
        else if (m.kind === 'heatmap') heatmaps.push(m.heatmap);
        else if (live) o.hub.publish({ topic: 'health', cameraId: m.status.id, data: m.status });
      }
      await whileAway(control, () => commitOnce(events));
      if (heatmaps.length > 0) await whileAway(control, () => o.ingest.heatmaps(heatmaps));
      if (!janitor) return;
      for (const e of events) if ((e.kind === 'plate.read' || e.kind === 'face.seen') && e.crop !== undefined) janitor.add(e.id, e.crop.key);
      // Deleting the stored crops is housekeeping (the bucket's TTL drops any left): it runs after the ack, off the
      // batch's path, and slows the consumer only when it falls far behind.
      await janitor.belowBacklog();
    },
  );
  return {
    stop: async () => {
      await sub.stop();
      await janitor?.idle();
    },
    drain: async (timeoutMs?: number) => {
      await sub.drain(timeoutMs);
      await janitor?.idle();
    },
  };
}

/** Crops waiting to be deleted from the spool before the consumer waits for the janitor. */
const CROP_BACKLOG = 8192;

/** Deletes stored plate crops from the spool, CROP_PARALLEL at a time, in the background. */
class CropJanitor {
  private readonly queue: Array<{ id: string; key: string }> = [];
  private lanes = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(
    private readonly crops: BlobStore,
    private readonly log: BusConsumerOptions['log'],
  ) {}

  add(id: string, key: string): void {
    this.queue.push({ id, key });
    while (this.lanes < CROP_PARALLEL && this.lanes < this.queue.length) {
      this.lanes++;
      void this.lane();
    }
  }

  /** Resolves at once unless the backlog is past CROP_BACKLOG; then once it is back under half of it. */
  async belowBacklog(): Promise<void> {
    while (this.queue.length > CROP_BACKLOG) await this.next();
    if (this.queue.length > CROP_BACKLOG / 2) await this.next();
  }

  /** Resolves when nothing is queued or being deleted. */
  async idle(): Promise<void> {
    while (this.lanes > 0) await this.next();
  }

  private next(): Promise<void> {
    return new Promise((r) => this.waiters.push(r));
  }

  private async lane(): Promise<void> {
    for (let job = this.queue.shift(); job; job = this.queue.shift()) {
      const { id, key } = job;
      await this.crops.delete(key).catch((err: unknown) => this.log.warn({ eventId: id, err: errorMessage(err) }, 'plate crop left in the spool (its bucket TTL drops it)'));
      for (const w of this.waiters.splice(0)) w();
    }
    this.lanes--;
    for (const w of this.waiters.splice(0)) w();
  }
}

/** The single box's bus and blob stores: in process, crops spooled under `<data>/spool/plate-crops`, evidence in `<data>/evidence`. */
export interface LocalRuntimeBus {
  readonly bus: EventBus<CameraMessage>;
  readonly blobs: { readonly crops: BlobStore; readonly evidence: BlobStore | undefined };
  /** The package folder of an evidence key (none without a data directory). */
  readonly evidencePath: ((key: string) => string) | undefined;
  /** Closes the bus if it made it, and removes a temporary spool. */
  dispose(): Promise<void>;
}

export async function localRuntimeBus(dataDir: string | undefined, given?: EventBus<CameraMessage>): Promise<LocalRuntimeBus> {
  const data = dataDir === undefined ? undefined : resolve(dataDir);
  // Without a data directory (tests, a service without footage) the crops spool is a temporary folder.
  const spool = data ? join(data, 'spool', 'plate-crops') : await mkdtemp(join(tmpdir(), 'argus-spool-'));
  const evidence = data ? new DiskBlobStore(join(data, 'evidence')) : undefined;
  const bus = given ?? new MemoryBus<CameraMessage>();
  return {
    bus,
    blobs: { crops: new DiskBlobStore(spool), evidence },
    evidencePath: evidence ? (key) => evidence.pathOf(key) : undefined,
    async dispose() {
      if (!given) await bus.close();
      if (!data) await rm(spool, { recursive: true, force: true });
    },
  };
}
