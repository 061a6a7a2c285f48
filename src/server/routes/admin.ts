/** Users and roles, API keys (admin) and the audit log (admin, supervisor). */
import { z } from 'zod';
import { loadAuditTrust, verifyAuditSeal } from '../../store/audit-seal.js';
import { auditPage, auditVerification } from '../../contract/audit.js';
import { ok } from '../../contract/common.js';
import { apiKeyCreated, apiKeys, roles as rolesList, user, users } from '../../contract/users.js';
import type { ServerContext } from '../context.js';
import type { AccessScope } from '../../store/store.js';
import { API_KEY_DEFAULT_LIFETIME_MS, API_KEY_MAX_LIFETIME_MS, isEverywhere, scopeExcess } from '../apikeys.js';
import { newApiKey, type Principal } from '../auth.js';
import { HttpError, notFound } from '../http.js';
import { hashPassword, checkPasswordStrength } from '../passwords.js';
import { PERMISSIONS, permissionsOfRoles, ROLE_PERMISSIONS, ROLES } from '../rbac.js';
import { idParams, pageQuery, timeQuery } from '../schemas.js';
import { createUser, publicUser, scopeSchema, usernameSchema } from '../users.js';

const roles = z.array(z.enum(ROLES)).min(1).max(ROLES.length);
const userBody = z.strictObject({
  username: usernameSchema, password: z.string().min(1).max(256), roles,
  displayName: z.string().trim().min(1).max(200).optional(), scope: scopeSchema.default({}),
});
const userPatch = z.strictObject({
  displayName: z.string().trim().min(1).max(200).optional(), roles: roles.optional(), scope: scopeSchema.optional(),
  disabled: z.boolean().optional(), password: z.string().min(1).max(256).optional(), unlock: z.literal(true).optional(),
});
const keyBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  scopes: z.array(z.enum(PERMISSIONS)).min(1).max(PERMISSIONS.length),
  scope: scopeSchema.optional().describe("Area the key acts in, within the creator's own (default: the creator's scope); an ingest.write key must name its cameras or area"),
  rateLimitPerMin: z.number().int().min(1).max(100_000).default(600),
  expiresAtMs: z.number().int().min(0).optional().describe(`Expiry, ms since epoch (default in ${API_KEY_DEFAULT_LIFETIME_MS / 86_400_000} days, at most ${API_KEY_MAX_LIFETIME_MS / 86_400_000} days ahead)`),
});
const auditQuery = z.strictObject({ ...timeQuery, ...pageQuery, actor: z.string().min(1).max(100).optional(), action: z.string().regex(/^[a-z_.]{1,60}$/).optional() });

export function adminRoutes(ctx: ServerContext): void {
  const { router: r, store } = ctx;
  r.add({
    method: 'GET', url: '/api/roles', tag: 'users', permission: 'users.read', summary: 'Roles and their permissions (the RBAC table)',
    response: rolesList,
    handler: async () => ({ items: ROLES.map((name) => ({ name, permissions: ROLE_PERMISSIONS[name] })) }),
  });
  r.add({
    method: 'GET', url: '/api/users', tag: 'users', permission: 'users.read', summary: 'Users',
    response: users,
    handler: async () => ({ items: (await store.listUsers()).map(publicUser) }),
  });
  r.add({
    method: 'POST', url: '/api/users', tag: 'users', permission: 'users.write', summary: 'Create a user (audited)', body: userBody,
    response: user,
    handler: async ({ req, principal, body }) => {
      const u = await createUser(store, body);
      await ctx.audit(req, principal, 'user.create', u.id, { username: u.username, roles: u.roles as string[] });
      return publicUser(u);
    },
  });
  r.add({
    method: 'PATCH', url: '/api/users/:id', tag: 'users', permission: 'users.write', summary: 'Edit, disable, unlock or reset the password of a user (audited)', params: idParams, body: userPatch,
    response: user,
    handler: async ({ req, principal, params, body }) => {
      if (!(await store.getUser(params.id))) throw notFound('user');
      if (body.password !== undefined) checkPasswordStrength(body.password);
      const u = await store.updateUser(params.id, {
        ...(body.displayName !== undefined ? { displayName: body.displayName } : {}),
        ...(body.roles !== undefined ? { roles: body.roles } : {}),
        ...(body.scope !== undefined ? { scope: body.scope } : {}),
        ...(body.disabled !== undefined ? { disabled: body.disabled } : {}),
        ...(body.password !== undefined ? { passwordHash: await hashPassword(body.password) } : {}),
        ...(body.unlock ? { failedLogins: 0, lockedUntilMs: null } : {}),
        updatedAtMs: Date.now(),
      });
      if (body.disabled || body.password !== undefined || body.roles !== undefined) await store.deleteUserSessions(u.id);
      await ctx.hub.recheck({ userId: u.id }); // live streams of a disabled, re-roled or re-scoped user end now
      await ctx.audit(req, principal, 'user.edit', u.id, { fields: Object.keys(body) });
      return publicUser(u);
    },
  });
  r.add({
    method: 'DELETE', url: '/api/users/:id', tag: 'users', permission: 'users.write', summary: 'Delete a user (audited)', params: idParams,
    response: ok,
    handler: async ({ req, principal, params }) => {
      if (principal!.userId === params.id) throw new HttpError(400, 'invalid_request', 'you cannot delete yourself');
      if (!(await store.getUser(params.id))) throw notFound('user');
      // Their API keys die with them (they also stop at once on their own: a key checks its owner on every use).
      const keysRevoked = await store.revokeUserApiKeys(params.id, Date.now());
      if (!(await store.deleteUser(params.id))) throw notFound('user');
      await ctx.hub.recheck({ userId: params.id });
      await ctx.audit(req, principal, 'user.delete', params.id, { keysRevoked });
      return { ok: true };
    },
  });

  r.add({
    method: 'GET', url: '/api/apikeys', tag: 'apikeys', permission: 'apikeys.write', summary: 'API keys (no secrets)',
    response: apiKeys,
    handler: async () => ({ items: (await store.listApiKeys()).map(({ keyHash: _h, ...k }) => k) }),
  });
  r.add({
    method: 'POST', url: '/api/apikeys', tag: 'apikeys', permission: 'apikeys.write', summary: 'Create a partner API key; the secret is shown once (audited)', body: keyBody,
    response: apiKeyCreated,
    handler: async ({ req, principal, body }) => {
      const now = Date.now();
      const { scope, expiresAtMs } = await checkNewKey(ctx, principal!, body, now);
      const k = newApiKey(now);
      await store.createApiKey({
        id: k.id, name: body.name, keyHash: k.keyHash, prefix: k.prefix, scopes: body.scopes, scope, rateLimitPerMin: body.rateLimitPerMin,
        ownerUserId: principal!.userId, createdAtMs: now, expiresAtMs, revokedAtMs: null, lastUsedMs: null,
      });
      await ctx.audit(req, principal, 'apikey.create', k.id, { name: body.name, scopes: body.scopes, scope: scope as Record<string, string[]>, expiresAtMs });
      return { id: k.id, name: body.name, prefix: k.prefix, scopes: body.scopes, scope, rateLimitPerMin: body.rateLimitPerMin, expiresAtMs, secret: k.secret };
    },
  });
  r.add({
    method: 'DELETE', url: '/api/apikeys/:id', tag: 'apikeys', permission: 'apikeys.write', summary: 'Revoke an API key (audited)', params: idParams,
    response: ok,
    handler: async ({ req, principal, params }) => {
      if (!(await store.revokeApiKey(params.id, Date.now()))) throw notFound('API key');
      await ctx.hub.recheck({ actor: `apikey:${params.id}` });
      await ctx.audit(req, principal, 'apikey.revoke', params.id, {});
      return { ok: true };
    },
  });

  r.add({
    method: 'GET', url: '/api/audit', tag: 'audit', permission: 'audit.read', summary: 'The audit log, oldest first (reading it is audited too)', query: auditQuery,
    response: auditPage,
    handler: async ({ req, principal, query }) => {
      const page = await store.listAudit({ fromMs: query.from, toMs: query.to, limit: query.limit, cursor: query.cursor, actor: query.actor, action: query.action });
      await ctx.audit(req, principal, 'audit.read', null, { actor: query.actor, action: query.action });
      return page;
    },
  });
  r.add({
    method: 'GET', url: '/api/audit/verify', tag: 'audit', permission: 'audit.read',
    summary: 'Check the audit log: the hash chain, the signatures of its checkpoints (audit key outside the database), that each signed head '
      + 'hash is still the chain\'s, and that the chain reaches the latest checkpoint (from the anchor file). {ok, count, headSeq, checkpoints, '
      + 'latestCheckpoint, unsealedRows, problems: [{check: chain|signature|checkpoint|tail|anchor, seq, message}]}',
    response: auditVerification,
    handler: async () => verifyAuditSeal(store, ctx.auditSeal ? await loadAuditTrust(ctx.auditSeal) : { publicKey: null, keySource: 'none (this service signs no checkpoints)', anchor: null }),
  });
}

/** A new key acts within its creator: their permissions, their area (a machine key for ingest names its cameras), a bounded life. */
async function checkNewKey(ctx: ServerContext, creator: Principal, body: z.output<typeof keyBody>, nowMs: number): Promise<{ scope: AccessScope; expiresAtMs: number }> {
  const owner = creator.userId === null ? null : await ctx.store.getUser(creator.userId);
  if (!owner) throw new HttpError(403, 'forbidden', 'only a signed-in user can make API keys');
  const ownerMay = permissionsOfRoles(owner.roles);
  const beyond = body.scopes.filter((p) => !ownerMay.has(p));
  if (beyond.length > 0) throw new HttpError(403, 'forbidden', `a key cannot do what you may not: ${beyond.join(', ')}`);
  const scope = body.scope ?? owner.scope;
  if (body.scopes.includes('ingest.write') && isEverywhere(scope)) {
    throw new HttpError(400, 'invalid_request', 'body.scope: an ingest.write key must name the cameras (or districts, wards) it posts for');
  }
  const excess = await scopeExcess(ctx.store, scope, owner.scope);
  if (excess) throw new HttpError(403, 'forbidden', `a key's area must lie within yours: ${excess}`);
  const expiresAtMs = body.expiresAtMs ?? nowMs + API_KEY_DEFAULT_LIFETIME_MS;
  if (expiresAtMs <= nowMs || expiresAtMs > nowMs + API_KEY_MAX_LIFETIME_MS) {
    throw new HttpError(400, 'invalid_request', `body.expiresAtMs: must be in the future and at most ${API_KEY_MAX_LIFETIME_MS / 86_400_000} days ahead`);
  }
  return { scope, expiresAtMs };
}
