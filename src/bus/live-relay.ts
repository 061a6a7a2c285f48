/**
 * Live view across machines, on core NATS request/reply: the machine that can reach a camera (the worker that runs
 * it, or the district that owns it) answers for its live HLS stream; a serve replica (or the province) relays it to
 * the browser after its own permission checks and audit. The camera is opened once, where it is; the viewer's side
 * never needs to reach the camera's network.
 *
 * Subjects under a prefix (`argus.worker.<name>`, `argus.fedlive.<district>`):
 * - `<prefix>.live.playlist` `{cameraId}` → the playlist text, segment names as the muxer writes them (`seg<N>.ts`);
 * - `<prefix>.live.segment` `{cameraId, segment, offset, length}` → those bytes of the segment (≤ {@link LIVE_CHUNK_BYTES});
 *   fewer than asked means the segment ended. Errors travel as in bus/rpc.ts.
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { ArgusError } from '../core/errors.js';
import type { BusLogger } from './nats-connect.js';
import { callRpc, rpcRequest, serveRpc } from './rpc.js';

/** Most bytes one segment request returns (under NATS's default 1 MiB payload limit). */
export const LIVE_CHUNK_BYTES = 512 * 1024;
/** Most chunks of one segment (a 2 s segment of a 4K camera stays well under this). */
const MAX_CHUNKS = 64;

export const liveSubjects = (prefix: string) => ({ playlist: `${prefix}.live.playlist`, segment: `${prefix}.live.segment` }) as const;

/** What answers for the cameras it can reach (an HlsHost with the camera's source found, and the right to show it, checked). */
export interface LiveHost {
  playlist(cameraId: string): Promise<string>;
  segment(cameraId: string, name: string, offset: number, length: number): Promise<Uint8Array>;
}

interface SegmentRequest { cameraId?: unknown; segment?: unknown; offset?: unknown; length?: unknown }

const text = (v: unknown, name: string): string => {
  if (typeof v !== 'string' || v.length === 0 || v.length > 200) throw new ArgusError('invalid_argument', `${name}: a non-empty string`);
  return v;
};
const whole = (v: unknown, name: string, min: number, max: number): number => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new ArgusError('invalid_argument', `${name}: a whole number ${min}–${max}`);
  return v;
};

/** Answers live requests under `prefix` from `host`; stop the returned subscriptions to stop answering. */
export function serveLiveRelay(nc: NatsConnection, prefix: string, host: LiveHost, log: BusLogger): Subscription[] {
  const s = liveSubjects(prefix);
  return [
    serveRpc(nc, s.playlist, async (m) => host.playlist(text(rpcRequest<{ cameraId?: unknown }>(m).cameraId, 'cameraId')), log),
    serveRpc(nc, s.segment, async (m) => {
      const r = rpcRequest<SegmentRequest>(m);
      return host.segment(text(r.cameraId, 'cameraId'), text(r.segment, 'segment'), whole(r.offset, 'offset', 0, 2 ** 40), whole(r.length, 'length', 1, LIVE_CHUNK_BYTES));
    }, log),
  ];
}

export interface LiveRelayClient {
  playlist(cameraId: string): Promise<string>;
  /** The whole segment, read in chunks. */
  segment(cameraId: string, name: string): Promise<Uint8Array>;
}

/** `who` names the far side in errors ("worker w1", "district ds-tu-son"). The playlist waits for a muxer to start. */
export function liveRelayClient(nc: NatsConnection, prefix: string, who: string, timeoutMs = 20_000): LiveRelayClient {
  const s = liveSubjects(prefix);
  return {
    playlist: async (cameraId) => Buffer.from(await callRpc(nc, s.playlist, { cameraId }, { who, what: 'live playlist', timeoutMs })).toString('utf8'),
    segment: async (cameraId, name) => {
      const parts: Uint8Array[] = [];
      for (let offset = 0, i = 0; i < MAX_CHUNKS; i++) {
        const data = await callRpc(nc, s.segment, { cameraId, segment: name, offset, length: LIVE_CHUNK_BYTES }, { who, what: 'live segment', timeoutMs: Math.min(timeoutMs, 5000) });
        parts.push(data);
        offset += data.byteLength;
        if (data.byteLength < LIVE_CHUNK_BYTES) return Buffer.concat(parts);
      }
      throw new ArgusError('io_failed', `${who}: live segment ${name} of camera ${cameraId} is larger than ${MAX_CHUNKS} chunks`);
    },
  };
}
