/**
 * A site's earlier plate reads, from the store: what a new plate pool's site prior learns first
 * (src/pipeline/runtime/stages.ts), so a pool started again after a restart or a crash reads the site's plates as well as
 * it did before, not as a fresh reader. The most recent sightings of the site's cameras, oldest first: the store's
 * cameras, which include the site file's (written to the store at start, before any camera runs). A read by the
 * system, not a look by an official: not audited.
 */
import type { PlateHistoryEntry } from '../plates/site-prior.js';
import type { PlateHistoryReply } from '../pipeline/worker/protocol.js';
import type { Store } from '../store/store.js';

/** Sightings read back: the site prior remembers about 5 000 reads, and a thousand recent ones make it warm. */
export const HISTORY_READS = 1000;

/** None older than this: a month-old mix says little about today's traffic. */
export const HISTORY_MAX_AGE_MS = 30 * 24 * 3600 * 1000;

export async function recentSitePlates(store: Store, siteId: string, nowMs = Date.now()): Promise<PlateHistoryEntry[]> {
  const cameraIds = (await store.listCameras({ siteId })).map((c) => c.id);
  if (cameraIds.length === 0) return [];
  const page = await store.listSightings({ cameraIds, fromMs: nowMs - HISTORY_MAX_AGE_MS, limit: HISTORY_READS });
  return page.items
    .sort((a, b) => a.atMs - b.atMs)
    .map((s) => ({ key: s.plateKey, confidence: s.confidence }));
}

/** The same reads with their camera and time, as the scaled mode's plate history responder answers a worker. */
export async function sitePlateHistory(store: Store, siteId: string, nowMs = Date.now()): Promise<PlateHistoryReply['plates']> {
  const cameraIds = (await store.listCameras({ siteId })).map((c) => c.id);
  if (cameraIds.length === 0) return [];
  const page = await store.listSightings({ cameraIds, fromMs: nowMs - HISTORY_MAX_AGE_MS, limit: HISTORY_READS });
  return page.items
    .sort((a, b) => a.atMs - b.atMs)
    .map((s) => ({ plateKey: s.plateKey, cameraId: s.cameraId, atMs: s.atMs, confidence: s.confidence }));
}
