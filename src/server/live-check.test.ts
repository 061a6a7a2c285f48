import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/index.js';
import type { UserRecord } from '../store/store.js';
import { Auth, DEFAULT_AUTH, userPrincipal } from './auth.js';
import { liveRecheck } from './live-check.js';
import { permissionsOfApiKey, type Principal } from './rbac.js';

const T0 = Date.UTC(2026, 10, 20, 8, 0, 0);
const IDLE = 30 * 60_000;

describe('the re-check of a live stream (over SQLite)', () => {
  let dir: string;
  let store: SqliteStore;
  let user: UserRecord;
  let auth: Auth;
  let longIdle: Auth;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'argus-live-check-'));
    store = await openSqliteStore({ path: join(dir, 'argus.db') });
    user = { id: 'u1', username: 'op', displayName: 'op', passwordHash: 'x', roles: ['operator'], scope: { districts: ['Sơn Trà'] }, disabled: false, failedLogins: 0, lockedUntilMs: null, createdAtMs: T0, updatedAtMs: T0 };
    await store.createUser(user);
    auth = new Auth(store, { ...DEFAULT_AUTH, idleTimeoutMs: IDLE });
    longIdle = new Auth(store, { ...DEFAULT_AUTH, idleTimeoutMs: 10 * IDLE });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const session = async (id: string, lastSeenMs = T0, expiresAtMs = T0 + 3600_000): Promise<Principal> => {
    await store.createSession({ id, userId: user.id, createdAtMs: T0, expiresAtMs, lastSeenMs, csrfToken: 'c', ip: null, userAgent: null });
    return userPrincipal(user, id, 'c');
  };

  it('keeps a stream whose session and user are as they were, and ends it at expiry and after the idle timeout', async () => {
    const p = await session('s1');
    expect(await liveRecheck(store, auth, p, () => T0 + 60_000)()).toEqual({ ok: true, cameras: new Set() });
    expect(await liveRecheck(store, auth, p, () => T0 + IDLE + 1)()).toEqual({ ok: false, reason: 'session_ended' });
    expect(await liveRecheck(store, longIdle, p, () => T0 + 3600_000)()).toEqual({ ok: false, reason: 'session_ended' });
    await store.deleteSession('s1');
    expect(await liveRecheck(store, auth, p, () => T0 + 1)()).toEqual({ ok: false, reason: 'session_ended' });
  });

  it('ends the stream of a user whose roles or scope changed, or who was disabled', async () => {
    const p = await session('s2');
    const check = liveRecheck(store, auth, p, () => T0 + 1);
    // The same scope written in another order is the same scope.
    await store.updateUser(user.id, { scope: { districts: ['Sơn Trà'], wards: [] } });
    expect((await check()).ok).toBe(true);
    await store.updateUser(user.id, { scope: { districts: ['Sơn Trà', 'Hải Châu'] } });
    expect(await check()).toEqual({ ok: false, reason: 'user_changed' });
    await store.updateUser(user.id, { scope: user.scope, roles: ['viewer'] });
    expect(await check()).toEqual({ ok: false, reason: 'user_changed' });
    await store.updateUser(user.id, { roles: user.roles, disabled: true });
    expect(await check()).toEqual({ ok: false, reason: 'session_ended' });
    await store.updateUser(user.id, { disabled: false });
    expect((await check()).ok).toBe(true);
  });

  it('ends the stream of an API key once it is revoked or expired, or its owner is disabled', async () => {
    const scopes = ['plates.search'];
    const owner: UserRecord = { ...user, id: 'u2', username: 'chief', roles: ['supervisor'], scope: {} };
    await store.createUser(owner);
    await store.createApiKey({ id: 'k1', name: 'partner', keyHash: 'h1', prefix: 'argus_x', scopes, scope: {}, rateLimitPerMin: 60, ownerUserId: owner.id, createdAtMs: T0, expiresAtMs: T0 + 1000, revokedAtMs: null, lastUsedMs: null });
    const key: Principal = { kind: 'apikey', actor: 'apikey:k1', userId: owner.id, username: 'partner', roles: ['partner'], permissions: permissionsOfApiKey(scopes), scope: {}, sessionId: null, csrfToken: null };
    expect(await liveRecheck(store, auth, key, () => T0 + 1)()).toEqual({ ok: true, cameras: null });
    await store.updateUser(owner.id, { disabled: true });
    expect(await liveRecheck(store, auth, key, () => T0 + 1)()).toEqual({ ok: false, reason: 'key_revoked' });
    await store.updateUser(owner.id, { disabled: false });
    expect(await liveRecheck(store, auth, key, () => T0 + 1000)()).toEqual({ ok: false, reason: 'key_revoked' });
    await store.revokeApiKey('k1', T0 + 2);
    expect(await liveRecheck(store, auth, key, () => T0 + 3)()).toEqual({ ok: false, reason: 'key_revoked' });
  });
});
