/** Area and camera scoping: which cameras a principal may see (null: all). */
import type { Store } from '../store/store.js';
import type { Principal } from './rbac.js';
import { cameraArea } from './cameras.js';
import { HttpError } from './http.js';

export async function allowedCameraIds(store: Store, p: Pick<Principal, 'scope'>): Promise<Set<string> | null> {
  const s = p.scope;
  const districts = s.districts ?? [];
  const wards = s.wards ?? [];
  const ids = s.cameraIds ?? [];
  if (districts.length === 0 && wards.length === 0 && ids.length === 0) return null;
  const [cameras, sites] = await Promise.all([store.listCameras(), store.listSites()]);
  const siteById = new Map(sites.map((x) => [x.id, x]));
  const out = new Set<string>(ids);
  for (const c of cameras) {
    const a = cameraArea(c, siteById.get(c.siteId));
    if ((a.district !== null && districts.includes(a.district)) || (a.ward !== null && wards.includes(a.ward))) out.add(c.id);
  }
  return out;
}

/** The camera filter of a listing: the requested ids narrowed to those allowed (`[]`: nothing visible; the stores read it so). */
export async function scopedCameraIds(store: Store, p: Principal, requested: readonly string[] | undefined): Promise<string[] | undefined> {
  const allowed = await allowedCameraIds(store, p);
  if (allowed === null) return requested && requested.length > 0 ? [...requested] : undefined;
  const want = requested && requested.length > 0 ? requested.filter((id) => allowed.has(id)) : [...allowed];
  return want;
}

/** A row of a camera outside the principal's scope reads as not found. */
export async function assertCameraVisible(store: Store, p: Principal, cameraId: string | null): Promise<void> {
  const allowed = await allowedCameraIds(store, p);
  if (allowed === null || cameraId === null) return;
  if (!allowed.has(cameraId)) throw new HttpError(404, 'not_found', 'not found');
}
