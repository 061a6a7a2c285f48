/**
 * The rules of partner API keys: how long one lives, and which area it may act in. A key's area (an AccessScope, as
 * a user's) never exceeds its owner's — checked when it is made, and again on every use (the owner's scope may have
 * narrowed since); its permissions never exceed its owner's either. An unrestricted scope (`{}`) is everywhere.
 */
import type { AccessScope, Store } from '../store/store.js';
import { allowedCameraIds } from './scope.js';

const DAY_MS = 86_400_000;
/** A key made without an expiry lives this long. */
export const API_KEY_DEFAULT_LIFETIME_MS = 90 * DAY_MS;
/** The longest a key made through the API may live. */
export const API_KEY_MAX_LIFETIME_MS = 366 * DAY_MS;

export const isEverywhere = (s: AccessScope): boolean =>
  (s.districts ?? []).length === 0 && (s.wards ?? []).length === 0 && (s.cameraIds ?? []).length === 0;

/**
 * Why `inner` reaches outside `outer`, or null when it does not. Districts and wards must be among `outer`'s own
 * (a ward is not known to lie in a district); a camera id must be among `outer`'s cameras or, today, in its area.
 */
export async function scopeExcess(store: Store, inner: AccessScope, outer: AccessScope): Promise<string | null> {
  if (isEverywhere(outer)) return null;
  if (isEverywhere(inner)) return 'an unrestricted area (the owner has a restricted one)';
  const missing = (mine: readonly string[] | undefined, theirs: readonly string[] | undefined): string[] =>
    (mine ?? []).filter((x) => !(theirs ?? []).includes(x));
  const districts = missing(inner.districts, outer.districts);
  if (districts.length > 0) return `districts outside the owner's: ${districts.join(', ')}`;
  const wards = missing(inner.wards, outer.wards);
  if (wards.length > 0) return `wards outside the owner's: ${wards.join(', ')}`;
  const cameras = missing(inner.cameraIds, outer.cameraIds);
  if (cameras.length === 0) return null;
  const allowed = await allowedCameraIds(store, { scope: outer });
  const outside = allowed === null ? [] : cameras.filter((c) => !allowed.has(c));
  return outside.length > 0 ? `cameras outside the owner's area: ${outside.join(', ')}` : null;
}
