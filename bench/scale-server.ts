/**
 * The server side of the `scale` bench, wired as `buildServer` (src/server/app.ts) wires a replica: the ingest over
 * the PostgreSQL store (crops fetched from the NATS crops bucket by reference, digest checked; evidence keys resolved
 * to this server's evidence folder), the live hub, and the REAL bus consumer (startBusConsumer: one transaction per
 * batch, acknowledged after the commit). The hub is served as Server-Sent Events over a real HTTP connection, the way
 * GET /api/live attaches a stream (here without the sign-in in front: an admin principal), and read by a real HTTP
 * client that times each event from its `atMs` (when the camera made it) to its arrival.
 */
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DiskBlobStore } from '../src/bus/blob-disk.js';
import type { BatchHandler, ConsumeOptions, EventBus, Subscription } from '../src/bus/bus.js';
import type { BlobStore } from '../src/bus/blobs.js';
import type { CameraMessage } from '../src/bus/messages.js';
import type { ArgusEvent } from '../src/core/events.js';
import { startBusConsumer } from '../src/server/bus-consumer.js';
import { Ingest, type IngestOptions } from '../src/server/ingest.js';
import { LiveHub } from '../src/server/live.js';
import { permissionsOfRoles, type Principal } from '../src/server/rbac.js';
import type { Store } from '../src/store/store.js';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { KvLeases } from '../src/bus/leases.js';
import { BUCKETS, LEASE_TTL_MS, WORKER_TTL_MS, type CameraLease, type WorkerRecord } from '../src/pipeline/worker/protocol.js';
import { startScaledLive, type ScaledLive } from '../src/server/scaled/live.js';
import { ScaledStatus } from '../src/server/scaled/status.js';

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** Counts the batches the consumer's handler gets (the bus itself is untouched). */
class BatchCounter<M> implements EventBus<M> {
  batches = 0;
  messages = 0;
  largest = 0;
  /** Time spent in the handler (decode → commit → crops deleted), ms. */
  handlerMs = 0;
  constructor(private readonly inner: EventBus<M>) {}
  publish: EventBus<M>['publish'] = (m, k) => this.inner.publish(m, k);
  consume(o: ConsumeOptions<M>, handler: BatchHandler<M>): Subscription {
    return this.inner.consume(o, async (batch, control) => {
      this.batches++;
      this.messages += batch.length;
      this.largest = Math.max(this.largest, batch.length);
      const t = performance.now();
      try {
        await handler(batch, control);
      } finally {
        this.handlerMs += performance.now() - t;
      }
    });
  }
  close = (): Promise<void> => this.inner.close();
}

export interface ServerSide {
  readonly ingest: Ingest;
  readonly hub: LiveHub;
  readonly batches: BatchCounter<CameraMessage>;
  /** Called with every event once its batch is committed. */
  onCommitted(listener: (events: readonly ArgusEvent[], atMs: number) => void): void;
  /** The SSE endpoint's URL. */
  readonly liveUrl: string;
  /** Stops the consumer (drained first when asked), the ingest and the HTTP server. */
  close(drain: boolean): Promise<void>;
}

export interface ServerSideOptions {
  readonly store: Store;
  readonly bus: EventBus<CameraMessage>;
  readonly crops: BlobStore;
  readonly dataDir: string;
  /** The consumer's batch (default: startBusConsumer's). */
  readonly batch?: number;
  readonly ingest?: IngestOptions;
  /**
   * The serve replica of the scaled mode (app.ts's wiring): the consumer stores without pushing, and the SSE clients
   * are fed by the replica's own follower of the stream (server/scaled/live.ts), as soon as a message is in the
   * stream rather than after its batch commits. Without it: the single box's push after the commit.
   */
  readonly scaled?: NatsConnection;
}

const ADMIN: Principal = {
  kind: 'user', actor: 'bench', userId: 'bench', username: 'bench', roles: ['admin'], permissions: permissionsOfRoles(['admin']), scope: {}, sessionId: null, csrfToken: null,
};

export async function startServerSide(o: ServerSideOptions): Promise<ServerSide> {
  const hub = new LiveHub({ log: quiet });
  const evidence = new DiskBlobStore(join(o.dataDir, 'evidence'));
  const ingest = new Ingest(o.store, hub, quiet, { evidenceRoot: evidence.root, cropsRoot: join(o.dataDir, 'crops'), cropBlobs: o.crops, ...o.ingest });
  const batches = new BatchCounter(o.bus);
  let scaled: { live: ScaledLive; status: ScaledStatus } | undefined;
  if (o.scaled) {
    const nc = o.scaled;
    const cameras = await new Kvm(nc).create(BUCKETS.cameras, { history: 1 });
    const workers = await KvLeases.open<WorkerRecord>(nc, { bucket: BUCKETS.workers, ttlMs: WORKER_TTL_MS });
    const leases = await KvLeases.open<CameraLease>(nc, { bucket: BUCKETS.leases, ttlMs: LEASE_TTL_MS });
    const status = await ScaledStatus.start({ cameras, workers, leases, log: quiet });
    const live = startScaledLive({ nc, hub, status, log: quiet });
    await live.ready;
    scaled = { live, status };
  }
  // Started once the replica's status and live follower are up (the bench counts commits from its first batch on).
  // Scaled (as app.ts): a crop stays in the object store for the other replicas' thumbnails; not deleted after the commit.
  const consumer = startBusConsumer({ bus: batches, ingest, hub, crops: o.scaled ? undefined : o.crops, evidencePath: (k) => evidence.pathOf(k), log: quiet, ...(o.batch ? { batch: o.batch } : {}), ...(o.scaled ? { live: false } : {}) });
  const http: Server = createServer((req, res) => {
    if (req.url !== '/api/live') {
      res.writeHead(404).end();
      return;
    }
    hub.attach(res, { principal: ADMIN, cameras: null, recheck: async () => ({ ok: true, cameras: null }) });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    ingest, hub, batches,
    onCommitted: (listener) => ingest.onCommitted((events) => listener(events, Date.now())),
    liveUrl: `http://127.0.0.1:${port}/api/live`,
    async close(drain) {
      if (drain) await consumer.drain(120_000);
      else await consumer.stop();
      await ingest.close();
      await scaled?.live.stop();
      await scaled?.status.stop();
      hub.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** A live-push client on a real HTTP connection: the delay of every `event` it receives, from the event's `atMs`. */
export interface SseClient {
  readonly ready: Promise<void>;
  readonly delaysMs: number[];
  /** Event ids seen (each once: the hub pushes what a batch newly stored). */
  readonly seen: Set<string>;
  close(): void;
}

export function sseClient(url: string): SseClient {
  const delaysMs: number[] = [];
  const seen = new Set<string>();
  let buffer = '';
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const req = get(url, { headers: { accept: 'text/event-stream' } }, (res) => {
    res.setEncoding('utf8');
    markReady();
    res.on('data', (chunk: string) => {
      const now = Date.now();
      buffer += chunk;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (!frame.includes('event: event\n')) continue;
        const data = frame.slice(frame.indexOf('data: ') + 6);
        const e = JSON.parse(data) as { id: string; atMs: number };
        seen.add(e.id);
        delaysMs.push(now - e.atMs);
      }
    });
  });
  req.on('error', () => undefined);
  return { ready, delaysMs, seen, close: () => req.destroy() };
}
