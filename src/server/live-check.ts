/**
 * The re-check of a live stream's principal (live.ts calls it on a timer and when a route asks): the session or
 * API key that opened the stream must still be valid, by `Auth`'s own rules (`sessionLive`: expiry and idle timeout; user present and
 * enabled; `keyPrincipal`: key neither revoked nor expired, owner present and enabled, area within the owner's), and the user's roles, scope and
 * monitoring centre (which one, and its area) must be those
 * the stream was opened with. It reads the store only: it never touches the session (a stream alone must not keep
 * an idle session alive) nor counts against a key's rate limit.
 */
import type { AccessScope, Store } from '../store/store.js';
import { userPrincipal, type Auth } from './auth.js';
import { HttpError } from './errors.js';
import type { LiveVerdict } from './live.js';
import type { Permission, Principal } from './rbac.js';
import { allowedCameraIds } from './scope.js';

const samePermissions = (a: ReadonlySet<Permission>, b: ReadonlySet<Permission>): boolean => a.size === b.size && [...a].every((p) => b.has(p));

const canonicalScope = (s: AccessScope): string =>
  JSON.stringify([[...(s.districts ?? [])].sort(), [...(s.wards ?? [])].sort(), [...(s.cameraIds ?? [])].sort()]);

/** The principal's whole area: its own scope, and its centre (which one, and that centre's area). */
const canonicalArea = (p: Principal): string =>
  JSON.stringify([canonicalScope(p.scope), p.centre ? [p.centre.id, canonicalScope(p.centre.scope)] : null]);

/** The re-check of one stream opened by `opened`. */
export function liveRecheck(store: Store, auth: Pick<Auth, 'sessionLive' | 'keyPrincipal'>, opened: Principal, now: () => number = Date.now): () => Promise<LiveVerdict> {
  return async () => {
    const nowMs = now();
    if (opened.kind === 'apikey') {
      const id = opened.actor.slice('apikey:'.length);
      const key = (await store.listApiKeys()).find((k) => k.id === id);
      const fresh = key ? await auth.keyPrincipal(key, nowMs) : null;
      if (!fresh || fresh instanceof HttpError) return { ok: false, reason: 'key_revoked' };
      if (!samePermissions(fresh.permissions, opened.permissions) || canonicalArea(fresh) !== canonicalArea(opened)) return { ok: false, reason: 'key_revoked' };
      return { ok: true, cameras: await allowedCameraIds(store, fresh) };
    }
    const session = opened.sessionId === null ? null : await store.getSession(opened.sessionId);
    if (!session || !auth.sessionLive(session, nowMs)) return { ok: false, reason: 'session_ended' };
    const user = await store.getUser(session.userId);
    if (!user || user.disabled) return { ok: false, reason: 'session_ended' };
    const fresh = userPrincipal(user, session.id, session.csrfToken, await store.getCentreOfUser(user.id));
    if (!samePermissions(fresh.permissions, opened.permissions) || canonicalArea(fresh) !== canonicalArea(opened)) return { ok: false, reason: 'user_changed' };
    return { ok: true, cameras: await allowedCameraIds(store, fresh) };
  };
}
