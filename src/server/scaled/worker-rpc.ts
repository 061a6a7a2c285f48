/**
 * The serve side of the worker RPCs (pipeline/worker/protocol.ts): live snapshots and recordings of a camera that
 * runs on a worker. Recordings stay on the worker that recorded them; a replica asks the worker that holds the
 * camera now and relays the bytes, after the same permission checks and audit as its own files (footage.ts). A reply
 * with the header `Argus-Error: <code> <message>` becomes that error.
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
  snapshot(worker: string, req: SnapshotRequest): Promise<Uint8Array>;
  listRecordings(worker: string, req: RecordingsListRequest): Promise<RecordingsListReply>;
  readRecording(worker: string, req: RecordingReadRequest): Promise<Uint8Array>;
  /** Live view of the cameras a worker runs, relayed (bus/live-relay.ts). */
  live(worker: string): LiveRelayClient;
}

export function workerRpcClient(nc: NatsConnection, holderOf: (cameraId: string) => string | undefined, timeoutMs = 5000): WorkerRpcClient {
  const call = (worker: string, rpc: WorkerRpc, body: unknown): Promise<Uint8Array> =>
    callRpc(nc, workerSubject(worker, rpc), body, { who: `worker ${worker}`, what: rpc, timeoutMs });
  return {
    holderOf,
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

/** A camera's recordings kept elsewhere (a worker), as a share package reads them. */
export interface RemoteRecordings {
  /** Who keeps them, for the messages ("worker w1"). */
  readonly where: string;
  list(fromMs?: number, toMs?: number): Promise<readonly RecordingSegmentInfo[]>;
  /** Copies a segment into `out`. */
  fetch(seg: RecordingSegmentInfo, out: string): Promise<void>;
}

/**
 * The recordings of a camera on the worker that runs it now (undefined: no worker runs it), as a share package reads
 * them (sharing/material.ts): listed, and copied to a local file in RPC-sized chunks with the length checked.
 */
export function workerRecordings(rpc: WorkerRpcClient, cameraId: string): RemoteRecordings | undefined {
  const worker = rpc.holderOf(cameraId);
  if (!worker) return undefined;
  return {
    where: `worker ${worker}`,
    list: async (fromMs, toMs) => (await rpc.listRecordings(worker, { cameraId, ...(fromMs !== undefined ? { fromMs } : {}), ...(toMs !== undefined ? { toMs } : {}) })).segments,
    fetch: async (seg, out) => {
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
