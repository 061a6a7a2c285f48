/**
 * The serve side of the worker RPCs (pipeline/worker/protocol.ts): live snapshots and recordings of a camera that
 * runs on a worker. Recordings stay on the worker that recorded them; a replica asks the workers (the one that holds
 * the camera now first: after a failover the older recordings are on the worker that ran it before) and relays the
 * bytes, after the same permission checks and audit as its own files (footage.ts). A reply with the header
 * `Argus-Error: <code> <message>` becomes that error.
 */
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ArgusError } from '../../core/errors.js';
import { liveRelayClient, type LiveRelayClient } from '../../bus/live-relay.js';
import { callRpc } from '../../bus/rpc.js';
import {
  RECORDING_CHUNK_BYTES, workerPrefix, workerSubject, type RecordingReadRequest, type RecordingSegmentInfo, type RecordingsListReply, type RecordingsListRequest,
  type SnapshotRequest, type WorkerRpc,
} from '../../pipeline/worker/protocol.js';
import { parseRange } from '../range.js';

export interface WorkerRpcClient {
  /** The worker that holds the camera now, or undefined. */
  holderOf(cameraId: string): string | undefined;
  /** The live workers' names. */
  workers(): readonly string[];
  snapshot(worker: string, req: SnapshotRequest): Promise<Uint8Array>;
  listRecordings(worker: string, req: RecordingsListRequest): Promise<RecordingsListReply>;
  readRecording(worker: string, req: RecordingReadRequest): Promise<Uint8Array>;
  /** Live view of the cameras a worker runs, relayed (bus/live-relay.ts). */
  live(worker: string): LiveRelayClient;
}

export function workerRpcClient(nc: NatsConnection, holderOf: (cameraId: string) => string | undefined, workers: () => readonly string[], timeoutMs = 5000): WorkerRpcClient {
  const call = (worker: string, rpc: WorkerRpc, body: unknown): Promise<Uint8Array> =>
    callRpc(nc, workerSubject(worker, rpc), body, { who: `worker ${worker}`, what: rpc, timeoutMs });
  return {
    holderOf,
    workers,
    snapshot: (worker, req) => call(worker, 'snapshot', req),
    listRecordings: async (worker, req) => JSON.parse(Buffer.from(await call(worker, 'recordings.list', req)).toString('utf8')) as RecordingsListReply,
    readRecording: (worker, req) => call(worker, 'recordings.read', req),
    live: (worker) => liveRelayClient(nc, workerPrefix(worker), `worker ${worker}`),
  };
}

/** One recorded segment of a worker, answered with HTTP ranges as sendFileRange does for a local file, read in RPC-sized chunks. */
export async function sendRemoteRange(req: FastifyRequest, reply: FastifyReply, rpc: WorkerRpcClient, worker: string, cameraId: string, seg: RecordingSegmentInfo, contentType: string): Promise<FastifyReply> {
  const size = seg.bytes;
  const etag = `"${size.toString(16)}-${seg.startMs.toString(16)}-w"`;
  reply.header('accept-ranges', 'bytes').header('etag', etag).type(contentType);
  const ifRange = req.headers['if-range'];
  const range = ifRange === undefined || ifRange === etag ? parseRange(req.headers.range, size) : null;
  if (range === 'unsatisfiable') return reply.status(416).header('content-range', `bytes */${size}`).send();
  const start = range?.start ?? 0;
  const end = range?.end ?? size - 1;
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let offset = start; offset <= end; ) {
      const length = Math.min(RECORDING_CHUNK_BYTES, end - offset + 1);
      const data = await rpc.readRecording(worker, { cameraId, file: seg.file, offset, length });
      if (data.byteLength === 0) throw new ArgusError('io_failed', `worker ${worker}: recording ${cameraId}/${seg.file} ended early at ${offset}`);
      yield Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      offset += data.byteLength;
    }
  }
  if (range) reply.status(206).header('content-range', `bytes ${start}-${end}/${size}`);
  return reply.header('content-length', end - start + 1).send(Readable.from(chunks()));
}

/** A camera's recordings kept elsewhere (on workers), as the footage routes and a share package read them. */
export interface RemoteRecordings {
  /** Who keeps them, for the messages ("worker w1", "workers w2, w1"). */
  readonly where: string;
  /** The segments of the window on every worker that has some, by start time. */
  list(fromMs?: number, toMs?: number): Promise<readonly RecordingSegmentInfo[]>;
  /** The segment of that name and the worker that has it (undefined: none has it). */
  find(file: string): Promise<{ seg: RecordingSegmentInfo; worker: string } | undefined>;
  /** Copies a segment (listed or found before) into `out`. */
  fetch(seg: RecordingSegmentInfo, out: string): Promise<void>;
}

/**
 * The recordings of a camera on the workers (undefined: no worker runs): the one that runs it now, then every other
 * live worker, since a camera that moved (a failover, a rebalance) left its older recordings where it was recorded.
 * The holder's answer is needed (its failure fails the listing); another worker that does not answer is skipped.
 * A segment on two workers (cannot happen unless a disk was copied) is taken from the first asked.
 */
export function workerRecordings(rpc: WorkerRpcClient, cameraId: string): RemoteRecordings | undefined {
  const holder = rpc.holderOf(cameraId);
  const asked = [...new Set([...(holder ? [holder] : []), ...rpc.workers()])];
  if (asked.length === 0) return undefined;
  const keptBy = new Map<string, string>();
  const listFrom = async (workers: readonly string[], fromMs?: number, toMs?: number): Promise<RecordingSegmentInfo[]> => {
    const req = { cameraId, ...(fromMs !== undefined ? { fromMs } : {}), ...(toMs !== undefined ? { toMs } : {}) };
    const answers = await Promise.all(workers.map(async (w) => {
      try {
        return { w, segs: (await rpc.listRecordings(w, req)).segments };
      } catch (e) {
        if (w === holder) throw e;
        return { w, segs: [] as RecordingSegmentInfo[] };
      }
    }));
    const byFile = new Map<string, RecordingSegmentInfo>();
    for (const { w, segs } of answers) {
      for (const s of segs) {
        if (byFile.has(s.file)) continue;
        byFile.set(s.file, s);
        keptBy.set(s.file, w);
      }
    }
    return [...byFile.values()].sort((a, b) => a.startMs - b.startMs);
  };
  return {
    where: `worker${asked.length > 1 ? 's' : ''} ${asked.join(', ')}`,
    list: (fromMs, toMs) => listFrom(asked, fromMs, toMs),
    // A player asks for ranges again and again: the holder alone first, the other workers only for an older segment.
    async find(file) {
      for (const group of holder ? [[holder], asked.slice(1)] : [asked]) {
        const seg = group.length > 0 ? (await listFrom(group)).find((s) => s.file === file) : undefined;
        if (seg) return { seg, worker: keptBy.get(file)! };
      }
      return undefined;
    },
    async fetch(seg, out) {
      const worker = keptBy.get(seg.file) ?? (await this.find(seg.file))?.worker;
      if (!worker) throw new ArgusError('not_found', `recording ${cameraId}/${seg.file} is on no live worker`);
      const fh = await open(out, 'w');
      try {
        for (let offset = 0; offset < seg.bytes; ) {
          const data = await rpc.readRecording(worker, { cameraId, file: seg.file, offset, length: Math.min(RECORDING_CHUNK_BYTES, seg.bytes - offset) });
          if (data.byteLength === 0) throw new ArgusError('io_failed', `worker ${worker}: recording ${cameraId}/${seg.file} ended early at ${offset} of ${seg.bytes} bytes`);
          await fh.write(data);
          offset += data.byteLength;
        }
      } finally {
        await fh.close();
      }
    },
  };
}
