/**
 * The worker's request/reply responders (protocol.ts `workerSubject`): a camera's latest analysed frame as JPEG, and
 * the recordings kept on this worker (listing, byte ranges of a segment). A request the worker cannot answer gets a
 * reply with the header `Argus-Error: <code> <message>` and no body; it never goes unanswered.
 */
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { ArgusError } from '../../core/errors.js';
import type { Frame } from '../../core/frame.js';
import { serveLiveRelay } from '../../bus/live-relay.js';
import { rpcRequest, serveRpc } from '../../bus/rpc.js';
import { encodeJpeg, toRaw } from '../../evidence/render.js';
import type { HlsHost } from '../../video/hls-host.js';
import type { SourceLogger } from '../../video/source.js';
import { listRecordings, readRecording } from './recordings.js';
import { workerPrefix, workerSubject, type RecordingReadRequest, type RecordingsListReply, type RecordingsListRequest, type SnapshotRequest, type WorkerRpc } from './protocol.js';

export { ERROR_HEADER } from '../../bus/rpc.js';

export interface RpcOptions {
  readonly nc: NatsConnection;
  readonly worker: string;
  /** The latest analysed frame of a camera this worker runs (undefined: not running here, or no recent frame). */
  readonly latestFrame: (cameraId: string) => Frame | undefined;
  /** `<data>/recordings`. */
  readonly recordingsDir: string;
  readonly logger: SourceLogger;
  /** Live view of the cameras running here, relayed by the serve replicas (bus/live-relay.ts); the source of a camera running here, else undefined. */
  readonly live?: { readonly host: HlsHost; readonly sourceOf: (cameraId: string) => string | undefined };
}

const frameJpeg = (f: Frame): Promise<Buffer> => encodeJpeg(toRaw({ rgb: f.rgb, width: f.size.width, height: f.size.height }), 80);

const str = (v: unknown, name: string): string => {
  if (typeof v !== 'string') throw new ArgusError('invalid_argument', `${name}: a string`);
  return v;
};

const optNum = (v: unknown, name: string): number | undefined => {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ArgusError('invalid_argument', `${name}: a number`);
  return v;
};

/** The answers, by RPC: bytes (JPEG, a segment's range) or JSON. */
function handlers(o: RpcOptions): Record<WorkerRpc, (m: Msg) => Promise<Uint8Array | string>> {
  return {
    snapshot: async (m) => {
      const { cameraId } = rpcRequest<SnapshotRequest>(m);
      const frame = o.latestFrame(str(cameraId, 'cameraId'));
      if (!frame) throw new ArgusError('not_found', `camera ${cameraId}: no recent frame on worker ${o.worker}`);
      return new Uint8Array(await frameJpeg(frame));
    },
    'recordings.list': async (m) => {
      const r = rpcRequest<RecordingsListRequest>(m);
      const reply: RecordingsListReply = { segments: await listRecordings(o.recordingsDir, str(r.cameraId, 'cameraId'), optNum(r.fromMs, 'fromMs'), optNum(r.toMs, 'toMs')) };
      return JSON.stringify(reply);
    },
    'recordings.read': async (m) => {
      const r = rpcRequest<RecordingReadRequest>(m);
      return readRecording(o.recordingsDir, str(r.cameraId, 'cameraId'), str(r.file, 'file'), optNum(r.offset, 'offset') ?? NaN, optNum(r.length, 'length') ?? NaN);
    },
  };
}

/** Subscribes the responders; `stop` unsubscribes them (in-flight requests are still answered). */
export function startRpc(o: RpcOptions): { stop(): Promise<void> } {
  const subs: Subscription[] = (Object.entries(handlers(o)) as Array<[WorkerRpc, (m: Msg) => Promise<Uint8Array | string>]>)
    .map(([rpc, handle]) => serveRpc(o.nc, workerSubject(o.worker, rpc), handle, o.logger));
  const live = o.live;
  if (live) {
    const url = (cameraId: string): string => {
      const u = live.sourceOf(cameraId);
      if (u === undefined) throw new ArgusError('not_found', `camera ${cameraId} does not run on worker ${o.worker}`);
      return u;
    };
    subs.push(...serveLiveRelay(o.nc, workerPrefix(o.worker), {
      playlist: (cameraId) => live.host.playlist(cameraId, url(cameraId)),
      segment: (cameraId, name, offset, length) => live.host.segment(cameraId, name, offset, length),
    }, o.logger));
  }
  return {
    stop: async () => {
      await Promise.all(subs.map((s) => s.drain().catch(() => s.unsubscribe())));
      await live?.host.stopAll();
    },
  };
}
