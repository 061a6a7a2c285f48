/**
 * The claim/hold loop of one worker. It follows three buckets: the cameras (`argus_cameras`), the leases
 * (`argus_camera_leases`) and the live workers (from the registry). Every {@link CLAIM_SCAN_MS}, and at once when a
 * lease is deleted or expires or a camera is added, it plans claims (claims.ts) and `create`s those leases (a
 * conflict means a peer won: fine). A held lease is renewed by heartbeat; the camera runs only while it is held:
 * a refused renewal, a renewal that is late past the TTL, or a lease the watch shows rewritten by someone else stops
 * the camera AT ONCE. An edited camera is restarted with its new config; a deleted or disabled one is stopped and its
 * lease released. `stop()` stops every camera, then releases its lease, so peers take over without waiting for the TTL.
 */
import type { CameraConfig, SiteConfig } from '../../config/schema.js';
import { errorMessage, isArgusError } from '../../core/errors.js';
import type { KvLeases, Lease, LeaseChange } from '../../bus/leases.js';
import type { Producer } from '../../bus/messages.js';
import type { SourceLogger } from '../../video/source.js';
import { planClaims, planShed } from './claims.js';
import { checkSpec, sameSpec } from './spec.js';
import type { KvChange } from './kv.js';
import { CLAIM_SCAN_MS, LEASE_HEARTBEAT_MS, type CameraLease, type CameraSpec } from './protocol.js';

/** What runs a claimed camera (the worker's camera manager). */
export interface CameraRunner {
  /** Starts (or restarts with a new config) a camera under this producer stamp. */
  start(config: CameraConfig, producer: Producer): Promise<void>;
  stop(cameraId: string): Promise<void>;
}

export interface AssignmentOptions {
  readonly me: string;
  readonly capacity: number;
  readonly leases: KvLeases<CameraLease>;
  readonly runner: CameraRunner;
  /** Live workers now (this one included), with their capacity. */
  readonly liveWorkers: () => readonly { readonly name: string; readonly capacity: number }[];
  readonly logger: SourceLogger;
  readonly scanMs?: number;
  readonly heartbeatMs?: number;
  /** Rebalancing (claims.ts `planShed`): a camera moves only after it ran here this long (default 30 s)… */
  readonly rebalanceHoldMs?: number;
  /** …and this worker hands over at most one camera per this long (default 10 s). */
  readonly rebalanceEveryMs?: number;
}

export const REBALANCE_HOLD_MS = 30_000;
export const REBALANCE_EVERY_MS = 10_000;

interface Held {
  readonly lease: Lease<CameraLease>;
  readonly value: CameraLease;
}

export class Assignment {
  private readonly specs = new Map<string, CameraSpec>();
  private readonly holders = new Map<string, string>();
  private readonly held = new Map<string, Held>();
  private waited: ReadonlyMap<string, number> = new Map();
  private timer: ReturnType<typeof setInterval> | undefined;
  private scanning: Promise<void> | undefined;
  private again = false;
  private stopping = false;
  private failing = false;
  private lastShedMs = 0;
  /** Camera stops in flight (lost leases, deletes): awaited on stop. */
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly o: AssignmentOptions) {}

  start(): void {
    this.timer = setInterval(() => this.scanSoon(), this.o.scanMs ?? CLAIM_SCAN_MS);
    this.scanSoon();
  }

  /** The cameras held now, with the lease revision each runs under (the fencing token). */
  heldCameras(): Array<{ id: string; lease: number; config: CameraConfig | undefined }> {
    return [...this.held].map(([id, h]) => ({ id, lease: h.lease.claim, config: this.specs.get(id)?.config }));
  }

  /** A site as the cameras' specs carry it (for the plate pool and the rules' local time). */
  site(id: string): SiteConfig | undefined {
    for (const s of this.specs.values()) if (s.site?.id === id) return s.site;
    return undefined;
  }

  /** A change of `argus_cameras`. */
  onCamera(change: KvChange<CameraSpec>): void {
    if (change.op === 'delete') {
      this.specs.delete(change.key);
      if (this.held.has(change.key)) this.drop(change.key, 'camera deleted', true);
      return;
    }
    const checked = checkSpec(change.key, change.value);
    if (!checked.ok) {
      // A held camera keeps running with the config it has.
      this.o.logger.warn({ cameraId: change.key, problems: checked.problems }, 'camera spec refused: not a valid camera');
      return;
    }
    const spec = checked.spec;
    const before = this.specs.get(change.key);
    this.specs.set(change.key, spec);
    const h = this.held.get(change.key);
    if (h && !spec.config.enabled) this.drop(change.key, 'camera disabled', true);
    else if (h && before && sameSpec(before, spec)) return; // written again unchanged: nothing to restart
    else if (h) this.track(this.o.runner.start(spec.config, { worker: this.o.me, lease: h.lease.claim }), change.key, 'camera edit not applied');
    else this.scanSoon();
  }

  /** A change of `argus_camera_leases`. */
  onLease(change: LeaseChange<CameraLease>): void {
    if (change.op === 'put') {
      const { key, value } = change.entry;
      this.holders.set(key, value.worker);
      const h = this.held.get(key);
      // Rewritten by someone else (not one of our renewals): stop now, before our next renewal is refused.
      if (h && (value.worker !== h.value.worker || value.sinceMs !== h.value.sinceMs)) this.lost(key, 'taken');
      return;
    }
    const h = this.held.get(change.key);
    // An expiry of the key's earlier holder, reported after we claimed it again (the watch sweeps late): not ours.
    if (h && change.revision < h.lease.claim) return;
    this.holders.delete(change.key);
    if (h) this.lost(change.key, change.op === 'delete' ? 'taken' : 'expired');
    this.scanSoon();
  }

  /** Stops claiming; stops every held camera, then releases its lease. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.scanning;
    await Promise.all([...this.held.keys()].map((id) => this.release(id)));
    await Promise.all([...this.pending]);
  }

  private scanSoon(): void {
    if (this.stopping) return;
    if (this.scanning) {
      this.again = true;
      return;
    }
    this.scanning = this.scan()
      .then(() => {
        if (this.failing) this.o.logger.info({}, 'camera claim scans work again');
        this.failing = false;
      })
      .catch((e: unknown) => {
        // One line while NATS is unreachable, not one a second.
        if (!this.failing) this.o.logger.warn({ err: errorMessage(e) }, 'camera claim scan failed; trying again every scan');
        else this.o.logger.debug({ err: errorMessage(e) }, 'camera claim scan failed');
        this.failing = true;
      })
      .finally(() => {
        this.scanning = undefined;
        if (this.again) {
          this.again = false;
          this.scanSoon();
        }
      });
  }

  private async scan(): Promise<void> {
    const workers = this.o.liveWorkers();
    await this.checkOrphans(workers);
    const specs = new Map([...this.specs].map(([id, s]) => [id, s.config]));
    const plan = planClaims({ me: this.o.me, specs, leases: this.holders, workers, waited: this.waited });
    this.waited = plan.waited;
    for (const id of plan.claim) {
      if (this.stopping) return;
      await this.claim(id);
    }
    if (plan.claim.length === 0) this.rebalance(workers, specs);
  }

  /**
   * Hands one camera over when a live worker with room is much less loaded (a worker that joined, one that came
   * back): the lease is released, and the other worker's next scan claims it (claims.ts). At most one camera per
   * `rebalanceEveryMs`, and only cameras that ran here for `rebalanceHoldMs`, so cameras do not bounce.
   */
  private rebalance(workers: readonly { readonly name: string; readonly capacity: number }[], specs: ReadonlyMap<string, CameraConfig>): void {
    const now = Date.now();
    if (now - this.lastShedMs < (this.o.rebalanceEveryMs ?? REBALANCE_EVERY_MS)) return;
    const holdMs = this.o.rebalanceHoldMs ?? REBALANCE_HOLD_MS;
    const movable = [...this.held].filter(([, h]) => now - h.value.sinceMs >= holdMs).map(([id]) => id);
    const id = planShed({ me: this.o.me, specs, leases: this.holders, workers, movable });
    if (id === undefined) return;
    this.lastShedMs = now;
    this.o.logger.info({ cameraId: id }, 'camera handed over to a less loaded worker (rebalancing)');
    this.drop(id, 'rebalancing', false);
  }

  /**
   * Leases whose holder left the registry (a dead worker): looked up at each scan, so the camera is claimed within a
   * scan of the server dropping the key rather than at the watch's next expiry sweep. Only a key that is gone counts:
   * a dead worker's lease is never taken over while it exists (the fencing stays the server's).
   */
  private async checkOrphans(workers: readonly { readonly name: string }[]): Promise<void> {
    const live = new Set(workers.map((w) => w.name));
    for (const [id, holder] of [...this.holders]) {
      if (live.has(holder) || this.held.has(id) || !this.specs.get(id)?.config.enabled) continue;
      if ((await this.o.leases.get(id)) === undefined && this.holders.get(id) === holder) this.holders.delete(id);
    }
  }

  private async claim(id: string): Promise<void> {
    const value: CameraLease = { worker: this.o.me, sinceMs: Date.now() };
    let lease: Lease<CameraLease>;
    try {
      lease = await this.o.leases.hold(id, value, { heartbeatMs: this.o.heartbeatMs ?? LEASE_HEARTBEAT_MS, onLost: (reason) => this.lost(id, reason) });
    } catch (e) {
      if (isArgusError(e, 'conflict')) return; // a peer was faster
      throw e;
    }
    this.holders.set(id, this.o.me);
    this.held.set(id, { lease, value });
    const spec = this.specs.get(id);
    if (this.stopping || !spec?.config.enabled) {
      await this.release(id);
      return;
    }
    this.o.logger.info({ cameraId: id, lease: lease.claim }, 'camera claimed');
    try {
      await this.o.runner.start(spec.config, { worker: this.o.me, lease: lease.claim });
    } catch (e) {
      this.o.logger.error({ cameraId: id, err: errorMessage(e) }, 'camera did not start: lease released');
      await this.release(id);
    }
  }

  /** The lease is gone (taken, expired): the camera stops at once; it is claimable again when free. */
  private lost(id: string, reason: 'taken' | 'expired'): void {
    const h = this.held.get(id);
    if (!h) return;
    this.held.delete(id);
    this.o.logger.warn({ cameraId: id, lease: h.lease.claim, reason }, 'camera lease lost: camera stopped');
    this.track(this.o.runner.stop(id), id, 'camera did not stop cleanly');
    // No more renewals: a release with our stale revision is refused by the server, so it cannot delete the new holder's lease.
    this.track(h.lease.release(), id, 'lost lease not abandoned');
  }

  /** Ours to give up (deleted, disabled): stop the camera, then release the lease. */
  private drop(id: string, why: string, log: boolean): void {
    if (log) this.o.logger.info({ cameraId: id, why }, 'camera stopped and its lease released');
    this.track(this.release(id), id, 'camera lease not released');
  }

  private async release(id: string): Promise<void> {
    const h = this.held.get(id);
    if (!h) return;
    this.held.delete(id);
    await this.o.runner.stop(id);
    this.holders.delete(id);
    await h.lease.release();
  }

  private track(p: Promise<void>, cameraId: string, what: string): void {
    const t = p.catch((e: unknown) => this.o.logger.warn({ cameraId, err: errorMessage(e) }, what)).finally(() => this.pending.delete(t));
    this.pending.add(t);
  }
}
