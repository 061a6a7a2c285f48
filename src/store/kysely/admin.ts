/** Sites, cameras, users, roles, sessions and API keys. */
import { sql } from 'kysely';
import { ArgusError } from '../../core/errors.js';
import type {
  AccessScope, ApiKeyRecord, CameraRecord, LoginFailureCount, RoleRecord, SessionRecord, SiteRecord, UserPatch, UserRecord,
} from '../store.js';
import { affected, fromJson, isForeignKeyViolation, isUniqueViolation, num, numOrNull, toJson, type StoreContext, writeTransaction } from './context.js';
import type { ApiKeyTable, CameraTable, SessionTable, SiteTable, UserTable } from './schema.js';

const loc = (lat: number | null, lng: number | null) => (lat === null || lng === null ? null : { lat, lng });

const siteFrom = (r: SiteTable): SiteRecord => ({
  id: r.id, name: r.name, timeZone: r.time_zone, district: r.district, ward: r.ward, location: loc(r.lat, r.lng),
  provinces: fromJson<number[]>(r.provinces),
});

export async function upsertSite(ctx: StoreContext, s: SiteRecord): Promise<void> {
  const row = {
    id: s.id, name: s.name, time_zone: s.timeZone, district: s.district, ward: s.ward, lat: s.location?.lat ?? null, lng: s.location?.lng ?? null,
    provinces: toJson(s.provinces ?? []),
  };
  const { id: _id, ...update } = row;
  await ctx.db.insertInto('sites').values(row).onConflict((oc) => oc.column('id').doUpdateSet(update)).execute();
}

export async function getSite(ctx: StoreContext, id: string): Promise<SiteRecord | null> {
  const r = await ctx.db.selectFrom('sites').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? siteFrom(r) : null;
}

export async function listSites(ctx: StoreContext): Promise<SiteRecord[]> {
  return (await ctx.db.selectFrom('sites').selectAll().orderBy('id').execute()).map(siteFrom);
}

export async function deleteSite(ctx: StoreContext, id: string): Promise<boolean> {
  try {
    return affected(await ctx.db.deleteFrom('sites').where('id', '=', id).executeTakeFirst()) > 0;
  } catch (e) {
    if (isForeignKeyViolation(e)) throw new ArgusError('conflict', `site ${id} still has cameras`, { cause: e });
    throw e;
  }
}

const cameraFrom = (r: CameraTable): CameraRecord => ({
  id: r.id, siteId: r.site_id, name: r.name, kind: r.kind, url: r.url, enabled: Boolean(num(r.enabled)),
  location: loc(r.lat, r.lng), zones: fromJson(r.zones), rules: fromJson(r.rules), updatedAtMs: num(r.updated_at_ms),
});

export async function upsertCamera(ctx: StoreContext, c: CameraRecord): Promise<void> {
  const row: CameraTable = {
    id: c.id, site_id: c.siteId, name: c.name, kind: c.kind, url: c.url, enabled: c.enabled ? 1 : 0,
    lat: c.location?.lat ?? null, lng: c.location?.lng ?? null, zones: toJson(c.zones), rules: toJson(c.rules), updated_at_ms: c.updatedAtMs,
  };
  const { id: _id, ...update } = row;
  try {
    await ctx.db.insertInto('cameras').values(row).onConflict((oc) => oc.column('id').doUpdateSet(update)).execute();
  } catch (e) {
    if (isForeignKeyViolation(e)) throw new ArgusError('not_found', `site ${c.siteId} does not exist`, { cause: e });
    throw e;
  }
}

export async function getCamera(ctx: StoreContext, id: string): Promise<CameraRecord | null> {
  const r = await ctx.db.selectFrom('cameras').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? cameraFrom(r) : null;
}

export async function listCameras(ctx: StoreContext, filter: { siteId?: string } = {}): Promise<CameraRecord[]> {
  let q = ctx.db.selectFrom('cameras').selectAll();
  if (filter.siteId !== undefined) q = q.where('site_id', '=', filter.siteId);
  return (await q.orderBy('id').execute()).map(cameraFrom);
}

export async function deleteCamera(ctx: StoreContext, id: string): Promise<boolean> {
  return affected(await ctx.db.deleteFrom('cameras').where('id', '=', id).executeTakeFirst()) > 0;
}

const userFrom = (r: UserTable): UserRecord => ({
  id: r.id, username: r.username, displayName: r.display_name, passwordHash: r.password_hash,
  roles: fromJson<string[]>(r.roles), scope: fromJson<AccessScope>(r.scope), disabled: Boolean(num(r.disabled)),
  failedLogins: num(r.failed_logins), lockedUntilMs: numOrNull(r.locked_until_ms), createdAtMs: num(r.created_at_ms), updatedAtMs: num(r.updated_at_ms),
});

function userRow(u: UserRecord): Omit<UserTable, 'last_failed_login_ms'> {
  return {
    id: u.id, username: u.username, display_name: u.displayName, password_hash: u.passwordHash, roles: toJson([...u.roles]),
    scope: toJson(u.scope), disabled: u.disabled ? 1 : 0, failed_logins: u.failedLogins, locked_until_ms: u.lockedUntilMs,
    created_at_ms: u.createdAtMs, updated_at_ms: u.updatedAtMs,
  };
}

export async function createUser(ctx: StoreContext, u: UserRecord): Promise<void> {
  try {
    await ctx.db.insertInto('users').values(userRow(u)).execute();
  } catch (e) {
    if (isUniqueViolation(e)) throw new ArgusError('conflict', `user ${u.id} or username ${JSON.stringify(u.username)} exists`, { cause: e });
    throw e;
  }
}

export async function getUser(ctx: StoreContext, by: 'id' | 'username', value: string): Promise<UserRecord | null> {
  const r = await ctx.db.selectFrom('users').selectAll().where(by, '=', value).executeTakeFirst();
  return r ? userFrom(r) : null;
}

export async function listUsers(ctx: StoreContext): Promise<UserRecord[]> {
  return (await ctx.db.selectFrom('users').selectAll().orderBy('username').execute()).map(userFrom);
}

export async function updateUser(ctx: StoreContext, id: string, patch: UserPatch): Promise<UserRecord> {
  return writeTransaction(ctx, async (trx) => {
    const cur = await trx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    if (!cur) throw new ArgusError('not_found', `user ${id} does not exist`);
    const next: UserRecord = { ...userFrom(cur), ...patch, id, createdAtMs: num(cur.created_at_ms) };
    const { id: _id, ...update } = userRow(next);
    try {
      await trx.updateTable('users').set(update).where('id', '=', id).execute();
    } catch (e) {
      if (isUniqueViolation(e)) throw new ArgusError('conflict', `username ${JSON.stringify(next.username)} exists`, { cause: e });
      throw e;
    }
    return next;
  });
}

export async function deleteUser(ctx: StoreContext, id: string): Promise<boolean> {
  return affected(await ctx.db.deleteFrom('users').where('id', '=', id).executeTakeFirst()) > 0;
}

/** One UPDATE … RETURNING: every expression reads the row as it was, and concurrent updates of the row queue up. */
export async function recordLoginFailure(ctx: StoreContext, userId: string, nowMs: number, max: number, lockoutMs: number): Promise<LoginFailureCount | null> {
  const lockOn = sql<boolean>`(locked_until_ms is not null and locked_until_ms > ${nowMs})`;
  // A new period: the lock is over, or (no lock) the last attempt is a lockout period old.
  const restart = sql<boolean>`((locked_until_ms is not null and locked_until_ms <= ${nowMs})
    or (locked_until_ms is null and (last_failed_login_ms is null or last_failed_login_ms <= ${nowMs - lockoutMs})))`;
  const next = sql<number>`(case when ${restart} then 1 else failed_logins + 1 end)`;
  const r = await ctx.db.updateTable('users')
    .set({
      failed_logins: next,
      locked_until_ms: sql<number | null>`(case when ${lockOn} then locked_until_ms when ${next} >= ${max} then ${nowMs + lockoutMs} else null end)`,
      last_failed_login_ms: nowMs,
    })
    .where('id', '=', userId)
    .returning(['failed_logins', 'locked_until_ms'])
    .executeTakeFirst();
  return r ? { failedLogins: num(r.failed_logins), lockedUntilMs: numOrNull(r.locked_until_ms) } : null;
}

export async function upsertRole(ctx: StoreContext, r: RoleRecord): Promise<void> {
  const row = { name: r.name, description: r.description, permissions: toJson([...r.permissions]) };
  await ctx.db.insertInto('roles').values(row).onConflict((oc) => oc.column('name').doUpdateSet({ description: row.description, permissions: row.permissions })).execute();
}

export async function listRoles(ctx: StoreContext, name?: string): Promise<RoleRecord[]> {
  let q = ctx.db.selectFrom('roles').selectAll();
  if (name !== undefined) q = q.where('name', '=', name);
  const rows = await q.orderBy('name').execute();
  return rows.map((r) => ({ name: r.name, description: r.description, permissions: fromJson<string[]>(r.permissions) }));
}

export async function deleteRole(ctx: StoreContext, name: string): Promise<boolean> {
  return affected(await ctx.db.deleteFrom('roles').where('name', '=', name).executeTakeFirst()) > 0;
}

const sessionFrom = (r: SessionTable): SessionRecord => ({
  id: r.id, userId: r.user_id, createdAtMs: num(r.created_at_ms), expiresAtMs: num(r.expires_at_ms), lastSeenMs: num(r.last_seen_ms),
  csrfToken: r.csrf_token, ip: r.ip, userAgent: r.user_agent,
});

export async function createSession(ctx: StoreContext, s: SessionRecord): Promise<void> {
  try {
    await ctx.db.insertInto('sessions').values({
      id: s.id, user_id: s.userId, created_at_ms: s.createdAtMs, expires_at_ms: s.expiresAtMs, last_seen_ms: s.lastSeenMs,
      csrf_token: s.csrfToken, ip: s.ip, user_agent: s.userAgent,
    }).execute();
  } catch (e) {
    if (isForeignKeyViolation(e)) throw new ArgusError('not_found', `user ${s.userId} does not exist`, { cause: e });
    if (isUniqueViolation(e)) throw new ArgusError('conflict', 'session exists', { cause: e });
    throw e;
  }
}

export async function getSession(ctx: StoreContext, id: string): Promise<SessionRecord | null> {
  const r = await ctx.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? sessionFrom(r) : null;
}

export async function touchSession(ctx: StoreContext, id: string, lastSeenMs: number, expiresAtMs: number): Promise<boolean> {
  const r = await ctx.db.updateTable('sessions').set({ last_seen_ms: lastSeenMs, expires_at_ms: expiresAtMs }).where('id', '=', id).executeTakeFirst();
  return affected(r) > 0;
}

export async function deleteSessions(ctx: StoreContext, by: 'id' | 'user_id' | 'expired', value: string | number): Promise<number> {
  const q = ctx.db.deleteFrom('sessions');
  const r = by === 'expired'
    ? await q.where('expires_at_ms', '<=', Number(value)).executeTakeFirst()
    : await q.where(by, '=', String(value)).executeTakeFirst();
  return affected(r);
}

const keyFrom = (r: ApiKeyTable): ApiKeyRecord => ({
  id: r.id, name: r.name, keyHash: r.key_hash, prefix: r.prefix, scopes: fromJson<string[]>(r.scopes), scope: fromJson<AccessScope>(r.scope),
  rateLimitPerMin: num(r.rate_limit_per_min),
  ownerUserId: r.owner_user_id, createdAtMs: num(r.created_at_ms), expiresAtMs: numOrNull(r.expires_at_ms),
  revokedAtMs: numOrNull(r.revoked_at_ms), lastUsedMs: numOrNull(r.last_used_ms),
});

export async function createApiKey(ctx: StoreContext, k: ApiKeyRecord): Promise<void> {
  try {
    await ctx.db.insertInto('api_keys').values({
      id: k.id, name: k.name, key_hash: k.keyHash, prefix: k.prefix, scopes: toJson([...k.scopes]), scope: toJson(k.scope), rate_limit_per_min: k.rateLimitPerMin,
      owner_user_id: k.ownerUserId, created_at_ms: k.createdAtMs, expires_at_ms: k.expiresAtMs, revoked_at_ms: k.revokedAtMs, last_used_ms: k.lastUsedMs,
    }).execute();
  } catch (e) {
    if (isUniqueViolation(e)) throw new ArgusError('conflict', `API key ${k.id} exists`, { cause: e });
    throw e;
  }
}

export async function getApiKeyByHash(ctx: StoreContext, keyHash: string): Promise<ApiKeyRecord | null> {
  const r = await ctx.db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
  return r ? keyFrom(r) : null;
}

export async function listApiKeys(ctx: StoreContext): Promise<ApiKeyRecord[]> {
  return (await ctx.db.selectFrom('api_keys').selectAll().orderBy('created_at_ms').orderBy('id').execute()).map(keyFrom);
}

export async function revokeApiKey(ctx: StoreContext, id: string, atMs: number): Promise<boolean> {
  const r = await ctx.db.updateTable('api_keys').set({ revoked_at_ms: atMs }).where('id', '=', id).where('revoked_at_ms', 'is', null).executeTakeFirst();
  return affected(r) > 0;
}

export async function revokeUserApiKeys(ctx: StoreContext, userId: string, atMs: number): Promise<number> {
  const r = await ctx.db.updateTable('api_keys').set({ revoked_at_ms: atMs }).where('owner_user_id', '=', userId).where('revoked_at_ms', 'is', null).executeTakeFirst();
  return affected(r);
}

export async function touchApiKey(ctx: StoreContext, id: string, lastUsedMs: number): Promise<void> {
  await ctx.db.updateTable('api_keys').set({ last_used_ms: lastUsedMs }).where('id', '=', id).execute();
}
