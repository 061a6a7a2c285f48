/**
 * What a serve replica holds on NATS in the scaled mode: one connection, the event stream (NatsBus), the object
 * stores of plate crops and evidence packages, and the KV buckets of the protocol (pipeline/worker/protocol.ts):
 * cameras (written here), workers and camera leases (read here). Opening waits for NATS (connectNats says once that it
 * is unreachable, then retries with backoff).
 */
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { openNatsRuntimeBlobs } from '../../bus/blob-nats.js';
import type { RuntimeBlobs } from '../../bus/blobs.js';
import type { CameraMessage } from '../../bus/messages.js';
import { connectNats, type BusLogger } from '../../bus/nats-connect.js';
import { NatsBus } from '../../bus/nats.js';
import { KvLeases } from '../../bus/leases.js';
import { ArgusError, errorMessage } from '../../core/errors.js';
import { BUCKETS, LEASE_TTL_MS, WORKER_TTL_MS, type CameraLease, type WorkerRecord } from '../../pipeline/worker/protocol.js';

export interface ScaledClusterOptions {
  /** `nats://host:port` of every node. */
  readonly servers: readonly string[];
  /** Copies of the stream, buckets and object stores: 3 on a 3-node cluster (default 1). */
  readonly replicas?: 1 | 3 | 5;
  readonly logger?: BusLogger;
  /** Connection name shown by the NATS server (default `argus-serve`). */
  readonly name?: string;
  /** Give up the first connect after this long (default: never). */
  readonly connectDeadlineMs?: number;
  readonly signal?: AbortSignal;
}

export interface ScaledCluster {
  readonly nc: NatsConnection;
  readonly bus: NatsBus<CameraMessage>;
  readonly blobs: RuntimeBlobs;
  /** argus_cameras: key = camera id, value = CameraSpec (no TTL). */
  readonly cameras: KV;
  readonly workers: KvLeases<WorkerRecord>;
  readonly leases: KvLeases<CameraLease>;
  close(): Promise<void>;
}

export async function openScaledCluster(o: ScaledClusterOptions): Promise<ScaledCluster> {
  const replicas = o.replicas ?? 1;
  const nc = await connectNats({ servers: o.servers, name: o.name ?? 'argus-serve', ...(o.logger ? { logger: o.logger } : {}), ...(o.connectDeadlineMs !== undefined ? { connectDeadlineMs: o.connectDeadlineMs } : {}), ...(o.signal ? { signal: o.signal } : {}) });
  try {
    const bus = await NatsBus.open<CameraMessage>(nc, { replicas, ...(o.logger ? { logger: o.logger } : {}) });
    const blobs = await openNatsRuntimeBlobs(nc, { replicas });
    let cameras: KV;
    try {
      // The first opener creates it (a worker opening it first gets the same: history 1, no TTL).
      cameras = await new Kvm(nc).create(BUCKETS.cameras, { history: 1, replicas });
    } catch (e) {
      throw new ArgusError('unavailable', `NATS KV ${BUCKETS.cameras}: cannot open: ${errorMessage(e)}`, { cause: e });
    }
    const workers = await KvLeases.open<WorkerRecord>(nc, { bucket: BUCKETS.workers, ttlMs: WORKER_TTL_MS, replicas, ...(o.logger ? { logger: o.logger } : {}) });
    const leases = await KvLeases.open<CameraLease>(nc, { bucket: BUCKETS.leases, ttlMs: LEASE_TTL_MS, replicas, ...(o.logger ? { logger: o.logger } : {}) });
    return {
      nc, bus, blobs, cameras, workers, leases,
      async close() {
        await bus.close();
        await nc.drain().catch(() => undefined);
      },
    };
  } catch (e) {
    await nc.close().catch(() => undefined);
    throw e;
  }
}
