/** Users, roles and permissions, API keys; who the caller is (`/api/auth/me`) and the sign-in answer. */
import { z } from 'zod';
import { accessScope, listOf } from './common.js';

/** Every permission a route can require (the RBAC table of src/server/rbac.ts grants them to roles). */
export const PERMISSIONS = [
  'sites.read', 'sites.write',
  'cameras.read', 'cameras.write', 'cameras.status',
  'events.read', 'counts.read',
  'violations.read', 'violations.review',
  'plates.search', 'plates.trace',
  'watchlists.read', 'watchlists.write',
  'alerts.read', 'alerts.ack',
  'live.read',
  'users.read', 'users.write', 'apikeys.write',
  'audit.read',
  'ingest.write',
  'reports.read', 'reports.write',
  'incidents.write',
  'requests.create', 'requests.approve',
  'centres.write', 'centres.views',
  // Faces are sensitive personal data: seeing one (crop, match), searching by face, and enrolling on a face watch list.
  'faces.view', 'faces.search', 'faces.enrol',
  // Attribute search: where people and vehicles of a class and colour went (no face).
  'people.search',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ['admin', 'supervisor', 'reviewer', 'investigator', 'operator', 'viewer', 'partner'] as const;
export type Role = (typeof ROLES)[number];

const role = z.enum(ROLES);
const permission = z.enum(PERMISSIONS);

/** A user as the API shows it (never the password hash). */
export const user = z.strictObject({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(role),
  scope: accessScope,
  disabled: z.boolean(),
  /** Sign-ins under this name are throttled until then (null: not throttled). */
  lockedUntilMs: z.number().nullable(),
  createdAtMs: z.number(),
  updatedAtMs: z.number(),
});
export type User = z.infer<typeof user>;
export const users = listOf(user);

export const roleInfo = z.strictObject({ name: role, permissions: z.array(permission) });
export type RoleInfo = z.infer<typeof roleInfo>;
export const roles = listOf(roleInfo);

/** The caller: a signed-in user or an API key, what it may do and where. */
export const me = z.strictObject({
  kind: z.enum(['user', 'apikey']),
  id: z.string().nullable(),
  username: z.string(),
  roles: z.array(z.string()),
  permissions: z.array(permission),
  scope: accessScope,
  /** Send it as `x-csrf-token` on every change (null for an API key). */
  csrfToken: z.string().nullable(),
});
export type Me = z.infer<typeof me>;

export const loginAnswer = z.strictObject({
  user: z.strictObject({ id: z.string(), username: z.string(), displayName: z.string(), roles: z.array(role), scope: accessScope }),
  csrfToken: z.string(),
  expiresAtMs: z.number(),
});
export type LoginAnswer = z.infer<typeof loginAnswer>;

/** An API key as listed (no secret, no hash). */
export const apiKey = z.strictObject({
  id: z.string(),
  name: z.string(),
  /** The first characters of the key, to recognise it. */
  prefix: z.string(),
  scopes: z.array(permission),
  scope: accessScope,
  rateLimitPerMin: z.number(),
  ownerUserId: z.string().nullable(),
  createdAtMs: z.number(),
  expiresAtMs: z.number().nullable(),
  revokedAtMs: z.number().nullable(),
  lastUsedMs: z.number().nullable(),
});
export type ApiKey = z.infer<typeof apiKey>;
export const apiKeys = listOf(apiKey);

/** A new key: its secret is in this answer and nowhere else, ever. */
export const apiKeyCreated = z.strictObject({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(permission),
  scope: accessScope,
  rateLimitPerMin: z.number(),
  expiresAtMs: z.number(),
  secret: z.string(),
});
export type NewApiKey = z.infer<typeof apiKeyCreated>;
