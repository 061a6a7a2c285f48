/**
 * The EventBus on NATS JetStream (the scaled mode). One stream (`ARGUS_EVENTS`) holds every camera's messages under
 * `<prefix>.cam.<cameraId>.<kind>`, file storage, R3 in a cluster (R1 on one node), kept by age and size (the oldest
 * go first), with a duplicate window of at least two minutes. A publish carries the message's idempotence id as its
 * `Nats-Msg-Id`: retried with the same id after a timeout or a leader change, it is stored once (a leader killed
 * mid-publish loses no acknowledged message, DESIGN.md §8). A publish that gets no ack before `publishDeadlineMs`
 * fails with `unavailable`: the runtime buffers or slows down. Durable consumers: nats-consumer.ts.
 */
import { DiscardPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType, type JetStreamClient, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { errors as natsErrors, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { ArgusError, errorMessage } from '../core/errors.js';
import { encodeMessage, type BatchHandler, type ConsumeOptions, type EventBus, type MessageKeys, type Published, type Subscription } from './bus.js';
import type { CameraMessage } from './messages.js';
import { backoffMs, silentLogger, type BusLogger } from './nats-connect.js';
import { NatsSubscription, type ConsumerContext } from './nats-consumer.js';

export interface NatsStreamOptions {
  /** Stream name (default `ARGUS_EVENTS`). */
  readonly stream?: string;
  /** First subject token(s) (default `argus`): subjects are `<prefix>.cam.<cameraId>.<kind>`. */
  readonly subjectPrefix?: string;
  /** Copies of the stream: 3 on a 3-node cluster, 1 on one node (default 1). */
  readonly replicas?: 1 | 3 | 5;
  /** A message published again with the same id within this window is stored once (default and minimum 120 000 ms). */
  readonly duplicateWindowMs?: number;
  /** Messages older than this are dropped (default 7 days). */
  readonly maxAgeMs?: number;
  /** The stream's size bound; the oldest messages go first (default 10 GiB). */
  readonly maxBytes?: number;
}

export interface NatsBusOptions<M> extends NatsStreamOptions {
  /** One attempt's wait for the stream's ack, ms (default 2000). */
  readonly publishAttemptMs?: number;
  /** A publish not acknowledged after this long fails with `unavailable` (default 30 000 ms; below the duplicate window). */
  readonly publishDeadlineMs?: number;
  /** Publishes waiting for their ack at once; more wait for a place (default 1024: enough to keep a cluster busy,
   * few enough that an ack comes well within one attempt on a loaded box). */
  readonly maxInFlight?: number;
  /** The last subject token of a message (default its `kind` field, else `msg`). */
  readonly kindOf?: (message: M) => string;
  /** Give up setting the stream up after this long (default: retry until it works, saying so once). */
  readonly setupDeadlineMs?: number;
  readonly logger?: BusLogger;
  /** Close the connection with the bus (default false: the process shares it with the blob store and leases). */
  readonly ownsConnection?: boolean;
}

const TOKEN = /^[A-Za-z0-9_-]{1,128}$/;
const PREFIX = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const nanos = (ms: number): number => Math.round(ms * 1e6);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The stream's configuration from the options (also used by the bench and the tests). */
export function streamConfig(o: NatsStreamOptions): Partial<StreamConfig> & { name: string } {
  const prefix = o.subjectPrefix ?? 'argus';
  if (!PREFIX.test(prefix)) throw new ArgusError('invalid_argument', `bus subject prefix ${JSON.stringify(prefix)}: expected dot-separated names of letters, digits, "_", "-"`);
  const dup = o.duplicateWindowMs ?? 120_000;
  if (dup < 120_000) throw new ArgusError('invalid_argument', `bus duplicate window ${dup} ms: at least 120 000 ms (a retried publish must be recognised)`);
  return {
    name: o.stream ?? 'ARGUS_EVENTS',
    subjects: [`${prefix}.cam.>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    num_replicas: o.replicas ?? 1,
    duplicate_window: nanos(dup),
    max_age: nanos(o.maxAgeMs ?? 7 * 24 * 3600_000),
    max_bytes: o.maxBytes ?? 10 * 1024 ** 3,
    max_msg_size: 1024 * 1024,
    discard: DiscardPolicy.Old,
  };
}

/** Errors a retry cannot mend: a closed connection, a message the stream refuses. */
function isPermanent(e: unknown): boolean {
  if (e instanceof natsErrors.ClosedConnectionError || e instanceof natsErrors.DrainingConnectionError) return true;
  if (e instanceof natsErrors.InvalidArgumentError || e instanceof natsErrors.InvalidSubjectError || e instanceof natsErrors.PermissionViolationError) return true;
  const status = (e as { status?: unknown }).status;
  return e instanceof Error && e.name === 'JetStreamApiError' && typeof status === 'number' && status >= 400 && status < 500;
}

/** Counts places for publishes waiting for their ack; a publisher beyond the bound waits. */
class Slots {
  private free: number;
  private readonly waiters: Array<() => void> = [];
  constructor(n: number) {
    this.free = n;
  }
  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }
  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.free++;
  }
}

/** Creates the stream or brings its limits to the options, retrying while JetStream cannot answer. */
export async function ensureStream(jsm: JetStreamManager, cfg: Partial<StreamConfig> & { name: string }, log: BusLogger, deadlineMs = Infinity): Promise<void> {
  const end = Date.now() + deadlineMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const info = await jsm.streams.info(cfg.name).catch((e: unknown) => {
        if ((e as { code?: number }).code === 10059) return undefined; // stream not found
        throw e;
      });
      if (!info) await jsm.streams.add(cfg);
      else if (info.config.max_age !== cfg.max_age || info.config.max_bytes !== cfg.max_bytes || info.config.duplicate_window !== cfg.duplicate_window || info.config.num_replicas !== cfg.num_replicas) {
        await jsm.streams.update(cfg.name, { ...info.config, ...cfg });
        log.info({ stream: cfg.name }, 'bus stream settings updated');
      }
      if (attempt >= 2) log.info({ stream: cfg.name }, 'bus stream ready');
      return;
    } catch (e) {
      const wait = backoffMs(attempt, 250, 5000);
      if (isPermanent(e) || Date.now() + wait > end) throw new ArgusError('unavailable', `NATS JetStream: cannot set up stream ${cfg.name}: ${errorMessage(e)}`, { cause: e });
      if (attempt === 1) log.warn({ stream: cfg.name, err: errorMessage(e) }, 'NATS JetStream not ready; retrying with backoff');
      await sleep(wait);
    }
  }
}

export class NatsBus<M = CameraMessage> implements EventBus<M> {
  private readonly js: JetStreamClient;
  private readonly log: BusLogger;
  private readonly prefix: string;
  private readonly slots: Slots;
  private readonly subs = new Set<NatsSubscription<M>>();
  private closed = false;
  private failing = false;
  private retried = 0;
  readonly stream: string;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly o: NatsBusOptions<M>,
  ) {
    this.js = jetstream(nc, { timeout: o.publishAttemptMs ?? 2000 });
    this.log = o.logger ?? silentLogger;
    this.prefix = o.subjectPrefix ?? 'argus';
    this.stream = o.stream ?? 'ARGUS_EVENTS';
    this.slots = new Slots(o.maxInFlight ?? 1024);
  }

  /** The bus on a connection (connectNats), its stream set up. */
  static async open<M = CameraMessage>(nc: NatsConnection, o: NatsBusOptions<M> = {}): Promise<NatsBus<M>> {
    const cfg = streamConfig(o);
    const deadline = o.publishDeadlineMs ?? 30_000;
    if (deadline * 2 > (o.duplicateWindowMs ?? 120_000)) throw new ArgusError('invalid_argument', `bus publish deadline ${deadline} ms: at most half the duplicate window`);
    const jsm = await jetstreamManager(nc, { timeout: 5000 });
    await ensureStream(jsm, cfg, o.logger ?? silentLogger, o.setupDeadlineMs);
    return new NatsBus<M>(nc, jsm, o);
  }

  /** Publish attempts retried so far (timeouts, leader changes): for metrics and the fault tests. */
  get publishRetries(): number {
    return this.retried;
  }

  /** `<prefix>.cam.<cameraId>.<kind>`; a camera id that is not a plain name is refused. */
  subjectOf(cameraId: string, kind: string): string {
    if (!TOKEN.test(cameraId)) throw new ArgusError('invalid_argument', `bus: camera id ${JSON.stringify(cameraId.slice(0, 80))} is not a plain name (letters, digits, "_", "-")`);
    return `${this.prefix}.cam.${cameraId}.${TOKEN.test(kind) ? kind : 'msg'}`;
  }

  async publish(message: M, keys: MessageKeys): Promise<Published> {
    if (this.closed) throw new ArgusError('io_failed', 'the event bus is closed');
    const data = encodeMessage(message);
    const subject = this.subjectOf(keys.cameraId, this.kindOf(message));
    await this.slots.acquire();
    try {
      return await this.publishRetrying(subject, data, keys.id);
    } finally {
      this.slots.release();
    }
  }

  consume(options: ConsumeOptions<M>, handler: BatchHandler<M>): Subscription {
    if (this.closed) throw new ArgusError('io_failed', 'the event bus is closed');
    if (!TOKEN.test(options.durable)) throw new ArgusError('invalid_argument', `bus durable name ${JSON.stringify(options.durable)}: letters, digits, "_", "-"`);
    const ctx: ConsumerContext = { nc: this.nc, jsm: this.jsm, stream: this.stream, filterSubject: `${this.prefix}.cam.>`, log: this.log, keysOf: (m) => this.keysOf(m) };
    const sub = new NatsSubscription<M>(ctx, options, handler);
    this.subs.add(sub);
    const stop = sub.stop.bind(sub);
    const drain = sub.drain.bind(sub);
    return {
      stop: async () => {
        this.subs.delete(sub);
        await stop();
      },
      drain: async (timeoutMs?: number) => {
        await drain(timeoutMs);
        this.subs.delete(sub);
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subs].map((s) => s.stop()));
    this.subs.clear();
    if (this.o.ownsConnection) await this.nc.drain().catch((e: unknown) => this.log.debug({ err: errorMessage(e) }, 'NATS drain on close failed'));
  }

  private kindOf(message: M): string {
    if (this.o.kindOf) return this.o.kindOf(message);
    const kind = (message as { kind?: unknown } | null)?.kind;
    return typeof kind === 'string' ? kind : 'msg';
  }

  private keysOf(msg: Msg): { id: string; cameraId: string } {
    const rest = msg.subject.slice(this.prefix.length + '.cam.'.length);
    return { id: msg.headers?.get('Nats-Msg-Id') ?? '', cameraId: rest.slice(0, rest.indexOf('.')) };
  }

  private async publishRetrying(subject: string, data: string, id: string): Promise<Published> {
    const deadlineMs = this.o.publishDeadlineMs ?? 30_000;
    const end = Date.now() + deadlineMs;
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw new ArgusError('io_failed', 'the event bus is closed');
      try {
        const ack = await this.js.publish(subject, data, { msgID: id, timeout: Math.max(100, Math.min(this.o.publishAttemptMs ?? 2000, end - Date.now())) });
        if (this.failing) {
          this.failing = false;
          this.log.info({ stream: this.stream }, 'NATS JetStream acknowledges publishes again');
        }
        return { seq: ack.seq, duplicate: ack.duplicate };
      } catch (e) {
        if (isPermanent(e)) throw new ArgusError(e instanceof natsErrors.ClosedConnectionError ? 'io_failed' : 'invalid_argument', `bus publish ${id}: ${errorMessage(e)}`, { cause: e });
        const wait = backoffMs(attempt, 100, 2000);
        if (Date.now() + wait >= end) throw new ArgusError('unavailable', `NATS JetStream did not acknowledge ${id} within ${deadlineMs} ms: ${errorMessage(e)}`, { cause: e });
        this.retried++;
        if (!this.failing) {
          this.failing = true;
          this.log.warn({ stream: this.stream, err: errorMessage(e) }, 'NATS JetStream publish not acknowledged; retrying with the same id');
        }
        await sleep(wait);
      }
    }
  }
}
