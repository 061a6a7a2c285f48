import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/index.js';
import type { UserRecord } from '../store/store.js';
import { userPrincipal } from './auth.js';
import { liveRecheck } from './live-check.js';
import { permissionsOfApiKey, type Principal } from './rbac.js';

const T0 = Date.UTC(2026, 10, 20, 8, 0, 0);
const IDLE = 30 * 60_000;

describe('the re-check of a live stream (over SQLite)', () => {
  let dir: string;
  let store: SqliteStore;
  let user: UserRecord;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'argus-live-check-'));
    store = await openSqliteStore({ path: join(dir, 'argus.db') });
    user = { id: 'u1', username: 'op', displayName: 'op', passwordHash: 'x', roles: ['operator'], scope: { districts: ['Sơn Trà'] }, disabled: false, failedLogins: 0, lockedUntilMs: null, createdAtMs: T0, updatedAtMs: T0 };
    await store.createUser(user);
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
    expect(await liveRecheck(store, { idleTimeoutMs: IDLE }, p, () => T0 + 60_000)()).toEqual({ ok: true, cameras: new Set() });
    expect(await liveRecheck(store, { idleTimeoutMs: IDLE }, p, () => T0 + IDLE + 1)()).toEqual({ ok: false, reason: 'session_ended' });
    expect(await liveRecheck(store, { idleTimeoutMs: 10 * IDLE }, p, () => T0 + 3600_000)()).toEqual({ ok: false, reason: 'session_ended' });
    await store.deleteSession('s1');
    expect(await liveRecheck(store, { idleTimeoutMs: IDLE }, p, () => T0 + 1)()).toEqual({ ok: false, reason: 'session_ended' });
  });

  it('ends the stream of a user whose roles or scope changed, or who was disabled', async () => {
    const p = await session('s2');
    const check = liveRecheck(store, { idleTimeoutMs: IDLE }, p, () => T0 + 1);
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

  it('ends the stream of an API key once it is revoked or expired', async () => {
    const scopes = ['plates.search'];
    await store.createApiKey({ id: 'k1', name: 'partner', keyHash: 'h1', prefix: 'argus_x', scopes, rateLimitPerMin: 60, ownerUserId: null, createdAtMs: T0, expiresAtMs: T0 + 1000, revokedAtMs: null, lastUsedMs: null });
    const key: Principal = { kind: 'apikey', actor: 'apikey:k1', userId: null, username: 'partner', roles: ['partner'], permissions: permissionsOfApiKey(scopes), scope: {}, sessionId: null, csrfToken: null };
    expect(await liveRecheck(store, { idleTimeoutMs: IDLE }, key, () => T0 + 1)()).toEqual({ ok: true, cameras: null });
    expect(await liveRecheck(store, { idleTimeoutMs: IDLE }, key, () => T0 + 1000)()).toEqual({ ok: false, reason: 'key_revoked' });
    await store.revokeApiKey('k1', T0 + 2);
    expect(await liveRecheck(store, { idleTimeoutMs: IDLE }, key, () => T0 + 3)()).toEqual({ ok: false, reason: 'key_revoked' });
  });
});
