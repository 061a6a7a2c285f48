/** Login, logout, who am I, health, OpenAPI. */
import { z } from 'zod';
import { ok } from '../../contract/common.js';
import { health, openApiDocument } from '../../contract/system.js';
import { loginAnswer, me } from '../../contract/users.js';
import type { ServerContext } from '../context.js';
import { HttpError } from '../http.js';
import { LoginRefused } from '../login.js';
import { buildOpenApi } from '../openapi.js';

const loginBody = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});

export function authRoutes(ctx: ServerContext): void {
  const r = ctx.router;
  r.add({
    method: 'GET', url: '/api/health', tag: 'system', permission: 'public', summary: 'Liveness and what is missing (models, cameras offline); in the scaled mode the workers and their load (signed in)',
    response: health,
    handler: async ({ principal }) => {
      const detectors = ctx.status.detectorStatus();
      const cams = ctx.status.status();
      const workers = ctx.status.workers?.();
      // The workers' names and hosts are for signed-in staff who may see camera status, not for anyone who asks.
      const showWorkers = workers !== undefined && principal?.permissions.has('cameras.status') === true;
      const problems = [
        ...detectors.filter((d) => !d.ok && d.message !== 'loading').map((d) => `detector ${d.model}: ${d.message ?? 'unavailable'}`),
        ...cams.filter((c) => c.health === 'offline').map((c) => `camera ${c.id} offline`),
        ...(workers && workers.length === 0 && cams.length > 0 ? ['no worker is running'] : []),
      ];
      return {
        status: problems.length === 0 ? 'ok' : 'degraded',
        uptimeSec: Math.round((Date.now() - ctx.startedAtMs) / 1000),
        store: ctx.store.dialect,
        detectors,
        cameras: { total: cams.length, online: cams.filter((c) => c.health === 'online').length, offline: cams.filter((c) => c.health === 'offline').length },
        problems,
        ...(showWorkers ? { workers } : {}),
      };
    },
  });
  r.add({
    method: 'POST', url: '/api/auth/login', tag: 'auth', permission: 'public', body: loginBody,
    summary: 'Sign in: sets the session cookie, returns the CSRF token; 401 for any wrong sign-in, 429 with Retry-After when throttled',
    response: loginAnswer,
    handler: async ({ req, reply, body }) => {
      let user;
      try {
        user = await ctx.auth.checkLogin(body.username, body.password, req.ip, ctx.auth.deviceCookieOf(req));
      } catch (e) {
        // The audit tells why (unknown user, wrong password, disabled, throttled); the caller sees only 401 or 429.
        await ctx.audit(req, null, 'auth.login_failed', body.username, { reason: e instanceof LoginRefused ? e.reason : e instanceof HttpError ? e.code : 'error' });
        throw e;
      }
      ctx.auth.rememberDevice(user, reply);
      const session = await ctx.auth.openSession(user, req, reply);
      await ctx.audit(req, { actor: user.id, username: user.username }, 'auth.login', user.id, {});
      return { user: { id: user.id, username: user.username, displayName: user.displayName, roles: user.roles, scope: user.scope }, csrfToken: session.csrfToken, expiresAtMs: session.expiresAtMs };
    },
  });
  r.add({
    method: 'POST', url: '/api/auth/logout', tag: 'auth', permission: 'authenticated', summary: 'Sign out (ends the session)',
    response: ok,
    handler: async ({ req, reply, principal }) => {
      if (principal) {
        await ctx.auth.closeSession(principal, reply);
        if (principal.sessionId) ctx.hub.endSession(principal.sessionId); // its live streams end with it
        await ctx.audit(req, principal, 'auth.logout', principal.userId, {});
      }
      return { ok: true };
    },
  });
  r.add({
    method: 'GET', url: '/api/auth/me', tag: 'auth', permission: 'authenticated', summary: 'The caller, its roles, permissions and scope',
    response: me,
    handler: async ({ principal }) => {
      const p = principal!;
      return { kind: p.kind, id: p.userId, username: p.username, roles: p.roles, permissions: [...p.permissions].sort(), scope: p.scope, csrfToken: p.csrfToken };
    },
  });
  r.add({
    method: 'GET', url: '/api/openapi.json', tag: 'system', permission: 'authenticated', summary: 'This API as OpenAPI 3.1 (from the validating schemas)',
    response: openApiDocument,
    handler: async () => buildOpenApi(ctx.router.docs),
  });
}
