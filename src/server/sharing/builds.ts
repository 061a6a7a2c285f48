/**
 * Share packages built apart from the approval (recorded footage: every frame looked through for faces to pixelate
 * takes minutes for an hour of video, longer than an HTTP request should wait). The approval stores the request as
 * `preparing`; the build here tells its progress to the store (so every replica shows it) at most once a second, and
 * at least every `heartbeatMs` while it works; when the package is signed the request becomes `approved` (its link
 * works from then), or `failed` with the reason, to be approved again. A build whose service stopped leaves its
 * request `preparing` with no heartbeat: `sweep` (every `sweepMs`, on every replica) fails it once nothing was heard
 * for `staleMs`, so a request never waits forever. A request revoked while building loses the package when it is done.
 * The sweep also deletes the packages of requests past their expiry: nothing serves them any more (410 Gone), and a
 * copy of footage or evidence made for another agency is not kept on disk longer than it was granted for.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '../../core/errors.js';
import type { BackgroundWork } from '../background.js';
import type { EvidenceKeyPair } from '../../evidence/keys.js';
import type { JsonValue, ShareRequestRecord, Store } from '../../store/store.js';
import { shareToken, tokenHashOf, tokenIdOf } from './link.js';
import { buildSharePackage, type MaterialRoots, type ShareDecision } from './material.js';

export interface ShareBuildsOptions {
  readonly store: Store;
  readonly roots: MaterialRoots;
  readonly keys: () => Promise<EvidenceKeyPair>;
  readonly log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** A working build writes its progress at least this often (default 10 s). */
  readonly heartbeatMs?: number;
  /** A `preparing` request not heard from for this long, and not built here, has lost its build (default 60 s). */
  readonly staleMs?: number;
  /** How often stale builds are looked for (default 30 s; 0: never on a timer). */
  readonly sweepMs?: number;
  /** Told of every build (the service's background work). */
  readonly background?: BackgroundWork;
}

/** Writes an audit row for the build's outcome (the approver's name, the approval's address). */
export type BuildAudit = (action: 'share.package' | 'share.package_failed', details: Record<string, JsonValue | undefined>) => Promise<void>;

/** What a request that lost its build says. */
export const BUILD_LOST = 'the service building the package stopped before it was ready; approve the request again';

export class ShareBuilds {
  private readonly running = new Map<string, Promise<void>>();
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly heartbeatMs: number;
  private readonly staleMs: number;

  constructor(private readonly o: ShareBuildsOptions) {
    this.heartbeatMs = o.heartbeatMs ?? 10_000;
    this.staleMs = o.staleMs ?? 60_000;
    const every = o.sweepMs ?? 30_000;
    if (every > 0) {
      this.timer = setInterval(() => void this.sweep().catch((e: unknown) => o.log.warn({ err: errorMessage(e) }, 'share builds: sweep failed')), every);
      this.timer.unref();
    }
  }

  /** Whether this process is building the request's package. */
  building(id: string): boolean {
    return this.running.has(id);
  }

  /** Builds the package of `x` (stored as `preparing`) in the background. */
  start(x: ShareRequestRecord, decision: ShareDecision, traceCameras: readonly string[] | null, audit: BuildAudit): void {
    if (this.running.has(x.id)) return;
    const job = this.build(x, decision, traceCameras, audit).finally(() => this.running.delete(x.id));
    this.running.set(x.id, job);
    this.o.background?.track(job);
  }

  /**
   * Fails the `preparing` requests whose build stopped (nothing heard for `staleMs`, not built here), and deletes the
   * packages of expired requests; returns the ids of each.
   */
  async sweep(nowMs = Date.now()): Promise<{ lost: string[]; expired: string[] }> {
    const { store, roots } = this.o;
    const lost: string[] = [];
    for (const x of await store.listShareRequests({ statuses: ['preparing'], limit: 1000 })) {
      if (this.running.has(x.id) || nowMs - x.updatedAtMs < this.staleMs) continue;
      if (await store.updateShareRequest(x.id, 'preparing', { status: 'failed', progress: null, buildError: BUILD_LOST }, nowMs)) lost.push(x.id);
    }
    // The packages on disk, not every request ever approved: what is there is bounded by what is shared now, and an
    // old request's package is found however many requests came after it.
    const expired: string[] = [];
    const onDisk = await readdir(roots.shares, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return [];
      throw e;
    });
    for (const entry of onDisk) {
      if (!entry.isDirectory() || this.running.has(entry.name)) continue;
      const x = await store.getShareRequest(entry.name);
      if (x?.status !== 'approved' || x.expiresAtMs === null || x.expiresAtMs > nowMs) continue;
      await rm(join(roots.shares, x.id), { recursive: true, force: true });
      expired.push(x.id);
    }
    return { lost, expired };
  }

  /** Resolves when no build is running (tests; a service stopping waits for nothing: `sweep` mends what it leaves). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async build(x: ShareRequestRecord, decision: ShareDecision, traceCameras: readonly string[] | null, audit: BuildAudit): Promise<void> {
    const { store, roots, log } = this.o;
    let progress = 0;
    let written = Date.now();
    let writing: Promise<unknown> = Promise.resolve();
    const write = (): void => {
      written = Date.now();
      const p = Math.round(progress * 1000) / 1000;
      writing = writing.then(() => store.updateShareRequest(x.id, 'preparing', { progress: p }, Date.now()))
        .catch((e: unknown) => log.warn({ requestId: x.id, err: errorMessage(e) }, 'share build: progress not stored'));
    };
    const heartbeat = setInterval(write, this.heartbeatMs);
    heartbeat.unref();
    try {
      // What an earlier attempt left (a build lost with its service, or one that failed late) is nobody's package: the
      // request is not approved. Gone first, so that approving a failed request again can build it.
      await rm(join(roots.shares, x.id), { recursive: true, force: true });
      const keys = await this.o.keys();
      const pkg = await buildSharePackage(store, roots, keys, x, decision, traceCameras, (done) => {
        progress = done;
        if (Date.now() - written >= 1000) write();
      });
      clearInterval(heartbeat);
      await writing;
      const tokenHash = tokenHashOf(shareToken(keys, x.id, decision.decidedAtMs));
      const ready = await store.updateShareRequest(x.id, 'preparing', { status: 'approved', progress: null, tokenHash, packageSha256: pkg.manifestSha256 }, Date.now());
      if (!ready) {
        // Revoked (or given up as lost) meanwhile: nothing is served; the package goes.
        await rm(join(roots.shares, x.id), { recursive: true, force: true });
        return;
      }
      const privacy = pkg.privacy && { facesBlurred: Object.values(pkg.privacy.blurred).reduce((a, n) => a + n, 0), listedKept: Object.values(pkg.privacy.keptListed).reduce((a, n) => a + n, 0), unreadable: pkg.privacy.unreadable };
      await audit('share.package', { manifestSha256: pkg.manifestSha256, files: pkg.files.map((f) => f.path), keyId: keys.keyId, tokenId: tokenIdOf(tokenHash), ...(privacy ? { privacy } : {}) });
    } catch (e) {
      clearInterval(heartbeat);
      await writing;
      const reason = errorMessage(e).slice(0, 500);
      log.error({ requestId: x.id, err: reason }, 'share package could not be built');
      try {
        if (await store.updateShareRequest(x.id, 'preparing', { status: 'failed', progress: null, buildError: reason }, Date.now())) await audit('share.package_failed', { error: reason });
      } catch (e2) {
        log.error({ requestId: x.id, err: errorMessage(e2) }, 'share build: its failure could not be stored (the sweep will)');
      }
    }
  }
}
