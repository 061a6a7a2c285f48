/**
 * Roles × permissions: the ONE table that drives every access check of the API (routes name a permission),
 * and the permission that reads each class of data where one route serves records of several classes (events,
 * alerts, the live push; see data-class.ts). Area and camera scoping is applied on top (see scope.ts).
 */
import { PERMISSIONS, ROLES, type Permission, type Role } from '../contract/users.js';
import type { AccessScope } from '../store/store.js';
import { HttpError } from './errors.js';

// The permission and role names are part of the API (src/contract/users.ts); what each role may do is decided here.
export { PERMISSIONS, ROLES, type Permission, type Role };

export interface PrincipalCentre {
  readonly id: string;
  readonly name: string;
  readonly scope: AccessScope;
}

/** Who is calling (a signed-in user or an API key), with what it may do. */
export interface Principal {
  readonly kind: 'user' | 'apikey';
  /** user id, or `apikey:<id>` (the audit actor). */
  readonly actor: string;
  readonly userId: string | null;
  readonly username: string;
  readonly roles: readonly string[];
  readonly permissions: ReadonlySet<Permission>;
  /** The user's own area (an API key's: the key's). */
  readonly scope: AccessScope;
  /**
   * The monitoring centre of the user (of a key's owner): its area narrows `scope` further (the effective area is the
   * intersection, scope.ts); null or absent: no centre.
   */
  readonly centre?: PrincipalCentre | null;
  readonly sessionId: string | null;
  readonly csrfToken: string | null;
}

const VIEW: readonly Permission[] = ['sites.read', 'cameras.read', 'cameras.status', 'events.read', 'counts.read', 'alerts.read', 'live.read'];

/** What each role may do. Partner = an outside agency, usually through an API key (its scopes narrow it further). */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: PERMISSIONS,
  supervisor: [...VIEW, 'violations.read', 'violations.review', 'plates.search', 'plates.trace', 'watchlists.read', 'watchlists.write', 'alerts.ack', 'users.read', 'audit.read', 'reports.read', 'reports.write', 'incidents.write', 'requests.approve', 'centres.views', 'faces.view', 'faces.search', 'faces.enrol', 'people.search'],
  reviewer: [...VIEW, 'violations.read', 'violations.review'],
  investigator: [...VIEW, 'violations.read', 'plates.search', 'plates.trace', 'watchlists.read', 'watchlists.write', 'requests.create', 'faces.view', 'faces.search', 'faces.enrol', 'people.search'],
  operator: [...VIEW, 'alerts.ack', 'violations.read', 'incidents.write', 'faces.view'],
  viewer: VIEW,
  partner: ['plates.search', 'plates.trace', 'watchlists.read', 'requests.create'],
};

export const isRole = (r: string): r is Role => (ROLES as readonly string[]).includes(r);

export function permissionsOfRoles(roles: readonly string[]): Set<Permission> {
  const out = new Set<Permission>();
  for (const r of roles) if (isRole(r)) for (const p of ROLE_PERMISSIONS[r]) out.add(p);
  return out;
}

/**
 * What an API key may hold beyond `partner`: `ingest.write` (edge analysers and partner ANPR cameras posting
 * sightings) is a machine's permission, given to keys, never to a person's role but admin.
 */
export const KEY_ONLY_PERMISSIONS: readonly Permission[] = ['ingest.write', 'incidents.write'];

/** API keys act as `partner` (plus KEY_ONLY_PERMISSIONS), narrowed to their scopes. */
export function permissionsOfApiKey(scopes: readonly string[]): Set<Permission> {
  const allowed = new Set<string>([...ROLE_PERMISSIONS.partner, ...KEY_ONLY_PERMISSIONS]);
  return new Set(PERMISSIONS.filter((p) => allowed.has(p) && scopes.includes(p)));
}

/**
 * Classes of data a route may serve mixed together. `traffic` (counts, line crossings, zone events, camera health,
 * rule alerts) needs only the route's own permission; the others also need their CLASS_PERMISSION, else the record
 * is served redacted to its traffic part (data-class.ts).
 */
export const DATA_CLASSES = ['traffic', 'plate', 'violation', 'watchlist', 'face'] as const;
export type DataClass = (typeof DATA_CLASSES)[number];

/**
 * Who reads each class: plate reads and any plate text → `plates.search`; a violation with its plate (the legal
 * record reviewers work on) → `violations.read`; a watch-list hit's details (list, pattern, note, plate) →
 * `watchlists.read`; a face (a crop, an embedding, a face watch-list match) → `faces.view` (Decree 13/2023: biometric
 * data is sensitive personal data).
 */
export const CLASS_PERMISSION: Readonly<Record<Exclude<DataClass, 'traffic'>, Permission>> = {
  plate: 'plates.search',
  violation: 'violations.read',
  watchlist: 'watchlists.read',
  face: 'faces.view',
};

/** The classes a holder of these permissions may read in full (traffic always). */
export function readableClasses(permissions: ReadonlySet<Permission>): ReadonlySet<DataClass> {
  return new Set<DataClass>(DATA_CLASSES.filter((c) => c === 'traffic' || permissions.has(CLASS_PERMISSION[c])));
}

export function can(principal: Principal, permission: Permission): boolean {
  return principal.permissions.has(permission);
}

export function requirePermission(principal: Principal, permission: Permission): void {
  if (!can(principal, permission)) throw new HttpError(403, 'forbidden', `your role may not do this (needs ${permission})`);
}
