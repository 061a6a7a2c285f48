/**
 * The re-check of a live stream's principal (live.ts calls it on a timer and when a route asks): the session or
 * API key that opened the stream must still be valid, by the same rules as `Auth.identify` (session expiry and idle
 * timeout; user present and enabled; key neither revoked nor expired), and the user's roles and scope must be those
 * the stream was opened with. It reads the store only: it never touches the session (a stream alone must not keep
 * an idle session alive) nor counts against a key's rate limit.
 */
import type { AccessScope, Store } from '../store/store.js';
import { userPrincipal, type AuthOptions } from './auth.js';
import type { LiveVerdict } from './live.js';
import { permissionsOfApiKey, type Permission, type Principal } from './rbac.js';
import { allowedCameraIds } from './scope.js';

const samePermissions = (a: ReadonlySet<Permission>, b: ReadonlySet<Permission>): boolean => a.size === b.size && [...a].every((p) => b.has(p));

const canonicalScope = (s: AccessScope): string =>
  JSON.stringify([[...(s.districts ?? [])].sort(), [...(s.wards ?? [])].sort(), [...(s.cameraIds ?? [])].sort()]);

/** The re-check of one stream opened by `opened`. */
export function liveRecheck(store: Store, auth: Pick<AuthOptions, 'idleTimeoutMs'>, opened: Principal, now: () => number = Date.now): () => Promise<LiveVerdict> {
  return async () => {
    const nowMs = now();
    if (opened.kind === 'apikey') {
      const id = opened.actor.slice('apikey:'.length);
      const key = (await store.listApiKeys()).find((k) => k.id === id);
      if (!key || key.revokedAtMs !== null || (key.expiresAtMs !== null && key.expiresAtMs <= nowMs)) return { ok: false, reason: 'key_revoked' };
      if (!samePermissions(permissionsOfApiKey(key.scopes), opened.permissions)) return { ok: false, reason: 'key_revoked' };
      return { ok: true, cameras: await allowedCameraIds(store, opened) };
    }
    const session = opened.sessionId === null ? null : await store.getSession(opened.sessionId);
    if (!session || session.expiresAtMs <= nowMs || nowMs - session.lastSeenMs > auth.idleTimeoutMs) return { ok: false, reason: 'session_ended' };
    const user = await store.getUser(session.userId);
    if (!user || user.disabled) return { ok: false, reason: 'session_ended' };
    const fresh = userPrincipal(user, session.id, session.csrfToken);
    if (!samePermissions(fresh.permissions, opened.permissions) || canonicalScope(fresh.scope) !== canonicalScope(opened.scope)) return { ok: false, reason: 'user_changed' };
    return { ok: true, cameras: await allowedCameraIds(store, fresh) };
  };
}
