/**
 * GET /api/cameras/:id/overlay: the analysis overlay of one camera as Server-Sent Events (`overlay`: an OverlayFrame of
 * src/contract/overlay.ts per analysed frame; `end` when the service closes the stream). Frames are built only while
 * somebody watches (pipeline/runtime/overlay.ts). Same permission and camera scope as live view; the stream is a look
 * at the camera, audited with the live view's look (one `footage.view` per viewer and camera a minute, also while the
 * stream stays open). Class and track id only, no plate text. The principal is re-checked every few seconds as the
 * live push does (session ended, user changed, camera out of scope: the stream ends).
 *
 * Scaled mode: a camera that runs on a worker is relayed from it over core NATS (pipeline/worker/overlay-relay.ts: this
 * replica sends a demand heartbeat while the stream is open, the worker builds and publishes frames only then).
 */
import { content } from '../../contract/common.js';
import type { OverlayFrame as ContractFrame } from '../../contract/overlay.js';
import type { OverlayFrame } from '../../pipeline/runtime/overlay.js';
import type { ServerContext } from '../context.js';
import { HttpError, notFound } from '../http.js';
import { liveRecheck } from '../live-check.js';
import type { LookThrottle } from '../look-throttle.js';
import { LIVE_LOOK_MS } from '../look-throttle.js';
import { idParams } from '../schemas.js';
import { assertCameraVisible } from '../scope.js';

/** The contract's frame fits the runtime's (a compile-time check: pipeline may not import contract); the tests parse what is sent. */
export const contractFitsRuntime = (f: ContractFrame): OverlayFrame => f;

export interface OverlayRouteOptions {
  /** Re-check of the stream's principal, ms (default 5000). */
  readonly recheckMs?: number;
  /** Comment line against idle proxies, ms (default 15 000). */
  readonly heartbeatMs?: number;
  /** Overlay streams open at once in this process (default 200). */
  readonly maxStreams?: number;
}

export function overlayRoutes(ctx: ServerContext, liveLooks: LookThrottle, opts: OverlayRouteOptions = {}): void {
  let open = 0;
  ctx.router.add({
    method: 'GET', url: '/api/cameras/:id/overlay', tag: 'footage', permission: 'live.read', params: idParams,
    summary: 'The analysis overlay (text/event-stream): per analysed frame `overlay` (tracks with class and id, lines with counts, zones, signals; normalised 0–1), `end` when closed (audited as a live look)',
    response: content('text/event-stream', 'Server-Sent Events: `overlay` (an OverlayFrame), `end`'),
    handler: async ({ req, reply, principal, params }) => {
      const p = principal!;
      const c = await ctx.store.getCamera(params.id);
      if (!c) throw notFound('camera');
      await assertCameraVisible(ctx.store, p, c.id);
      const here = ctx.cameras.config(c.id)?.enabled === true;
      const worker = here ? undefined : ctx.remote?.holderOf(c.id);
      if (!here && !(worker && ctx.remoteOverlay)) throw new HttpError(409, 'overlay_unavailable', `camera ${c.id} is not analysed here (switched off, or not running)`);
      if (open >= (opts.maxStreams ?? 200)) throw new HttpError(503, 'busy', 'too many overlay streams');
      const look = (): Promise<void> => liveLooks.cover(`${p.actor}|live|${c.id}`, () => ctx.audit(req, p, 'footage.view', c.id, { what: 'live', via: 'overlay', ...(worker ? { worker } : {}) }));
      await look();
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      res.write('retry: 3000\n\n');
      open++;
      const end = (reason: string): void => {
        if (res.writableEnded) return;
        res.end(`event: end\ndata: ${JSON.stringify({ reason })}\n\n`);
      };
      const send = (f: OverlayFrame): void => {
        // A slow client is not queued for: frames it cannot take are dropped (the next one is newer anyway).
        if (res.writableNeedDrain) return;
        res.write(`event: overlay\ndata: ${JSON.stringify(f)}\n\n`);
      };
      const unwatch = here || !ctx.remoteOverlay
        ? ctx.cameras.overlay.watch(c.id, send, () => end('shutdown'))
        : ((stopRelay, stopEnd) => () => { stopRelay(); stopEnd(); })(ctx.remoteOverlay(c.id, send), ctx.cameras.overlay.onClose(() => end('shutdown')));
      const recheck = liveRecheck(ctx.store, ctx.auth, p);
      let lastLookMs = Date.now();
      let checking = false;
      const timer = setInterval(() => {
        if (checking) return;
        checking = true;
        recheck()
          .then(async (v) => {
            if (!v.ok) return end(v.reason);
            if (v.cameras !== null && !v.cameras.has(c.id)) return end('user_changed');
            // A stream watched for longer than a look is another look.
            if (Date.now() - lastLookMs >= LIVE_LOOK_MS) {
              lastLookMs = Date.now();
              await look();
            }
            return undefined;
          })
          .catch(() => end('check_failed'))
          .finally(() => {
            checking = false;
          });
      }, opts.recheckMs ?? 5000);
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), opts.heartbeatMs ?? 15_000);
      res.on('close', () => {
        open--;
        unwatch();
        clearInterval(timer);
        clearInterval(heartbeat);
      });
      return undefined;
    },
  });
}
