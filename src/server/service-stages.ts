/**
 * The pipeline stages the service runs after tracking, per camera: plates (cameras with `plates: true`),
 * rules and signed evidence (cameras with rules); for an ANPR camera (`plates: anpr`), the reader that the
 * camera manager runs on the whole picture instead. Plate reading is one supervised worker pool per site, shared
 * by that site's cameras and started when its first plate camera starts: the pool's site prior learns that
 * site's traffic, a worker that dies is started again, and a camera that stops leaves the pool to the others (the pool
 * closes a minute after the site's last plate camera stops). A pool starts with the site's earlier reads (`history`:
 * the store's recent sightings of the site's cameras), so its site prior is warm again after a restart.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { ArgusConfig, CameraConfig, SiteConfig } from '../config/schema.js';
import { errorMessage } from '../core/errors.js';
import type { ViolationEvent } from '../core/violation.js';
import { createCameraStages } from '../pipeline/camera-stages.js';
import type { EvidenceProblemKind } from '../pipeline/evidence-stage.js';
import { siteReaderOptions, startSupervisedPool, type PlateHost } from '../pipeline/plate-host.js';
import { createPlatesStage } from '../pipeline/plates-stage.js';
import type { PlateHistoryEntry } from '../plates/site-prior.js';
import type { SourceLogger } from '../video/source.js';
import type { CameraStageSet, PlateStatus } from './camera-manager.js';

/**
 * The site a plate pool reads for: the site file's entry (its `provinces` seed the prior), or only the id of a site
 * created through the API (no site-file entry; its prior learns alone). Either way the pool is the site's own.
 */
export interface PlateSite {
  readonly id: string;
  readonly provinces?: readonly number[];
}

export interface ServiceStagesOptions {
  readonly config: ArgusConfig | undefined;
  /** Evidence goes under `<dataDir>/evidence`, its signing key under `<dataDir>/keys`. */
  readonly dataDir: string;
  /** Plate workers per site (default: one per core, at most 2). */
  readonly plateWorkers?: number;
  /** Start a site's plate pool with the site's earlier reads (default: supervised worker threads); tests pass their own. */
  readonly startPlates?: (site: PlateSite, log: SourceLogger, history: readonly PlateHistoryEntry[]) => Promise<PlateHost>;
  /** A site that is not in the site file (created through the API): its stored record, for its `provinces` (serve: the store). */
  readonly siteOf?: (id: string) => Promise<PlateSite | undefined>;
  /** The site's earlier reads, oldest first, to warm a new pool's site prior (serve: recentSitePlates on the store); none by default. */
  readonly history?: (site: PlateSite) => Promise<readonly PlateHistoryEntry[]>;
  /** A pool no camera uses is closed after this long (default 60 000 ms: a camera restart keeps it). */
  readonly idleCloseMs?: number;
  /** A violation whose evidence was not written (full disk, dropped): serve raises an alert (EvidenceAlerts). */
  readonly onEvidenceProblem?: (camera: CameraConfig, violation: ViolationEvent, problem: string, kind: EvidenceProblemKind) => void;
}

export interface ServiceStages {
  /** For CameraManagerOptions.stages: built at each (re)start of a camera, closed when it stops. */
  stages(camera: CameraConfig, log: SourceLogger): Promise<CameraStageSet>;
  /** Stop the plate pools (after the cameras have stopped). */
  close(): Promise<void>;
}

export function createServiceStages(o: ServiceStagesOptions): ServiceStages {
  const workers = o.plateWorkers ?? Math.min(2, availableParallelism());
  const startPlates =
    o.startPlates ??
    ((site: PlateSite, log: SourceLogger, history: readonly PlateHistoryEntry[]) =>
      startSupervisedPool(siteReaderOptions(site, history), workers, {
        onProblem: (e, retryInMs) => log.error({ site: site.id, err: e.message, retryInMs }, 'plate reader stopped: starting it again'),
        onRecovered: () => log.info({ site: site.id }, 'plate reader running again'),
      }));
  const idleCloseMs = o.idleCloseMs ?? 60_000;
  /** The site's earlier reads; a store that cannot answer leaves the prior to learn from scratch, it does not stop plates. */
  const siteHistory = async (site: PlateSite, log: SourceLogger): Promise<readonly PlateHistoryEntry[]> => {
    if (!o.history) return [];
    try {
      const history = await o.history(site);
      log.info({ site: site.id, reads: history.length }, 'plate reader: site prior warmed from earlier reads');
      return history;
    } catch (e) {
      log.warn({ site: site.id, err: errorMessage(e) }, 'plate reader: earlier reads unavailable, the site prior learns from scratch');
      return [];
    }
  };
  /** The site file's entry, else the stored site (one created through the API), else only its id. */
  const plateSite = async (id: string, fromFile: SiteConfig | undefined, log: SourceLogger): Promise<PlateSite> => {
    if (fromFile || !o.siteOf) return fromFile ?? { id };
    try {
      return (await o.siteOf(id)) ?? { id };
    } catch (e) {
      log.warn({ site: id, err: errorMessage(e) }, 'plate reader: the stored site is unavailable, its home provinces are not used');
      return { id };
    }
  };
  /** Per site id (of the site file or of the store): the pool, started once, and the cameras using it. */
  const pools = new Map<string, { host: Promise<PlateHost>; users: number; idle?: NodeJS.Timeout }>();
  let closed = false;

  /** The site's pool for one more camera; `release` when that camera's stages close. */
  const acquire = async (siteId: string, fromFile: SiteConfig | undefined, log: SourceLogger): Promise<{ host: PlateHost; release: () => void }> => {
    const key = siteId;
    let pool = pools.get(key);
    if (!pool) {
      const start = async (): Promise<PlateHost> => {
        const site = await plateSite(siteId, fromFile, log);
        return startPlates(site, log, await siteHistory(site, log));
      };
      const entry = { host: start(), users: 0 };
      pools.set(key, (pool = entry));
      // A pool that could not start is tried again at the camera's next start (the camera runs without plates meanwhile).
      entry.host.catch(() => pools.get(key) === entry && pools.delete(key));
    }
    clearTimeout(pool.idle);
    pool.users++;
    const p = pool;
    let host: PlateHost;
    try {
      host = await p.host;
    } catch (e) {
      p.users--;
      throw e;
    }
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      if (--p.users > 0 || closed) return;
      // The last camera of the site stopped reading plates: free the workers unless one starts again soon.
      p.idle = setTimeout(() => {
        if (p.users > 0 || pools.get(key) !== p) return;
        pools.delete(key);
        log.info({ site: key }, 'plate reader stopped: no camera of the site reads plates');
        void host.close();
      }, idleCloseMs);
      p.idle.unref();
    };
    return { host, release };
  };

  return {
    async stages(camera, log) {
      const site = o.config?.sites.find((s) => s.id === camera.site);
      let host: PlateHost | undefined;
      let release = (): void => undefined;
      if (camera.plates && !closed) {
        try {
          ({ host, release } = await acquire(camera.site, site, log));
        } catch (e) {
          log.error({ cameraId: camera.id, err: errorMessage(e) }, 'plate reader cannot start: this camera runs without plates until its next start');
        }
      }
      // An ANPR camera: the manager runs the reader on the whole picture instead of detection and tracking.
      if (camera.plates === 'anpr') return { stages: [], anpr: host, close: async () => release() };
      if (camera.rules.length === 0 && !host) return { stages: [] };
      const plates = host ? createPlatesStage({ cameraId: camera.id, host, live: true }) : undefined;
      const rules = camera.rules.length > 0;
      const set = await createCameraStages({
        camera: rules ? camera : undefined,
        site,
        plates,
        ...(rules ? { evidence: { dir: join(o.dataDir, 'evidence'), keyDir: join(o.dataDir, 'keys'), ...(o.onEvidenceProblem ? { onProblem: (v: ViolationEvent, p: string, kind: EvidenceProblemKind) => o.onEvidenceProblem!(camera, v, p, kind) } : {}) } } : {}),
      }).catch((e: unknown) => {
        release();
        throw e;
      });
      const status = plates ? (): PlateStatus => {
        const c = plates.stats();
        return { mode: 'vehicles', read: c.requested, skipped: c.dropped, plates: c.emitted };
      } : undefined;
      const close = async (): Promise<void> => {
        release();
        await set.close();
      };
      return { stages: set.stages, close, ...(status ? { plateStatus: status } : {}) };
    },
    async close() {
      closed = true;
      for (const p of pools.values()) clearTimeout(p.idle);
      const started = await Promise.allSettled([...pools.values()].map((p) => p.host));
      pools.clear();
      await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.close() : undefined)));
    },
  };
}
