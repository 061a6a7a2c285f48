/**
 * The province end of federation. Its JetStream (on the hub) keeps one stream, `ARGUS_FED_IN`, that SOURCES each
 * configured district's stream across the leaf node (`$JS.<district>.API`, filtered to `argus.fed.<district>.>`): the
 * sourcing is NATS's own, and resumes where it stopped when a cut link returns. A durable consumer of that stream
 * feeds the province's ingest (acknowledged after the commit; the store is idempotent by event id, so a message
 * delivered twice is stored once), after checking each message: well-formed, from a configured district, and for a
 * camera no one else owns (not a local camera, not another district's). The districts' heartbeats register their
 * shared cameras (site `fed-<district>`, owner in `fed_cameras`, never run here) and give their status; no heartbeat
 * for `linkTimeoutSec` marks the link down: an alert, and the district's cameras show offline, until it returns.
 */
import { jetstreamManager, RetentionPolicy, StorageType, type StreamConfig } from '@nats-io/jetstream';
import type { NatsConnection, Subscription as NatsSub } from '@nats-io/transport-node';
import { fedNames, type ProvinceFederationConfig } from '../../config/federation.js';
import type { CameraStatus } from '../../contract/cameras.js';
import { errorMessage } from '../../core/errors.js';
import type { ArgusEvent } from '../../core/events.js';
import { backoffMs, connectNats, type BusLogger } from '../../bus/nats-connect.js';
import { liveRelayClient, type LiveRelayClient } from '../../bus/live-relay.js';
import { NatsSubscription } from '../../bus/nats-consumer.js';
import type { Delivery, Subscription } from '../../bus/bus.js';
import type { Store } from '../../store/store.js';
import type { Ingest } from '../ingest.js';
import { CrossingAudit } from './fed-audit.js';
import { fedEventMessage, fedStatusMessage, type FedCamera, type FedStatusMessage } from './messages.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface FederationOwner {
  readonly id: string;
  readonly name: string;
}

/** What the API asks of federation: who owns a camera (null: a local camera). */
export interface FederationView {
  ownerOf(cameraId: string): FederationOwner | null;
  isFederated(cameraId: string): boolean;
  /** The live status of every federated camera (offline while its district's link is down). */
  statuses(): CameraStatus[];
  /** Live view of a federated camera, relayed by its district; undefined for a camera that is not federated. */
  liveRelay(cameraId: string): LiveRelayClient | undefined;
}

export interface ProvinceFederationOptions {
  readonly config: ProvinceFederationConfig;
  readonly store: Store;
  readonly ingest: Pick<Ingest, 'handleMany' | 'raiseAlert'>;
  readonly log: BusLogger;
  /** How often links are checked, ms (default 1000). */
  readonly checkEveryMs?: number;
  readonly auditEveryMs?: number;
}

interface DistrictState {
  name: string;
  lastSeenMs: number;
  /** null until the first heartbeat or the first timeout. */
  up: boolean | null;
  cameras: Map<string, FedCamera>;
}

export const fedSiteId = (district: string): string => `fed-${district}`;

export function provinceStreamConfig(c: ProvinceFederationConfig): Partial<StreamConfig> & { name: string } {
  return {
    name: fedNames.provinceStream,
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    num_replicas: 1,
    max_age: 14 * 86_400_000 * 1e6,
    max_bytes: 20 * 1024 ** 3,
    sources: c.districts.map((d) => ({
      name: fedNames.districtStream(d.id),
      filter_subject: fedNames.districtSubjects(d.id),
      external: { api: `$JS.${d.id}.API`, deliver: '' },
    })),
  };
}

const offline = (id: string, message: string): CameraStatus => ({
  id, health: 'offline', analysis: 'stopped', fps: 0, lastFrameAgeMs: null, framesAnalysed: 0, restarts: 0, signalLost: false, message,
  recording: null, plates: null, settings: null,
});

export class ProvinceFederation implements FederationView {
  private readonly districts = new Map<string, DistrictState>();
  /** camera id → district id. */
  private readonly owners = new Map<string, string>();
  private readonly audit: CrossingAudit;
  private sub: Subscription | undefined;
  private statusSub: NatsSub | undefined;
  private timer: NodeJS.Timeout | undefined;
  private received = 0;
  private readonly warned = new Set<string>();

  private constructor(private readonly o: ProvinceFederationOptions, private readonly nc: NatsConnection) {
    const now = Date.now();
    for (const d of o.config.districts) this.districts.set(d.id, { name: d.name ?? d.id, lastSeenMs: now, up: null, cameras: new Map() });
    this.audit = new CrossingAudit(o.store, 'fed.received', (err) => o.log.error({ err: errorMessage(err) }, 'federation audit row not written'), o.auditEveryMs);
  }

  static async start(o: ProvinceFederationOptions, signal?: AbortSignal): Promise<ProvinceFederation> {
    const nc = await connectNats({ servers: [o.config.nats], name: `argus-fed-${o.config.id}`, logger: o.log, ...(signal ? { signal } : {}) });
    const jsm = await jetstreamManager(nc, { timeout: 5000 });
    const cfg = provinceStreamConfig(o.config);
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
    const fed = new ProvinceFederation(o, nc);
    for (const row of await o.store.listFedCameras()) {
      fed.owners.set(row.cameraId, row.districtId);
      const d = fed.districts.get(row.districtId);
      if (d && d.name === row.districtId) d.name = row.districtName;
    }
    fed.statusSub = nc.subscribe(fedNames.allStatus, { callback: (err, msg) => {
      if (err) return;
      fed.onStatus(msg.data).catch((e: unknown) => o.log.warn({ err: errorMessage(e) }, 'federation status not handled'));
    } });
    fed.sub = new NatsSubscription<unknown>(
      { nc, jsm, stream: cfg.name, filterSubject: 'argus.fed.>', log: o.log, keysOf: (m) => ({ id: m.headers?.get('Nats-Msg-Id') ?? '', cameraId: m.subject.split('.')[3] ?? '' }) },
      { durable: fedNames.provinceDurable, batch: 256, onDeadLetter: (d, err) => o.log.error({ seq: d.seq, err: errorMessage(err) }, 'federated event given up') },
      (batch) => fed.onEvents(batch),
    );
    fed.audit.start();
    fed.timer = setInterval(() => void fed.checkLinks().catch((e: unknown) => o.log.warn({ err: errorMessage(e) }, 'federation link check failed')), o.checkEveryMs ?? 1000);
    o.log.info({ province: o.config.id, districts: o.config.districts.map((d) => d.id), stream: cfg.name }, 'federation: taking in the districts');
    return fed;
  }

  /** Events stored from the districts since start. */
  get receivedCount(): number {
    return this.received;
  }

  ownerOf(cameraId: string): FederationOwner | null {
    const id = this.owners.get(cameraId);
    if (id === undefined) return null;
    return { id, name: this.districts.get(id)?.name ?? id };
  }

  isFederated(cameraId: string): boolean {
    return this.owners.has(cameraId);
  }

  liveRelay(cameraId: string): LiveRelayClient | undefined {
    const owner = this.ownerOf(cameraId);
    return owner ? liveRelayClient(this.nc, fedNames.live(owner.id), `district ${owner.name}`) : undefined;
  }

  statuses(): CameraStatus[] {
    const out: CameraStatus[] = [];
    for (const [cameraId, districtId] of this.owners) {
      const d = this.districts.get(districtId);
      const cam = d?.cameras.get(cameraId);
      if (!d || d.up !== true) out.push(offline(cameraId, `link to district ${d?.name ?? districtId} is down`));
      else if (!cam?.status) out.push(offline(cameraId, `district ${d.name} gives no status for this camera`));
      else out.push({ ...cam.status, id: cameraId });
    }
    return out;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.statusSub?.unsubscribe();
    await this.sub?.stop();
    await this.audit.stop().catch(() => undefined);
    await this.nc.drain().catch(() => undefined);
  }

  /** Whether a district may speak for this camera: not a local camera, not another district's. */
  private async mayOwn(district: string, cameraId: string): Promise<boolean> {
    const owner = this.owners.get(cameraId);
    if (owner !== undefined) return owner === district;
    return (await this.o.store.getCamera(cameraId)) === null;
  }

  private warnOnce(key: string, obj: object, msg: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.o.log.warn(obj, msg);
  }

  private async onEvents(batch: readonly Delivery<unknown>[]): Promise<void> {
    const events: ArgusEvent[] = [];
    const notes: Array<{ district: string; seq: number; cameraId: string; atMs: number }> = [];
    for (const d of batch) {
      const parsed = fedEventMessage.safeParse(d.message);
      if (!parsed.success) {
        this.o.log.error({ seq: d.seq, err: parsed.error.issues[0]?.message }, 'federated message refused: not a federation event');
        continue;
      }
      const m = parsed.data;
      if (!this.districts.has(m.district) || d.keys.cameraId !== m.event.cameraId) {
        this.o.log.error({ seq: d.seq, district: m.district }, 'federated message refused: unknown district or camera not that of its subject');
        continue;
      }
      if (!(await this.mayOwn(m.district, m.event.cameraId))) {
        this.warnOnce(`own:${m.event.cameraId}`, { district: m.district, cameraId: m.event.cameraId }, 'federated event refused: the camera is local or another district\'s');
        continue;
      }
      const event = { ...m.event, ...(m.cropJpeg ? { cropJpeg: new Uint8Array(Buffer.from(m.cropJpeg, 'base64')) } : {}) } as unknown as ArgusEvent;
      events.push(event);
      notes.push({ district: m.district, seq: m.seq, cameraId: m.event.cameraId, atMs: m.event.atMs });
    }
    await this.o.ingest.handleMany(events, { urgent: true });
    this.received += events.length;
    for (const n of notes) this.audit.note(n.district, n.seq, n.cameraId, n.atMs);
  }

  private async onStatus(data: Uint8Array): Promise<void> {
    let raw: unknown;
    try {
      raw = JSON.parse(new TextDecoder().decode(data));
    } catch {
      return;
    }
    const parsed = fedStatusMessage.safeParse(raw);
    if (!parsed.success) {
      this.warnOnce(`status-bad`, { err: parsed.error.issues[0]?.message }, 'federation heartbeat refused: malformed');
      return;
    }
    const m = parsed.data;
    const d = this.districts.get(m.district);
    if (!d) {
      this.warnOnce(`unknown:${m.district}`, { district: m.district }, 'federation heartbeat of a district this province does not take in: ignored');
      return;
    }
    d.lastSeenMs = Date.now();
    const wasDown = d.up === false;
    d.up = true;
    if (d.name !== m.name) d.name = m.name;
    await this.register(m, d);
    if (wasDown) {
      this.o.log.info({ district: m.district }, 'federation link back');
      await this.o.ingest.raiseAlert({
        cameraId: null, kind: 'federation_link_restored', severity: 'info',
        message: `Link to district ${d.name} restored / Kết nối với ${d.name} đã khôi phục`, payload: { district: m.district },
      });
    }
  }

  /** The district's shared cameras into the store (only what changed), each owned by it alone. */
  private async register(m: FedStatusMessage, d: DistrictState): Promise<void> {
    const { store } = this.o;
    const siteId = fedSiteId(m.district);
    const seen = new Map<string, FedCamera>();
    let siteDone = false;
    for (const c of m.cameras) {
      if (!(await this.mayOwn(m.district, c.id))) {
        this.warnOnce(`own:${c.id}`, { district: m.district, cameraId: c.id }, 'federated camera refused: its id is a local camera or another district\'s');
        continue;
      }
      seen.set(c.id, c);
      const before = d.cameras.get(c.id);
      const same = before && this.owners.get(c.id) === m.district && JSON.stringify({ ...before, status: null }) === JSON.stringify({ ...c, status: null });
      if (same) continue;
      if (!siteDone) {
        await store.upsertSite({ id: siteId, name: m.name, timeZone: 'Asia/Ho_Chi_Minh', district: null, ward: null, location: null, provinces: [] });
        siteDone = true;
      }
      await store.upsertCamera({
        id: c.id, siteId, name: c.name, kind: c.kind, url: `federated://${m.district}/${c.id}`, enabled: false, location: c.location,
        zones: { area: { ...(c.area.district ? { district: c.area.district } : {}), ...(c.area.ward ? { ward: c.area.ward } : {}) } }, rules: [], updatedAtMs: Date.now(),
      });
      await store.upsertFedCamera({ cameraId: c.id, districtId: m.district, districtName: m.name, updatedAtMs: Date.now() });
      this.owners.set(c.id, m.district);
    }
    d.cameras = seen;
  }

  private async checkLinks(): Promise<void> {
    const now = Date.now();
    const timeoutMs = this.o.config.linkTimeoutSec * 1000;
    for (const [id, d] of this.districts) {
      if (d.up === false || now - d.lastSeenMs <= timeoutMs) continue;
      d.up = false;
      this.o.log.warn({ district: id, silentMs: now - d.lastSeenMs }, 'federation link down');
      await this.o.ingest.raiseAlert({
        cameraId: null, kind: 'federation_link_lost', severity: 'critical',
        message: `Link to district ${d.name} lost: no status for ${Math.round((now - d.lastSeenMs) / 1000)} s / Mất kết nối với ${d.name}`,
        payload: { district: id, lastSeenMs: d.lastSeenMs },
      });
    }
  }
}
