/**
 * GET /api/live: Server-Sent Events of alerts, events and camera health, scoped to the caller's cameras and redacted
 * to the data classes its role reads (live.ts). A stream that may carry plate text is audited when it opens.
 */
import { content } from '../../contract/common.js';
import type { ServerContext } from '../context.js';
import { PLATE_VIEW, readsPlates } from '../data-class.js';
import { liveRecheck } from '../live-check.js';
import { readableClasses } from '../rbac.js';
import { allowedCameraIds } from '../scope.js';

export function liveRoutes(ctx: ServerContext): void {
  ctx.router.add({
    method: 'GET', url: '/api/live', tag: 'live', permission: 'live.read', summary: 'Live push (text/event-stream): events `alert`, `event`, `health`; `end` when the service closes the stream (session ended, user changed)',
    response: content('text/event-stream', 'Server-Sent Events: `alert` (an Alert), `event` (an event payload, full or redacted), `health` (a CameraStatus), `end`'),
    handler: async ({ req, reply, principal }) => {
      const p = principal!;
      const allowed = await allowedCameraIds(ctx.store, p);
      const readable = readableClasses(p.permissions);
      if (readsPlates(readable)) await ctx.audit(req, p, PLATE_VIEW, null, { via: 'live', classes: [...readable].sort() });
      reply.hijack();
      if (!ctx.hub.attach(reply.raw, { principal: p, cameras: allowed, recheck: liveRecheck(ctx.store, ctx.auth, p) })) {
        reply.raw.writeHead(503, { 'content-type': 'application/json' });
        reply.raw.end(JSON.stringify({ error: { code: 'busy', message: 'too many live clients' } }));
        return undefined;
      }
      // Initial snapshot of camera health, so a client needs no second request.
      for (const s of ctx.status.status()) if (allowed === null || allowed.has(s.id)) reply.raw.write(`event: health\ndata: ${JSON.stringify(s)}\n\n`);
      return undefined;
    },
  });
}
