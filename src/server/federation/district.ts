/**
 * The district end of federation. The ingest queues each committed event of a shared camera in the store's outbox
 * (in the batch's own transaction, store/kysely/batch.ts); this publisher reads the outbox in commit order after a
 * cursor kept in the store, publishes each event to the district's JetStream stream `ARGUS_FED_<ID>` under
 * `argus.fed.<district>.<camera>.<kind>` with `Nats-Msg-Id` = the event id, and moves the cursor only after the
 * stream acknowledged. A crash between the commit and the publish loses nothing (the outbox still holds it); one
 * between the publish and the cursor's write publishes again, and the stream's duplicate window (then the province's
 * store, idempotent by id) keeps it once. The province's JetStream sources this stream across the leaf node, so a
 * link that is down only delays: the stream holds the backlog. Beside it, a heartbeat on core NATS tells the
 * province the district's name and its shared cameras with their status. Both ends audit what crossed (batched).
 */
import { readFile } from 'node:fs/promises';
import { DiscardPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType, type JetStreamClient, type StreamConfig } from '@nats-io/jetstream';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { NatsConnection } from '@nats-io/transport-node';
import { fedNames, type DistrictFederationConfig } from '../../config/federation.js';
import { ArgusError, errorMessage, isArgusError } from '../../core/errors.js';
import { CAMERA_KINDS, type CameraKind } from '../../core/kinds.js';
import { KvLeases, type Lease } from '../../bus/leases.js';
import { serveLiveRelay, type LiveHost } from '../../bus/live-relay.js';
import { backoffMs, connectNats, type BusLogger } from '../../bus/nats-connect.js';
import type { Store } from '../../store/store.js';
import type { CameraStatusSource } from '../camera-directory.js';
import { publicCamera } from '../cameras.js';
import { resolveCrop } from '../crops.js';
import { LIVE_LOOK_MS, LookThrottle } from '../look-throttle.js';
import { CrossingAudit } from './fed-audit.js';
import { crossingPayload, type FedEventMessage, type FedStatusMessage } from './messages.js';
import type { ShareFilter } from './share.js';

const CURSOR_KEY = 'fed.outbox.cursor';
const BATCH = 256;
/** A gap in the outbox's seqs (PostgreSQL: a transaction that took a seq has not committed yet) is waited for this long. */
const GAP_WAIT_MS = 5000;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * One publisher per district, however many `serve` replicas it runs (the scaled mode): the replica holding this
 * lease (JetStream KV on the district's nats-server, key = the district id) publishes the outbox, sends the heartbeat
 * and answers the province's live-view requests; the others wait and take over when its lease expires.
 */
export const PUBLISHER_BUCKET = 'argus_fed_publisher';
export const PUBLISHER_TTL_MS = 8000;

interface PublisherRecord { readonly instance: string; readonly host: string; readonly pid: number; readonly sinceMs: number }

export interface DistrictFederationOptions {
  readonly config: DistrictFederationConfig;
  readonly store: Store;
  readonly share: ShareFilter;
  readonly status: CameraStatusSource;
  readonly log: BusLogger;
  /** `<data>/crops`: a shared plate read's crop is read there and sent with it. */
  readonly cropsDir?: string | undefined;
  /** Poll interval of the outbox when nothing woke the publisher, ms (default 250). */
  readonly pollMs?: number;
  /** Audit rows every this many ms (default 10 000). */
  readonly auditEveryMs?: number;
  /** This service's live view: relayed to the province for the shared cameras only (nothing else can be asked). */
  readonly live?: LiveHost;
  /** Lease TTL of the publisher election, ms (default {@link PUBLISHER_TTL_MS}). */
  readonly publisherTtlMs?: number;
}

export function districtStreamConfig(district: string): Partial<StreamConfig> & { name: string } {
  return {
    name: fedNames.districtStream(district),
    subjects: [fedNames.districtSubjects(district)],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    num_replicas: 1,
    duplicate_window: 120_000 * 1e6,
    // The backlog a link down for days keeps (the oldest go first past the bounds).
    max_age: 14 * 86_400_000 * 1e6,
    max_bytes: 20 * 1024 ** 3,
    discard: DiscardPolicy.Old,
  };
}

export class DistrictFederation {
  private stopped = false;
  private wake: (() => void) | undefined;
  private readonly audit: CrossingAudit;
  private readonly liveLooks = new LookThrottle(LIVE_LOOK_MS);
  private loop: Promise<void> | undefined;
  private refresh: NodeJS.Timeout | undefined;
  private sent = 0;

  private lease: Lease<PublisherRecord> | undefined;
  private readonly instance = randomUUID();

  private constructor(
    private readonly o: DistrictFederationOptions,
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly leases: KvLeases<PublisherRecord>,
  ) {
    this.audit = new CrossingAudit(o.store, 'fed.sent', (err) => o.log.error({ err: errorMessage(err) }, 'federation audit row not written'), o.auditEveryMs);
  }

  /** Connects to the district's nats-server (retrying), sets up the stream, starts publishing and the heartbeat. */
  static async start(o: DistrictFederationOptions, signal?: AbortSignal): Promise<DistrictFederation> {
    const nc = await connectNats({ servers: [o.config.nats], name: `argus-fed-${o.config.id}`, logger: o.log, ...(signal ? { signal } : {}) });
    const jsm = await jetstreamManager(nc, { timeout: 5000 });
    const cfg = districtStreamConfig(o.config.id);
    for (let attempt = 0; ; attempt++) {
      try {
        await jsm.streams.info(cfg.name).then(() => jsm.streams.update(cfg.name, cfg), () => jsm.streams.add(cfg));
        break;
      } catch (e) {
        if (attempt === 0) o.log.warn({ stream: cfg.name, err: errorMessage(e) }, 'federation stream not set up yet; retrying');
        if (signal?.aborted) throw e;
        await sleep(backoffMs(attempt, 200, 5000));
      }
    }
    await o.share.refresh(o.store);
    const leases = await KvLeases.open<PublisherRecord>(nc, { bucket: PUBLISHER_BUCKET, ttlMs: o.publisherTtlMs ?? PUBLISHER_TTL_MS, logger: o.log });
    const fed = new DistrictFederation(o, nc, jetstream(nc, { timeout: 5000 }), leases);
    fed.audit.start();
    fed.loop = fed.lead();
    fed.refresh = setInterval(() => void o.share.refresh(o.store).catch((err: unknown) => o.log.warn({ err: errorMessage(err) }, 'shared cameras not re-read')), 5000);
    o.log.info({ district: o.config.id, stream: cfg.name, nats: o.config.nats }, 'federation: sharing with the province');
    return fed;
  }

  /** Events published to the stream since start (for tests and metrics). */
  get published(): number {
    return this.sent;
  }

  /** Whether this replica is the district's publisher now. */
  get publishing(): boolean {
    return this.lease !== undefined && !this.lease.lost;
  }

  /**
   * Takes the publisher lease when it is free, and while it holds it: publishes the outbox, sends the heartbeat and
   * answers live-view requests. A lost lease (another replica took it after this one stalled, or NATS was away for
   * the TTL) stops all three at once; this replica then waits for the lease again. A stale publisher's last
   * publishes are harmless: the stream's duplicate window and the province's store keep each event once.
   */
  private async lead(): Promise<void> {
    const { config, log } = this.o;
    const ttl = this.o.publisherTtlMs ?? PUBLISHER_TTL_MS;
    let waiting = false;
    for (let attempt = 0; !this.stopped; ) {
      let lease: Lease<PublisherRecord>;
      try {
        lease = await this.leases.hold(config.id, { instance: this.instance, host: hostname(), pid: process.pid, sinceMs: Date.now() }, { onLost: () => this.wake?.() });
      } catch (e) {
        if (isArgusError(e) && e.code === 'conflict') {
          if (!waiting) log.info({ district: config.id }, 'federation: another replica publishes; this one stands by');
          waiting = true;
          attempt = 0;
          await this.idle(Math.floor(ttl / 4));
        } else {
          if (attempt === 0) log.warn({ err: errorMessage(e) }, 'federation: publisher lease not taken; retrying');
          await this.idle(backoffMs(attempt++, 200, 5000));
        }
        continue;
      }
      waiting = false;
      attempt = 0;
      this.lease = lease;
      log.info({ district: config.id, lease: lease.claim }, 'federation: this replica publishes to the province');
      const heartbeat = setInterval(() => void this.sendStatus().catch((err: unknown) => log.warn({ err: errorMessage(err) }, 'federation heartbeat not sent')), config.statusEverySec * 1000);
      void this.sendStatus().catch(() => undefined);
      const liveSubs = this.o.live ? serveLiveRelay(this.nc, fedNames.live(config.id), this.sharedLive(this.o.live), log) : [];
      try {
        await this.run(() => !lease.lost);
      } finally {
        clearInterval(heartbeat);
        for (const sub of liveSubs) sub.unsubscribe();
        if (lease.lost) log.warn({ district: config.id }, 'federation: publisher lease lost; this replica stops publishing');
        else await lease.release().catch((err: unknown) => log.warn({ err: errorMessage(err) }, 'federation: publisher lease not released (it expires)'));
        this.lease = undefined;
      }
    }
  }

  /** Something was committed: look at the outbox now rather than at the next poll. */
  poke(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    if (this.refresh) clearInterval(this.refresh);
    await this.loop;
    await this.audit.stop().catch(() => undefined);
    await this.nc.drain().catch(() => undefined);
  }

  /** Publishes the outbox after the stored cursor while `holding()` (and not stopped). */
  private async run(holding: () => boolean): Promise<void> {
    const { store, log } = this.o;
    let cursor = Number((await store.getMeta(CURSOR_KEY).catch(() => null)) ?? 0);
    let gapSinceMs: number | null = null;
    let failing = 0;
    while (!this.stopped && holding()) {
      let items;
      try {
        items = await store.readOutbox(cursor, BATCH);
      } catch (e) {
        log.warn({ err: errorMessage(e) }, 'federation outbox not read; retrying');
        await this.idle(1000);
        continue;
      }
      // Commit order: take the run without a gap; a gap is waited for a while (a writer still in its transaction).
      let take = 0;
      for (let expect = cursor + 1; take < items.length && items[take]!.seq === expect; take++, expect++);
      if (take === 0 && items.length > 0) {
        gapSinceMs ??= Date.now();
        if (Date.now() - gapSinceMs >= GAP_WAIT_MS) take = 1;
      }
      if (take > 0) gapSinceMs = null;
      const batch = items.slice(0, take);
      if (batch.length === 0) {
        await this.idle(this.o.pollMs ?? 250);
        continue;
      }
      try {
        await Promise.all(batch.map(async (item) => (item.event ? this.publish(item.seq, item.event.payload as Record<string, unknown>) : undefined)));
        cursor = batch[batch.length - 1]!.seq;
        await store.putMeta(CURSOR_KEY, String(cursor));
        await store.pruneOutbox(cursor);
        const sent = batch.flatMap((item) => (item.event ? [{ seq: item.seq, event: item.event }] : []));
        for (const item of sent) this.audit.note(fedNames.districtStream(this.o.config.id), item.seq, item.event.cameraId, item.event.atMs);
        this.sent += sent.length;
        if (failing > 0) log.info({ district: this.o.config.id }, 'federation stream acknowledges again');
        failing = 0;
      } catch (e) {
        if (failing === 0) log.warn({ err: errorMessage(e) }, 'federation: the district stream did not acknowledge; retrying (the outbox keeps the events)');
        await this.idle(backoffMs(failing++, 200, 5000));
      }
    }
  }

  private async publish(seq: number, payload: Record<string, unknown>): Promise<void> {
    const id = String(payload['id']);
    const cameraId = String(payload['cameraId']);
    const kind = String(payload['kind']).replace(/[^A-Za-z0-9_-]/g, '_');
    const crop = await this.cropOf(payload);
    const msg: FedEventMessage = {
      v: 1, district: this.o.config.id, seq,
      event: crossingPayload(payload) as FedEventMessage['event'],
      ...(crop ? { cropJpeg: crop } : {}),
    };
    await this.js.publish(fedNames.subject(this.o.config.id, cameraId, kind), JSON.stringify(msg), { msgID: id });
  }

  /** The plate crop of a shared plate read, base64 (from its sighting's crop on this disk), when there is one. */
  private async cropOf(payload: Record<string, unknown>): Promise<string | undefined> {
    if (payload['kind'] !== 'plate.read' || !this.o.cropsDir) return undefined;
    const sighting = await this.o.store.getSighting(String(payload['id']));
    if (!sighting?.cropRef) return undefined;
    const path = await resolveCrop(this.o.cropsDir, sighting.cropRef);
    return path ? (await readFile(path)).toString('base64') : undefined;
  }

  /**
   * The live view the province may ask for: a shared camera's only (checked on every request, so a camera no longer
   * shared stops at once); one `fed.live` audit row per camera per minute of watching, at this end.
   */
  private sharedLive(live: LiveHost): LiveHost {
    // The row is written before any byte crosses; a failed write fails the request (and the next one tries again).
    const check = (cameraId: string): Promise<void> => {
      if (!this.o.share.shared(cameraId)) throw new ArgusError('forbidden', `camera ${cameraId} is not shared with the province`);
      return this.liveLooks.cover(cameraId, () => this.o.store.appendAudit({
        atMs: Date.now(), actor: 'system:federation', action: 'fed.live', target: cameraId, details: { district: this.o.config.id, what: 'live' },
      }).then(() => undefined));
    };
    return {
      playlist: async (cameraId) => {
        await check(cameraId);
        return live.playlist(cameraId);
      },
      segment: async (cameraId, name, offset, length) => {
        await check(cameraId);
        return live.segment(cameraId, name, offset, length);
      },
    };
  }

  private async sendStatus(): Promise<void> {
    const { store, config, share, status } = this.o;
    const sites = new Map((await store.listSites()).map((s) => [s.id, s]));
    const live = new Map(status.status().map((s) => [s.id, s]));
    const cameras = (await store.listCameras()).filter((c) => share.shared(c.id)).map((c) => {
      const p = publicCamera(c, sites.get(c.siteId));
      const kind = (CAMERA_KINDS as readonly string[]).includes(p.kind) ? (p.kind as CameraKind) : 'shared';
      return { id: p.id, name: p.name, kind, location: p.location, area: p.area, status: live.get(c.id) ?? null };
    });
    const msg: FedStatusMessage = { v: 1, district: config.id, name: config.name, atMs: Date.now(), cameras };
    this.nc.publish(fedNames.status(config.id), JSON.stringify(msg));
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      const self = this; // eslint-disable-line @typescript-eslint/no-this-alias
      function done(): void {
        clearTimeout(t);
        if (self.wake === done) self.wake = undefined;
        resolve();
      }
      this.wake = done;
    });
  }
}
