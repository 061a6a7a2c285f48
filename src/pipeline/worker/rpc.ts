/**
 * The worker's request/reply responders (protocol.ts `workerSubject`): a camera's latest analysed frame as JPEG, and
 * the recordings kept on this worker (listing, byte ranges of a segment). A request the worker cannot answer gets a
 * reply with the header `Argus-Error: <code> <message>` and no body; it never goes unanswered.
 */
import { headers, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { ArgusError, errorMessage, isArgusError } from '../../core/errors.js';
import type { Frame } from '../../core/frame.js';
import { encodeJpeg, toRaw } from '../../evidence/render.js';
import type { SourceLogger } from '../../video/source.js';
import { listRecordings, readRecording } from './recordings.js';
import { workerSubject, type RecordingReadRequest, type RecordingsListReply, type RecordingsListRequest, type SnapshotRequest, type WorkerRpc } from './protocol.js';

export const ERROR_HEADER = 'Argus-Error';

export interface RpcOptions {
  readonly nc: NatsConnection;
  readonly worker: string;
  /** The latest analysed frame of a camera this worker runs (undefined: not running here, or no recent frame). */
  readonly latestFrame: (cameraId: string) => Frame | undefined;
  /** `<data>/recordings`. */
  readonly recordingsDir: string;
  readonly logger: SourceLogger;
}

const frameJpeg = (f: Frame): Promise<Buffer> => encodeJpeg(toRaw({ rgb: f.rgb, width: f.size.width, height: f.size.height }), 80);

function request<T>(m: Msg): T {
  try {
    const v = m.json<T>();
    if (typeof v !== 'object' || v === null) throw new Error('not an object');
    return v;
  } catch (e) {
    throw new ArgusError('invalid_argument', `request is not a JSON object: ${errorMessage(e)}`);
  }
}

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
      const { cameraId } = request<SnapshotRequest>(m);
      const frame = o.latestFrame(str(cameraId, 'cameraId'));
      if (!frame) throw new ArgusError('not_found', `camera ${cameraId}: no recent frame on worker ${o.worker}`);
      return new Uint8Array(await frameJpeg(frame));
    },
    'recordings.list': async (m) => {
      const r = request<RecordingsListRequest>(m);
      const reply: RecordingsListReply = { segments: await listRecordings(o.recordingsDir, str(r.cameraId, 'cameraId'), optNum(r.fromMs, 'fromMs'), optNum(r.toMs, 'toMs')) };
      return JSON.stringify(reply);
    },
    'recordings.read': async (m) => {
      const r = request<RecordingReadRequest>(m);
      return readRecording(o.recordingsDir, str(r.cameraId, 'cameraId'), str(r.file, 'file'), optNum(r.offset, 'offset') ?? NaN, optNum(r.length, 'length') ?? NaN);
    },
  };
}

/** Subscribes the responders; `stop` unsubscribes them (in-flight requests are still answered). */
export function startRpc(o: RpcOptions): { stop(): Promise<void> } {
  const subs: Subscription[] = [];
  for (const [rpc, handle] of Object.entries(handlers(o)) as Array<[WorkerRpc, (m: Msg) => Promise<Uint8Array | string>]>) {
    subs.push(
      o.nc.subscribe(workerSubject(o.worker, rpc), {
        callback: (err, m) => {
          if (err) {
            o.logger.warn({ rpc, err: errorMessage(err) }, 'worker RPC subscription failed');
            return;
          }
          handle(m).then(
            (data) => m.respond(data),
            (e: unknown) => {
              const code = isArgusError(e) ? e.code : 'io_failed';
              if (!isArgusError(e)) o.logger.warn({ rpc, err: errorMessage(e) }, 'worker RPC failed');
              const h = headers();
              h.set(ERROR_HEADER, `${code} ${errorMessage(e)}`.replace(/[\r\n]+/g, ' '));
              m.respond(new Uint8Array(0), { headers: h });
            },
          );
        },
      }),
    );
  }
  return {
    stop: async () => {
      await Promise.all(subs.map((s) => s.drain().catch(() => s.unsubscribe())));
    },
  };
}
