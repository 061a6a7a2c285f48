/** Creating users (API, `argus users add`, first admin from ARGUS_ADMIN_PASSWORD). */
import { z } from 'zod';
import { ArgusError } from '../core/errors.js';
import { ulid } from '../core/ids.js';
import type { AccessScope, Store, UserRecord } from '../store/store.js';
import { checkPasswordStrength, hashPassword } from './passwords.js';
import { ROLES } from './rbac.js';

export const usernameSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, 'username: 2–64 lower-case letters, digits, ".", "_" or "-"');
export const scopeSchema = z.strictObject({
  districts: z.array(z.string().min(1).max(200)).max(100).optional(),
  wards: z.array(z.string().min(1).max(200)).max(500).optional(),
  cameraIds: z.array(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/)).max(1000).optional(),
});

export interface NewUser {
  readonly username: string;
  readonly password: string;
  readonly roles: readonly string[];
  readonly displayName?: string;
  readonly scope?: AccessScope;
}

export async function createUser(store: Store, u: NewUser, nowMs = Date.now()): Promise<UserRecord> {
  const name = usernameSchema.safeParse(u.username);
  if (!name.success) throw new ArgusError('invalid_argument', name.error.issues[0]?.message ?? 'bad username');
  const unknown = u.roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (u.roles.length === 0 || unknown.length > 0) throw new ArgusError('invalid_argument', `roles must be among ${ROLES.join(', ')}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`);
  checkPasswordStrength(u.password);
  const user: UserRecord = {
    id: ulid(nowMs), username: u.username, displayName: u.displayName ?? u.username, passwordHash: await hashPassword(u.password),
    roles: [...u.roles], scope: u.scope ?? {}, disabled: false, failedLogins: 0, lockedUntilMs: null, createdAtMs: nowMs, updatedAtMs: nowMs,
  };
  await store.createUser(user);
  return user;
}

/** The user as the API shows it: never the hash. */
export const publicUser = (u: UserRecord) => ({
  id: u.id, username: u.username, displayName: u.displayName, roles: u.roles, scope: u.scope, disabled: u.disabled,
  lockedUntilMs: u.lockedUntilMs, createdAtMs: u.createdAtMs, updatedAtMs: u.updatedAtMs,
});

/** First start: no user yet and ARGUS_ADMIN_PASSWORD set → an `admin` user. Returns it when created. */
export async function ensureFirstAdmin(store: Store, password: string | undefined, username = 'admin'): Promise<UserRecord | null> {
  if (!password) return null;
  if ((await store.listUsers()).length > 0) return null;
  return createUser(store, { username, password, roles: ['admin'], displayName: 'Administrator' });
}
