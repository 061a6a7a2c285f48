/**
 * Who is calling: a cookie session (HttpOnly, SameSite=Strict; CSRF double-submit header on state changes) or an
 * API key (`Authorization: Bearer argus_…`, sha256 at rest, per-key rate limit, an area scope and an expiry, valid
 * only while its owner exists and is enabled). Sign-in limits: see login.ts.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ulid } from '../core/ids.js';
import type { ApiKeyRecord, CentreRecord, SessionRecord, Store, UserRecord } from '../store/store.js';
import { scopeExcess } from './apikeys.js';
import { HttpError } from './errors.js';
import { WindowLimiter } from './limiter.js';
import { DEVICE_COOKIE, LoginGuard, type LoginLimits } from './login.js';
import { permissionsOfApiKey, permissionsOfRoles, type Principal, type PrincipalCentre } from './rbac.js';

export type { Principal } from './rbac.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal | null;
  }
}

export interface AuthOptions extends LoginLimits {
  readonly sessionTtlMs: number;
  readonly idleTimeoutMs: number;
  /** The clock of sign-in (tests freeze it to compare answers byte for byte); default Date.now. */
  readonly loginClock?: () => number;
}

export const DEFAULT_AUTH: AuthOptions = {
  sessionTtlMs: 12 * 3600_000,
  idleTimeoutMs: 30 * 60_000,
  maxFailedLogins: 5,
  maxLoginsPerUser: 30,
  lockoutMs: 15 * 60_000,
  loginPerIpPerMin: 30,
  knownDeviceMs: 90 * 86_400_000,
  secureCookies: false,
};

export const SESSION_COOKIE = 'argus_session';
export const CSRF_COOKIE = 'argus_csrf';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const sameText = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** `centre`: the user's monitoring centre (Store.getCentreOfUser), whose area narrows the user's. */
export function userPrincipal(user: UserRecord, sessionId: string | null, csrfToken: string | null, centre: CentreRecord | null = null): Principal {
  return {
    kind: 'user', actor: user.id, userId: user.id, username: user.username, roles: user.roles,
    permissions: permissionsOfRoles(user.roles), scope: user.scope, centre: principalCentre(centre), sessionId, csrfToken,
  };
}

const principalCentre = (c: CentreRecord | null): PrincipalCentre | null => (c ? { id: c.id, name: c.name, scope: c.scope } : null);

export class Auth {
  private readonly login: LoginGuard;
  private readonly keyLimiter = new WindowLimiter(60_000);

  constructor(private readonly store: Store, readonly options: AuthOptions = DEFAULT_AUTH) {
    this.login = new LoginGuard(store, options);
  }

  /** Checks a password behind the sign-in limits (login.ts). Returns the user, or throws a LoginRefused (401/429). */
  async checkLogin(username: string, password: string, ip: string, deviceCookie?: string, nowMs = (this.options.loginClock ?? Date.now)()): Promise<UserRecord> {
    return this.login.check(username, password, ip, deviceCookie, nowMs);
  }

  /** The device cookie of a sign-in: this browser is then exempt from the per-username throttle (login.ts). */
  deviceCookieOf(req: FastifyRequest): string | undefined {
    return req.cookies[DEVICE_COOKIE];
  }

  rememberDevice(user: UserRecord, reply: FastifyReply, nowMs = (this.options.loginClock ?? Date.now)()): void {
    this.login.rememberDevice(user, reply, nowMs);
  }

  /** Creates a session; returns the cookie token (only its hash is stored) and the CSRF token. */
  async openSession(user: UserRecord, req: FastifyRequest, reply: FastifyReply, nowMs = Date.now()): Promise<{ csrfToken: string; expiresAtMs: number }> {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const expiresAtMs = nowMs + this.options.sessionTtlMs;
    await this.store.createSession({
      id: sha256(token), userId: user.id, createdAtMs: nowMs, expiresAtMs, lastSeenMs: nowMs, csrfToken,
      ip: req.ip, userAgent: (req.headers['user-agent'] ?? '').slice(0, 200) || null,
    });
    const common = { path: '/', sameSite: 'strict' as const, secure: this.options.secureCookies, expires: new Date(expiresAtMs) };
    reply.setCookie(SESSION_COOKIE, token, { ...common, httpOnly: true });
    reply.setCookie(CSRF_COOKIE, csrfToken, { ...common, httpOnly: false });
    return { csrfToken, expiresAtMs };
  }

  async closeSession(principal: Principal, reply: FastifyReply): Promise<void> {
    if (principal.sessionId) await this.store.deleteSession(principal.sessionId);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    reply.clearCookie(CSRF_COOKIE, { path: '/' });
  }

  /** The onRequest step for /api/: sets `req.principal` (null when anonymous); enforces CSRF and key limits. */
  async identify(req: FastifyRequest, nowMs = Date.now()): Promise<Principal | null> {
    const authz = req.headers.authorization;
    if (typeof authz === 'string' && authz.length > 0) return this.identifyKey(authz, nowMs);
    const token = req.cookies[SESSION_COOKIE];
    if (!token) return null;
    const id = sha256(token);
    const session = await this.store.getSession(id);
    if (!session || !this.sessionLive(session, nowMs)) {
      if (session) await this.store.deleteSession(id);
      return null;
    }
    const user = await this.store.getUser(session.userId);
    if (!user || user.disabled) return null;
    if (!SAFE_METHODS.has(req.method)) {
      const header = req.headers[CSRF_HEADER];
      if (typeof header !== 'string' || !sameText(header, session.csrfToken)) {
        throw new HttpError(403, 'csrf', `missing or wrong ${CSRF_HEADER} header (send the token returned at login)`);
      }
    }
    if (nowMs - session.lastSeenMs > Math.min(30_000, this.options.idleTimeoutMs / 4)) await this.store.touchSession(id, nowMs, session.expiresAtMs);
    return userPrincipal(user, id, session.csrfToken, await this.store.getCentreOfUser(user.id));
  }

  private async identifyKey(authz: string, nowMs: number): Promise<Principal> {
    const m = /^Bearer (argus_[A-Za-z0-9_-]{16,128})$/.exec(authz);
    if (!m?.[1]) throw new HttpError(401, 'unauthorized', 'malformed Authorization header (expected "Bearer argus_…")');
    const key = await this.store.getApiKeyByHash(sha256(m[1]));
    if (!key) throw new HttpError(401, 'unauthorized', 'unknown, revoked or expired API key');
    const principal = await this.keyPrincipal(key, nowMs);
    if (principal instanceof HttpError) throw principal;
    if (!this.keyLimiter.hit(key.id, key.rateLimitPerMin, nowMs)) {
      const retryAfterSec = this.keyLimiter.retryAfterSec(key.id, nowMs);
      throw new HttpError(429, 'rate_limited', `API key rate limit (${key.rateLimitPerMin}/min) exceeded; retry in ${retryAfterSec} s`, retryAfterSec);
    }
    if (key.lastUsedMs === null || nowMs - key.lastUsedMs > 60_000) await this.store.touchApiKey(key.id, nowMs);
    return principal;
  }

  /** A session is live until it expires or idles out (the one rule of requests and of open live streams). */
  sessionLive(session: Pick<SessionRecord, 'expiresAtMs' | 'lastSeenMs'>, nowMs: number): boolean {
    return session.expiresAtMs > nowMs && nowMs - session.lastSeenMs <= this.options.idleTimeoutMs;
  }

  /**
   * What a stored key may do now, or why it may do nothing (the one rule of requests and of open live streams):
   * not revoked, not expired, its owner present and enabled (a key dies with its owner), its area within the owner's
   * area and its permissions within the owner's roles. Reads the store only.
   */
  async keyPrincipal(key: ApiKeyRecord, nowMs: number): Promise<Principal | HttpError> {
    if (key.revokedAtMs !== null || key.expiresAtMs === null || key.expiresAtMs <= nowMs) {
      return new HttpError(401, 'unauthorized', 'unknown, revoked or expired API key');
    }
    const owner = key.ownerUserId === null ? null : await this.store.getUser(key.ownerUserId);
    if (!owner || owner.disabled) return new HttpError(401, 'unauthorized', 'the owner of this API key is disabled or deleted');
    const excess = await scopeExcess(this.store, key.scope, owner.scope);
    if (excess) return new HttpError(403, 'forbidden', `this API key reaches beyond its owner's area now (${excess}); make a new key`);
    const ownerMay = permissionsOfRoles(owner.roles);
    return {
      kind: 'apikey', actor: `apikey:${key.id}`, userId: key.ownerUserId, username: key.name, roles: ['partner'],
      permissions: new Set([...permissionsOfApiKey(key.scopes)].filter((p) => ownerMay.has(p))), scope: key.scope,
      // A key acts within its owner's monitoring centre too: a centre member's key never sees beyond the centre.
      centre: principalCentre(await this.store.getCentreOfUser(owner.id)), sessionId: null, csrfToken: null,
    };
  }
}

/** A new API key: the secret shown once, and the record to store. */
export function newApiKey(nowMs = Date.now()): { id: string; secret: string; keyHash: string; prefix: string } {
  const secret = `argus_${randomBytes(24).toString('base64url')}`;
  return { id: ulid(nowMs), secret, keyHash: sha256(secret), prefix: secret.slice(0, 12) };
}
