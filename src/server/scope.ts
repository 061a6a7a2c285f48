/**
 * Area and camera scoping: which cameras a principal may see (null: all). The effective area is the principal's own
 * scope intersected with its monitoring centre's (when it has one): a centre only ever narrows what an admin gave a
 * user, never widens it; an unrestricted scope (`{}`) on either side leaves the other one alone.
 */
import type { AccessScope, Store } from '../store/store.js';
import type { Principal } from './rbac.js';
import { cameraArea } from './cameras.js';
import { HttpError } from './http.js';

/** Who a scope check is about: the principal's own area and its centre's. */
export type ScopeHolder = Pick<Principal, 'scope' | 'centre'>;

const unrestricted = (s: AccessScope): boolean => (s.districts ?? []).length === 0 && (s.wards ?? []).length === 0 && (s.cameraIds ?? []).length === 0;

/** The cameras of one area (null: everywhere). */
async function camerasOfScope(store: Store, s: AccessScope): Promise<Set<string> | null> {
  if (unrestricted(s)) return null;
  const districts = s.districts ?? [];
  const wards = s.wards ?? [];
  const [cameras, sites] = await Promise.all([store.listCameras(), store.listSites()]);
  const siteById = new Map(sites.map((x) => [x.id, x]));
  const out = new Set<string>(s.cameraIds ?? []);
  for (const c of cameras) {
    const a = cameraArea(c, siteById.get(c.siteId));
    if ((a.district !== null && districts.includes(a.district)) || (a.ward !== null && wards.includes(a.ward))) out.add(c.id);
  }
  return out;
}

export async function allowedCameraIds(store: Store, p: ScopeHolder): Promise<Set<string> | null> {
  const own = await camerasOfScope(store, p.scope);
  const centre = p.centre ? await camerasOfScope(store, p.centre.scope) : null;
  if (centre === null) return own;
  if (own === null) return centre;
  return new Set([...own].filter((id) => centre.has(id)));
}

/** Whether a district lies in the principal's effective area: named by its own scope (or that is unrestricted) and by its centre's (or that is unrestricted). */
export function districtInScope(p: ScopeHolder, district: string): boolean {
  const names = (s: AccessScope): boolean => unrestricted(s) || (s.districts ?? []).includes(district);
  return names(p.scope) && (!p.centre || names(p.centre.scope));
}

/** The camera filter of a listing: the requested ids narrowed to those allowed (`[]`: nothing visible; the stores read it so). */
export async function scopedCameraIds(store: Store, p: ScopeHolder, requested: readonly string[] | undefined): Promise<string[] | undefined> {
  const allowed = await allowedCameraIds(store, p);
  if (allowed === null) return requested && requested.length > 0 ? [...requested] : undefined;
  const want = requested && requested.length > 0 ? requested.filter((id) => allowed.has(id)) : [...allowed];
  return want;
}

/** A row of a camera outside the principal's scope reads as not found. */
export async function assertCameraVisible(store: Store, p: ScopeHolder, cameraId: string | null): Promise<void> {
  const allowed = await allowedCameraIds(store, p);
  if (allowed === null || cameraId === null) return;
  if (!allowed.has(cameraId)) throw new HttpError(404, 'not_found', 'not found');
}
