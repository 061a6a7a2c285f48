/**
 * The serve side of the worker RPCs (pipeline/worker/protocol.ts): live snapshots and recordings of a camera that
 * runs on a worker. Recordings stay on the worker that recorded them; a replica asks the worker that holds the
 * camera now and relays the bytes, after the same permission checks and audit as its own files (footage.ts). A reply
 * with the header `Argus-Error: <code> <message>` becomes that error.
 */
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
