/**
 * A site's earlier plate reads, from the store: what a new plate pool's site prior learns first
 * (service-stages.ts), so a pool started again after a restart or a crash reads the site's plates as well as
 * it did before, not as a fresh reader. The most recent sightings of the site's cameras (those of the site file
 * and those added through the API), oldest first. A read by the system, not a look by an official: not audited.
 */
import type { ArgusConfig } from '../config/schema.js';
import type { PlateHistoryEntry } from '../plates/site-prior.js';
import type { Store } from '../store/store.js';

/** Sightings read back: the site prior remembers about 5 000 reads, and a thousand recent ones make it warm. */
export const HISTORY_READS = 1000;

/** None older than this: a month-old mix says little about today's traffic. */
export const HISTORY_MAX_AGE_MS = 30 * 24 * 3600 * 1000;

export async function recentSitePlates(
  store: Store,
  config: ArgusConfig | undefined,
  site: { readonly id: string } | undefined,
  nowMs = Date.now(),
): Promise<PlateHistoryEntry[]> {
  if (!site) return [];
  const cameraIds = new Set([
    ...(config?.cameras ?? []).filter((c) => c.site === site.id).map((c) => c.id),
    ...(await store.listCameras({ siteId: site.id })).map((c) => c.id),
  ]);
  if (cameraIds.size === 0) return [];
  const page = await store.listSightings({ cameraIds: [...cameraIds], fromMs: nowMs - HISTORY_MAX_AGE_MS, limit: HISTORY_READS });
  return page.items
    .sort((a, b) => a.atMs - b.atMs)
    .map((s) => ({ key: s.plateKey, confidence: s.confidence }));
}
