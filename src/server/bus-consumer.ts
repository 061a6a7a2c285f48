/**
 * The server's side of the bus: a durable consumer that takes the cameras' messages in batches and hands them to the
 * ingest and the live hub. A batch is acknowledged only once its events are COMMITTED (Ingest.handleMany resolves
 * after the transaction), so a crash or a database outage loses nothing: the bus delivers the batch again, and the
 * store is idempotent on the event ids. Evidence arrives as `blob:evidence/<key>` and is resolved here to the
 * package's folder in this server's evidence store; plate crops arrive by reference and the ingest fetches them
 * (digest checked). A crop's blob is deleted once its sighting is committed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DiskBlobStore } from '../bus/blob-disk.js';
import type { EventBus, Subscription } from '../bus/bus.js';
import type { BlobStore } from '../bus/blobs.js';
import { MemoryBus } from '../bus/memory.js';
import type { CameraMessage } from '../bus/messages.js';
import { evidenceKeyOf } from '../core/blob.js';
import { errorMessage } from '../core/errors.js';
import type { ArgusEvent } from '../core/events.js';
import type { PlateReadEvent } from '../core/plate.js';
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
  readonly log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** The durable consumer's name (default `argus-server`: replicas of the service share it). */
  readonly durable?: string;
  /** Most messages per batch, i.e. per transaction (default: the bus's, 256). */
  readonly batch?: number;
}

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
  const commit = async (events: readonly ArgusEvent[]): Promise<void> => {
    try {
      // The bus batched them already: written at once, not after the ingest's flush interval.
      await o.ingest.handleMany(events, { urgent: true });
    } catch (e) {
      const failed = (await Promise.allSettled(events.map((ev) => o.ingest.handle(ev)))).find((r) => r.status === 'rejected');
      // Not acknowledged: the bus delivers the batch again (the events already stored are not stored twice).
      if (failed) throw failed.reason ?? e;
    }
  };
  return o.bus.consume(
    {
      durable: o.durable ?? 'argus-server',
      ...(o.batch !== undefined ? { batch: o.batch } : {}),
      onDeadLetter: (d, err) => o.log.error({ messageId: d.keys.id, cameraId: d.keys.cameraId, deliveries: d.deliveries, err: errorMessage(err) }, 'bus message given up after repeated failures to store its batch'),
    },
    async (batch) => {
      const events: ArgusEvent[] = [];
      for (const { message: m } of batch) {
        if (m.kind === 'event') events.push(local(m.event));
        else if (m.kind === 'alert') await o.ingest.raiseAlert(m.alert);
        else o.hub.publish({ topic: 'health', cameraId: m.status.id, data: m.status });
      }
      await commit(events);
      const crops = o.crops;
      if (!crops) return;
      const spooled = events.filter((e) => e.kind === 'plate.read' && e.crop !== undefined).map((e) => ({ id: e.id, key: (e as PlateReadEvent).crop!.key }));
      let next = 0;
      const lane = async (): Promise<void> => {
        while (next < spooled.length) {
          const { id, key } = spooled[next++]!;
          await crops.delete(key).catch((err: unknown) => o.log.warn({ eventId: id, err: errorMessage(err) }, 'plate crop left in the spool'));
        }
      };
      await Promise.all(Array.from({ length: Math.min(CROP_PARALLEL, spooled.length) }, lane));
    },
  );
}

/** The single box's bus and blob stores: in process, crops spooled under `<data>/spool/plate-crops`, evidence in `<data>/evidence`. */
export interface LocalRuntimeBus {
  readonly bus: EventBus<CameraMessage>;
  readonly blobs: { readonly crops: DiskBlobStore; readonly evidence: DiskBlobStore | undefined };
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
