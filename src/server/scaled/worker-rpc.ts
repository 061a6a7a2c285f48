/**
 * The serve side of the worker RPCs (pipeline/worker/protocol.ts): live snapshots and recordings of a camera that
 * runs on a worker. Recordings stay on the worker that recorded them; a replica asks the worker that holds the
 * camera now and relays the bytes, after the same permission checks and audit as its own files (footage.ts). A reply
 * with the header `Argus-Error: <code> <message>` becomes that error.
 */
import { Readable } from 'node:stream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ArgusError, errorMessage, type ErrorCode } from '../../core/errors.js';
import {
  RECORDING_CHUNK_BYTES, workerSubject, type RecordingReadRequest, type RecordingSegmentInfo, type RecordingsListReply, type RecordingsListRequest,
  type SnapshotRequest, type WorkerRpc,
} from '../../pipeline/worker/protocol.js';
import { parseRange } from '../range.js';

const KNOWN: ReadonlySet<string> = new Set(['not_found', 'invalid_argument', 'unavailable', 'io_failed', 'conflict', 'forbidden']);

export interface WorkerRpcClient {
  /** The worker that holds the camera now, or undefined. */
  holderOf(cameraId: string): string | undefined;
  snapshot(worker: string, req: SnapshotRequest): Promise<Uint8Array>;
  listRecordings(worker: string, req: RecordingsListRequest): Promise<RecordingsListReply>;
  readRecording(worker: string, req: RecordingReadRequest): Promise<Uint8Array>;
}

export function workerRpcClient(nc: NatsConnection, holderOf: (cameraId: string) => string | undefined, timeoutMs = 5000): WorkerRpcClient {
  const call = async (worker: string, rpc: WorkerRpc, body: unknown): Promise<Uint8Array> => {
    let msg;
    try {
      msg = await nc.request(workerSubject(worker, rpc), JSON.stringify(body), { timeout: timeoutMs });
    } catch (e) {
      throw new ArgusError('unavailable', `worker ${worker} did not answer ${rpc}: ${errorMessage(e)}`, { cause: e });
    }
    const err = msg.headers?.get('Argus-Error');
    if (err) {
      const sp = err.indexOf(' ');
      const code = sp < 0 ? err : err.slice(0, sp);
      throw new ArgusError((KNOWN.has(code) ? code : 'unavailable') as ErrorCode, `worker ${worker}: ${sp < 0 ? err : err.slice(sp + 1)}`);
    }
    return msg.data;
  };
  return {
    holderOf,
    snapshot: (worker, req) => call(worker, 'snapshot', req),
    listRecordings: async (worker, req) => JSON.parse(Buffer.from(await call(worker, 'recordings.list', req)).toString('utf8')) as RecordingsListReply,
    readRecording: (worker, req) => call(worker, 'recordings.read', req),
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
