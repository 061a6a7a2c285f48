/**
 * The stages after tracking, per camera, for every runner (serve, worker, analyze): plates (cameras with
 * `plates: true`), rules and signed evidence (cameras with rules), the track log (analyze --record-tracks); for an
 * ANPR camera (`plates: anpr`), the reader that the chain runs on the whole picture instead. Plate reading is one
 * supervised worker pool per site, shared by that site's cameras and started when its first plate camera starts:
 * the pool's site prior learns that site's traffic, a worker that dies is started again, and a camera that stops
 * leaves the pool to the others (the pool closes a while after the site's last plate camera stops). A pool starts
 * with the site's earlier reads (`history`: the store's recent sightings of the site's cameras), so its site prior
 * is warm again after a restart.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { facesEnabled, type ArgusConfig, type CameraConfig, type SiteConfig } from '../../config/schema.js';
import { errorMessage } from '../../core/errors.js';
import type { ViolationEvent } from '../../core/violation.js';
import type { PlateHistoryEntry } from '../../plates/site-prior.js';
import type { SourceLogger } from '../../video/source.js';
import type { FrameStage } from '../analysis.js';
import { createAttributesStage } from '../attributes-stage.js';
import { createCameraStages } from '../camera-stages.js';
import type { EvidenceProblemKind, EvidenceStage } from '../evidence-stage.js';
import { siteReaderOptions, startSupervisedPool, type PlateHost } from '../plate-host.js';
import { createPlatesStage, type PlatesStage } from '../plates-stage.js';
import { createFaceStage, type FaceStage } from '../face-stage.js';
import { createFaceDetector, createFaceEmbedder, type FaceDetector, type FaceEmbedder } from '../../vision/faces/index.js';

/**
 * The site a plate pool reads for: the site file's entry (its `provinces` seed the prior), or only the id of a site
 * created through the API (no site-file entry; its prior learns alone). Either way the pool is the site's own.
 */
export interface PlateSite {
  readonly id: string;
  readonly provinces?: readonly number[];
}

export interface PlateStatus {
  /** `vehicles`: plates of the detected vehicles; `anpr`: the whole picture. */
  readonly mode: 'vehicles' | 'anpr';
  /** Pictures sent to the reader (vehicle crops, or frames of an ANPR camera). */
  readonly read: number;
  /** Pictures not read because the reader was busy (the camera never falls behind the stream). */
  readonly skipped: number;
  /** Plates reported (one per vehicle pass). */
  readonly plates: number;
}

export interface CameraStageSet {
  readonly stages: readonly FrameStage[];
  /** An ANPR camera (`plates: anpr`): the plate reader for the whole picture; no detector, tracker or stages run. */
  readonly anpr?: PlateHost | undefined;
  /** The face stage (cameras that process faces), for its counters. */
  readonly faces?: FaceStage | undefined;
  /** The plate stage (cameras that read the plates of their vehicles), for its counters. */
  readonly plates?: PlatesStage | undefined;
  /** The evidence stage (cameras with rules, when evidence is written), for its counters. */
  readonly evidence?: EvidenceStage | undefined;
  /** The plate stage's counters (cameras that read the plates of their vehicles). */
  plateStatus?(): PlateStatus;
  close?(): Promise<void>;
}

/** What the chain knows about one (re)start of a camera that its stages need. */
export interface CameraStageContext {
  /** A live source (or a file played as one): the plate stage drops reads when busy, evidence encodes its own clip. */
  readonly live: boolean;
  /** A file analysed once (not looped): evidence cuts its clip from it. */
  readonly sourceFile?: string | undefined;
  readonly sourceDurationSec?: number | undefined;
  /** The detector model, written into the evidence metadata. */
  readonly detectorModel?: string | undefined;
}

export interface EvidenceSettings {
  /** Packages are written under `<dir>/<violation id>/`. */
  readonly dir: string;
  /** Directory of the Ed25519 signing key (created when absent). */
  readonly keyDir: string;
  /** A violation whose evidence could not be written (`failed`: a full or failing disk) or was dropped (default: logged). */
  readonly onProblem?: (camera: CameraConfig, violation: ViolationEvent, problem: string, kind: EvidenceProblemKind) => void;
}

/** The service's evidence: packages in `<data>/evidence`, the signing key in `<data>/keys`. */
export const serviceEvidence = (dataDir: string): EvidenceSettings => ({ dir: join(dataDir, 'evidence'), keyDir: join(dataDir, 'keys') });

export interface StageProviderOptions {
  /** The site file (sites' home provinces and time zones); cameras of other sites come from the store. */
  readonly config: ArgusConfig | undefined;
  /** A site that is not in the site file, as the runner knows it (a worker: the site that came with the camera's spec). */
  readonly siteConfig?: (id: string) => SiteConfig | undefined;
  /** Evidence of the cameras' violations; without it violations go out without evidence. */
  readonly evidence?: EvidenceSettings;
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
  /** A plate reader that cannot start fails the camera's start (analyze), instead of running it without plates (the service). */
  readonly platesRequired?: boolean;
  /**
   * Faces on person tracks of the cameras that process faces (config `faces`, default face_crowd and gateway): the
   * models directory and the embedding model. One detector and one embedder per process, loaded on first use.
   */
  readonly faces?: { readonly modelsDir: string; readonly model?: string | undefined };
  /** Record every analysed frame's tracks into this file (analyze --record-tracks). */
  readonly recordTracksFile?: string;
  /** Summarise each track's class and colours when it ends (`track.attributes`, for attribute search). Default false. */
  readonly attributes?: boolean;
}

export interface StageProvider {
  /** Built at each (re)start of a camera, closed when it stops. */
  stages(camera: CameraConfig, log: SourceLogger, context?: CameraStageContext): Promise<CameraStageSet>;
  /** Stop the plate pools (after the cameras have stopped). */
  close(): Promise<void>;
}

interface Pool {
  readonly host: Promise<PlateHost>;
  users: number;
  idle?: NodeJS.Timeout;
}

/** Per site id (of the site file or of the store): the pool, started once, and the cameras using it. */
function sitePools(o: StageProviderOptions): {
  acquire(siteId: string, fromFile: SiteConfig | undefined, log: SourceLogger): Promise<{ host: PlateHost; release: () => void }>;
  close(): Promise<void>;
} {
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
  const pools = new Map<string, Pool>();
  let closed = false;

  /** The site's pool for one more camera; `release` when that camera's stages close. */
  const acquire = async (key: string, fromFile: SiteConfig | undefined, log: SourceLogger): Promise<{ host: PlateHost; release: () => void }> => {
    let pool = pools.get(key);
    if (!pool) {
      const start = async (): Promise<PlateHost> => {
        const site = await plateSite(key, fromFile, log);
        return startPlates(site, log, await siteHistory(site, log));
      };
      const entry: Pool = { host: start(), users: 0 };
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
    acquire: (siteId, fromFile, log) => (closed ? Promise.reject(new Error('stopping')) : acquire(siteId, fromFile, log)),
    async close() {
      closed = true;
      for (const p of pools.values()) clearTimeout(p.idle);
      const started = await Promise.allSettled([...pools.values()].map((p) => p.host));
      pools.clear();
      await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.close() : undefined)));
    },
  };
}

export function createStageProvider(o: StageProviderOptions): StageProvider {
  const pools = sitePools(o);
  let closed = false;
  let faceModels: Promise<{ detector: FaceDetector; embedder: FaceEmbedder }> | undefined;
  /** The process's face models (loaded once); a camera whose faces cannot start runs without them, logged. */
  const facesFor = async (camera: CameraConfig, log: SourceLogger): Promise<FaceStage | undefined> => {
    if (!o.faces || !facesEnabled(camera) || closed) return undefined;
    const f = o.faces;
    faceModels ??= (async () => {
      const [detector, embedder] = await Promise.all([createFaceDetector({ modelsDir: f.modelsDir }), createFaceEmbedder({ modelsDir: f.modelsDir, ...(f.model ? { model: f.model } : {}) })]);
      return { detector, embedder };
    })();
    try {
      const m = await faceModels;
      return createFaceStage({ cameraId: camera.id, detector: m.detector, embedder: m.embedder, always: camera.kind === 'face_crowd' });
    } catch (e) {
      faceModels = undefined;
      log.error({ cameraId: camera.id, err: errorMessage(e) }, 'face models cannot start: this camera runs without faces until its next start');
      return undefined;
    }
  };

  /** The site's plate reader for this camera, or none (the camera runs without plates until its next start). */
  const platesFor = async (camera: CameraConfig, site: SiteConfig | undefined, log: SourceLogger): Promise<{ host?: PlateHost; release: () => void }> => {
    if (!camera.plates || closed) return { release: () => undefined };
    try {
      return await pools.acquire(camera.site, site, log);
    } catch (e) {
      if (o.platesRequired) throw e;
      log.error({ cameraId: camera.id, err: errorMessage(e) }, 'plate reader cannot start: this camera runs without plates until its next start');
      return { release: () => undefined };
    }
  };

  return {
    async stages(camera, log, context = { live: true }) {
      const site = o.config?.sites.find((s) => s.id === camera.site) ?? o.siteConfig?.(camera.site);
      const { host, release } = await platesFor(camera, site, log);
      // An ANPR camera: the chain runs the reader on the whole picture instead of detection and tracking.
      if (camera.plates === 'anpr') return { stages: [], anpr: host, close: async () => release() };
      const rules = camera.rules.length > 0;
      const faces = await facesFor(camera, log);
      const attributes = o.attributes === true ? createAttributesStage({ cameraId: camera.id }) : undefined;
      if (!rules && !host && !faces && o.recordTracksFile === undefined) return { stages: attributes ? [attributes] : [] };
      const plates = host ? createPlatesStage({ cameraId: camera.id, host, live: context.live }) : undefined;
      const ev = rules ? o.evidence : undefined;
      const onProblem = (v: ViolationEvent, problem: string, kind: EvidenceProblemKind): void => {
        if (ev?.onProblem) ev.onProblem(camera, v, problem, kind);
        else log.warn({ cameraId: camera.id, violationId: v.id, problem, kind }, 'violation without evidence');
      };
      const set = await createCameraStages({
        camera: rules ? camera : undefined,
        site,
        plates,
        ...(faces ? { faces } : {}),
        recordFile: o.recordTracksFile,
        evidence: ev && {
          dir: ev.dir,
          keyDir: ev.keyDir,
          sourceFile: context.sourceFile,
          sourceDurationSec: context.sourceDurationSec,
          ...(context.detectorModel ? { versions: { models: { detector: context.detectorModel } } } : {}),
          onProblem,
        },
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
      return { stages: attributes ? [...set.stages, attributes] : set.stages, plates, faces, evidence: set.evidence, close, ...(status ? { plateStatus: status } : {}) };
    },
    async close() {
      closed = true;
      await pools.close();
      const m = await faceModels?.catch(() => undefined);
      await Promise.all([m?.detector.close(), m?.embedder.close()]);
    },
  };
}
