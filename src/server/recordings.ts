/**
 * Recordings on disk: `<root>/<cameraId>/<UTC start>.mp4` segments written by the recorders (src/video/recorder.ts),
 * listing by time, and retention by age and by a disk quota, oldest first. Only segment files under the
 * recordings root are ever deleted (evidence clips live in `<data>/evidence/` and are NEVER pruned), and the
 * newest segment of each camera (the one being written) is kept. Hitting the quota or a nearly full disk prunes
 * by policy and raises a `disk_full` alert (at most one per `alertEveryMs`). Plate crops (`<data>/crops`, thumbnails,
 * not evidence) are pruned by the same age in the same pass.
 */
import { mkdir, readdir, statfs, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { recordingsSchema, type RecordingsConfig } from '../config/schema.js';
import { errorMessage } from '../core/errors.js';
import { CAMERA_DIR_NAME, listSegmentFiles } from '../video/segment-list.js';
import { pruneCrops } from './crops.js';
import type { Ingest } from './ingest.js';
import type { Store } from '../store/store.js';

export interface Segment {
  readonly cameraId: string;
  readonly file: string;
  readonly startMs: number;
  readonly bytes: number;
}

/** Segments of one camera, oldest first, overlapping [fromMs, toMs) when given (a segment lasts until the next starts). */
export async function listSegments(root: string, cameraId: string, fromMs?: number, toMs?: number): Promise<Segment[]> {
  return (await listSegmentFiles(root, cameraId, fromMs, toMs)).map((s) => ({ cameraId, ...s }));
}

/** Every camera folder under the root. */
export async function listCameraDirs(root: string): Promise<string[]> {
  try {
    const entries = await readdir(root, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory() && CAMERA_DIR_NAME.test(e.name)).map((e) => e.name);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

export interface RetentionPolicy {
  /** Delete segments older than this many days (0 or undefined: no age limit). */
  readonly retentionDays?: number;
  /** Keep all recordings under this many bytes (undefined: no quota). */
  readonly quotaBytes?: number;
  /** Keep at least this much free on the file system, bytes (undefined: not checked). */
  readonly minFreeBytes?: number;
  /** Keep at least this fraction (0–1) of the file system free (undefined or 0: not checked). */
  readonly minFreeRatio?: number;
}

/** Free space of the file system holding `path` (what an unprivileged writer may use), and its size. */
export interface DiskSpace {
  readonly freeBytes: number;
  readonly totalBytes: number;
}

/** The disk probe: `statfs` of the real file system (a port, so a test can stand a full disk in for it). */
export type DiskProbe = (path: string) => Promise<DiskSpace | null>;

export interface PruneResult {
  readonly deleted: Segment[];
  readonly freedBytes: number;
  /** Bytes of recordings left. */
  readonly totalBytes: number;
  /** Pruning for space was needed (quota exceeded or disk nearly full). */
  readonly spacePressure: boolean;
  /** Still over the quota or under the free space after pruning everything allowed (evidence or the newest segments fill it). */
  readonly stillOver: boolean;
  readonly freeBytes: number | null;
}

export const statfsProbe: DiskProbe = async (root) => {
  try {
    const s = await statfs(root);
    return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
};

/**
 * Applies the policy once. Deletion order: by age first, then oldest-first until under quota and above min free.
 * Never deletes the newest segment of a camera (it may be open) nor anything that is not a segment.
 */
export async function pruneRecordings(root: string, policy: RetentionPolicy, nowMs = Date.now(), disk: DiskProbe = statfsProbe): Promise<PruneResult> {
  const all: Segment[] = [];
  const newest = new Set<string>();
  for (const cam of await listCameraDirs(root)) {
    const segs = await listSegments(root, cam);
    const last = segs[segs.length - 1];
    if (last) newest.add(`${cam}/${last.file}`);
    all.push(...segs);
  }
  all.sort((a, b) => a.startMs - b.startMs);
  const deletable = all.filter((s) => !newest.has(`${s.cameraId}/${s.file}`));
  let total = all.reduce((n, s) => n + s.bytes, 0);
  const checksDisk = policy.minFreeBytes !== undefined || (policy.minFreeRatio ?? 0) > 0;
  const space = checksDisk ? await disk(root) : null;
  let free = space?.freeBytes ?? null;
  const minFree = Math.max(policy.minFreeBytes ?? 0, (policy.minFreeRatio ?? 0) * (space?.totalBytes ?? 0));
  const deleted: Segment[] = [];
  const remove = async (s: Segment): Promise<void> => {
    try {
      await unlink(join(root, s.cameraId, s.file));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    deleted.push(s);
    total -= s.bytes;
    if (free !== null) free += s.bytes;
  };
  const cutoffMs = policy.retentionDays ? nowMs - policy.retentionDays * 86_400_000 : Number.NEGATIVE_INFINITY;
  const over = (): boolean => (policy.quotaBytes !== undefined && total > policy.quotaBytes) || (checksDisk && free !== null && free < minFree);
  const spacePressure = over();
  for (const s of deletable) {
    if (s.startMs < cutoffMs || over()) await remove(s);
    else break;
  }
  return { deleted, freedBytes: deleted.reduce((n, s) => n + s.bytes, 0), totalBytes: total, spacePressure, stillOver: over(), freeBytes: free };
}

export interface RetentionOptions extends RetentionPolicy {
  readonly root: string;
  /** Plate crops folder, pruned by `retentionDays` too (day folders; see crops.ts). */
  readonly cropsRoot?: string;
  /** Track summaries of attribute search, pruned by `retentionDays` too (their crops live in the crops folder). */
  readonly tracks?: Pick<Store, 'pruneTrackAttributes'>;
  readonly ingest: Pick<Ingest, 'raiseAlert'>;
  /** Heatmap buckets of the store, pruned by `retentionDays` too (they are a summary of the footage's picture). */
  readonly heatmaps?: { pruneHeatmap(beforeMs: number): Promise<number> };
  /** Check period (default 60 s). */
  readonly everyMs?: number;
  /** Free-space probe (default: statfs of the recordings folder). */
  readonly disk?: DiskProbe;
  /** At most one disk alert per this long (default 1 h). */
  readonly alertEveryMs?: number;
  readonly logger?: { warn(o: object, m: string): void; error(o: object, m: string): void };
}

/** Runs `pruneRecordings` periodically; raises a `disk_full` alert when space pressure forced a prune. */
export class RetentionService {
  private timer: NodeJS.Timeout | undefined;
  private lastAlertMs = Number.NEGATIVE_INFINITY;
  private running: Promise<PruneResult | null> | undefined;

  constructor(private readonly opts: RetentionOptions) {}

  /** Runs one pass now, then every `everyMs`. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runOnce(), this.opts.everyMs ?? 60_000);
    this.timer.unref();
    void this.runOnce();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass (never concurrent with another); null when it failed (logged). */
  runOnce(nowMs = Date.now()): Promise<PruneResult | null> {
    this.running ??= this.pass(nowMs).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(nowMs: number): Promise<PruneResult | null> {
    try {
      await mkdir(this.opts.root, { recursive: true });
      const r = await pruneRecordings(this.opts.root, this.opts, nowMs, this.opts.disk);
      if (this.opts.cropsRoot && this.opts.retentionDays) {
        await pruneCrops(this.opts.cropsRoot, this.opts.retentionDays, nowMs).catch((e: unknown) => this.opts.logger?.error({ err: errorMessage(e) }, 'plate crop retention failed'));
      }
      if (this.opts.heatmaps && this.opts.retentionDays) {
        await this.opts.heatmaps.pruneHeatmap(nowMs - this.opts.retentionDays * 86_400_000).catch((e: unknown) => this.opts.logger?.error({ err: errorMessage(e) }, 'heatmap retention failed'));
      }
      if (this.opts.tracks && this.opts.retentionDays) {
        await this.opts.tracks.pruneTrackAttributes(nowMs - this.opts.retentionDays * 86_400_000)
          .catch((e: unknown) => this.opts.logger?.error({ err: errorMessage(e) }, 'track attributes retention failed'));
      }
      if (r.spacePressure && nowMs - this.lastAlertMs >= (this.opts.alertEveryMs ?? 3_600_000)) {
        this.lastAlertMs = nowMs;
        const mb = (n: number): number => Math.round(n / 1e5) / 10;
        await this.opts.ingest.raiseAlert({
          cameraId: null, atMs: nowMs, kind: 'disk_full', severity: r.stillOver ? 'critical' : 'warning',
          message: `recording storage full: pruned ${r.deleted.length} oldest segment(s), ${mb(r.freedBytes)} MB; ${mb(r.totalBytes)} MB kept${r.stillOver ? '; still full (evidence or the newest segments fill the disk)' : ''}`,
          payload: {
            deleted: r.deleted.length, freedBytes: r.freedBytes, totalBytes: r.totalBytes, stillOver: r.stillOver,
            quotaBytes: this.opts.quotaBytes ?? null, freeBytes: r.freeBytes, oldestDeleted: r.deleted[0]?.file ?? null,
          },
        });
      }
      return r;
    } catch (e) {
      this.opts.logger?.error({ err: errorMessage(e) }, 'recording retention failed');
      return null;
    }
  }
}

/** The service's retention from the `recordings` section of the config (its defaults without one), at `root` (and `cropsRoot`). */
export function retentionFromConfig(section: RecordingsConfig | undefined, root: string, ingest: RetentionOptions['ingest'], logger?: RetentionOptions['logger'], cropsRoot?: string, store?: NonNullable<RetentionOptions['heatmaps']> & NonNullable<RetentionOptions['tracks']>): RetentionService {
  const cfg = section ?? recordingsSchema.parse({});
  return new RetentionService({
    root, ingest, everyMs: cfg.checkEveryMin * 60_000, ...(cropsRoot ? { cropsRoot } : {}), ...(store ? { heatmaps: store, tracks: store } : {}),
    ...(cfg.retentionDays > 0 ? { retentionDays: cfg.retentionDays } : {}),
    ...(cfg.quotaGb !== undefined ? { quotaBytes: Math.round(cfg.quotaGb * 1e9) } : {}),
    ...(cfg.minFreeDiskPct > 0 ? { minFreeRatio: cfg.minFreeDiskPct / 100 } : {}),
    ...(logger ? { logger } : {}),
  });
}
