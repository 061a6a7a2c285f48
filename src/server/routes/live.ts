/** GET /api/live: Server-Sent Events of alerts, events and camera health (scoped to the caller's cameras). */
import type { ServerContext } from '../context.js';
import { allowedCameraIds } from '../scope.js';

export function liveRoutes(ctx: ServerContext): void {
  ctx.router.add({
    method: 'GET', url: '/api/live', tag: 'live', permission: 'live.read', summary: 'Live push (text/event-stream): events `alert`, `event`, `health`',
    handler: async ({ reply, principal }) => {
      const allowed = await allowedCameraIds(ctx.store, principal!);
      reply.hijack();
      if (!ctx.hub.attach(reply.raw, allowed)) {
        reply.raw.writeHead(503, { 'content-type': 'application/json' });
        reply.raw.end(JSON.stringify({ error: { code: 'busy', message: 'too many live clients' } }));
        return undefined;
      }
      // Initial snapshot of camera health, so a client needs no second request.
      for (const s of ctx.cameras.status()) if (allowed === null || allowed.has(s.id)) reply.raw.write(`event: health\ndata: ${JSON.stringify(s)}\n\n`);
      return undefined;
    },
  });
}
