/**
 * Where a camera's live HLS stream comes from, for the footage routes and for a district's relay to its province:
 * this process's own muxer (a camera it runs, or one no one else runs: opened from its source here), the worker that
 * runs it (scaled mode), or the district that owns it (a federated camera). The camera is opened once, where it is;
 * the permission checks and the audit stay with the caller.
 */
import type { LiveHost, LiveRelayClient } from '../bus/live-relay.js';
import { ArgusError } from '../core/errors.js';
import type { HlsHost } from '../video/hls-host.js';
import type { ServerContext } from './context.js';

/** Where a stream is relayed from, for the audit row: `{ worker }` or `{ district }`; none when it is opened here. */
export type LiveVia = Readonly<{ worker: string }> | Readonly<{ district: string }>;

export interface LiveView {
  /** The playlist, segment names as the muxer writes them (`seg<N>.ts`). `sourceOf` is asked only when it is opened here. */
  playlist(cameraId: string, sourceOf: () => string): Promise<{ text: string; via?: LiveVia }>;
  /** A whole segment of a stream whose playlist was asked for. */
  segment(cameraId: string, name: string): Promise<Uint8Array>;
  /** As a {@link LiveHost}, for relaying further (a district answering its province): cameras of the store only. */
  host(sourceOf: (cameraId: string) => Promise<string>): LiveHost;
}

export function liveView(ctx: Pick<ServerContext, 'cameras' | 'remote' | 'federation'>, hls: HlsHost): LiveView {
  const relay = (cameraId: string): { client: LiveRelayClient; via: LiveVia } | undefined => {
    // A camera this process runs is opened here, whatever the KV says.
    if (ctx.cameras.config(cameraId)) return undefined;
    const worker = ctx.remote?.holderOf(cameraId);
    if (worker && ctx.remote) return { client: ctx.remote.live(worker), via: { worker } };
    const owner = ctx.federation?.ownerOf(cameraId);
    const fed = owner ? ctx.federation?.liveRelay(cameraId) : undefined;
    if (owner && fed) return { client: fed, via: { district: owner.id } };
    return undefined;
  };
  const segment = async (cameraId: string, name: string): Promise<Uint8Array> => {
    // A muxer here (started by a playlist request) answers first: the holder may have changed since.
    if (hls.has(cameraId)) return hls.segment(cameraId, name);
    const r = relay(cameraId);
    if (!r) throw new ArgusError('not_found', `no live stream of camera ${cameraId}`);
    return r.client.segment(cameraId, name);
  };
  return {
    async playlist(cameraId, sourceOf) {
      const r = relay(cameraId);
      if (r) return { text: await r.client.playlist(cameraId), via: r.via };
      return { text: await hls.playlist(cameraId, sourceOf()) };
    },
    segment,
    host: (sourceOf) => ({
      playlist: async (cameraId) => {
        const r = relay(cameraId);
        return r ? r.client.playlist(cameraId) : hls.playlist(cameraId, await sourceOf(cameraId));
      },
      segment: async (cameraId, name, offset, length) => {
        if (hls.has(cameraId)) return hls.segment(cameraId, name, offset, length);
        const all = await segment(cameraId, name);
        return all.subarray(Math.min(offset, all.byteLength), Math.min(offset + length, all.byteLength));
      },
    }),
  };
}
