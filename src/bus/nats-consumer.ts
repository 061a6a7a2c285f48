/**
 * A durable consumer of the JetStream bus (see bus.ts for the contract, nats.ts for the stream). One JetStream pull
 * consumer per durable name, explicit acks, and `max_ack_pending` = the batch size: at most one batch of a durable
 * is out at any time, across every process consuming it. That is what keeps each camera's order through failures:
 * a batch handed to a consumer that dies is the only thing out, so nothing newer is delivered before it comes back
 * (after `ack_wait`), and a batch whose handler failed is given back (nak) before the next pull, so it comes first.
 * A batch is acknowledged only after the handler resolved; the last ack of a batch waits for the server's answer, so
 * the next pull finds the batch acknowledged. The server delivers a message at most `maxDeliver + 1` times: the
 * `maxDeliver`-th failure, or a delivery past `maxDeliver` (its handlers kept dying), goes to `onDeadLetter` and is
 * terminated. The settings of a durable are those it was created with; they are updated when a consumer starts
 * while no other holds or waits for messages of that durable.
 */
import { AckPolicy, DeliverPolicy, JetStreamApiCodes, ReplayPolicy, type ConsumerConfig, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { ArgusError, errorMessage } from '../core/errors.js';
import type { BatchHandler, ConsumeOptions, Delivery, Subscription } from './bus.js';
import { backoffMs, type BusLogger } from './nats-connect.js';
import { Puller, type Pulled } from './nats-pull.js';

export interface ConsumerContext {
  readonly nc: NatsConnection;
  readonly jsm: JetStreamManager;
  readonly stream: string;
  /** The subjects the durable reads (`<prefix>.cam.>`). */
  readonly filterSubject: string;
  readonly log: BusLogger;
  /** The message's idempotence id and camera, from its headers and subject. */
  readonly keysOf: (msg: Pulled['msg']) => { id: string; cameraId: string };
}

const WAIT_EXPIRES_MS = 5000;
const HEARTBEAT_MS = 1000;
const nanos = (ms: number): number => Math.round(ms * 1e6);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const ACK = '+ACK';
const NAK = '-NAK';
const TERM = '+TERM';
/** In progress: resets the message's ack wait, counts no delivery. */
const WORKING = '+WPI';

export function durableConfig(ctx: ConsumerContext, o: Pick<ConsumeOptions<unknown>, 'durable' | 'batch' | 'ackWaitMs' | 'maxDeliver'>): Partial<ConsumerConfig> & { durable_name: string } {
  return {
    durable_name: o.durable,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(o.ackWaitMs ?? 30_000),
    max_deliver: (o.maxDeliver ?? 10) + 1,
    max_ack_pending: o.batch ?? 256,
    deliver_policy: DeliverPolicy.All,
    replay_policy: ReplayPolicy.Instant,
    filter_subject: ctx.filterSubject,
  };
}

/** Creates the durable, or updates its settings when nobody holds or waits for its messages. */
export async function ensureDurable(ctx: ConsumerContext, want: Partial<ConsumerConfig> & { durable_name: string }): Promise<void> {
  let info;
  try {
    info = await ctx.jsm.consumers.info(ctx.stream, want.durable_name);
  } catch (e) {
    if ((e as { code?: number }).code !== JetStreamApiCodes.ConsumerNotFound) throw e;
    await ctx.jsm.consumers.add(ctx.stream, want);
    return;
  }
  const c = info.config;
  const same = c.ack_wait === want.ack_wait && c.max_deliver === want.max_deliver && c.max_ack_pending === want.max_ack_pending && c.filter_subject === want.filter_subject;
  if (same) return;
  if (info.num_ack_pending === 0 && info.num_waiting === 0) {
    const { durable_name: _name, deliver_policy: _deliver, ...mutable } = want;
    await ctx.jsm.consumers.update(ctx.stream, want.durable_name, mutable);
    ctx.log.info({ durable: want.durable_name }, 'bus consumer settings updated');
  } else {
    ctx.log.info({ durable: want.durable_name, ackWaitMs: (c.ack_wait ?? 0) / 1e6, maxDeliver: (c.max_deliver ?? 0) - 1, batch: c.max_ack_pending }, 'bus consumer in use: keeping its settings');
  }
}

export class NatsSubscription<M> implements Subscription {
  private readonly puller: Puller;
  private readonly batch: number;
  private readonly maxDeliver: number;
  private readonly retryDelayMs: number;
  private stopped = false;
  private readonly stopping = new AbortController();
  private inHand: Pulled[] = [];
  private busy = false;
  private readonly running: Promise<void>;

  constructor(
    private readonly ctx: ConsumerContext,
    private readonly o: ConsumeOptions<M>,
    private readonly handler: BatchHandler<M>,
  ) {
    this.batch = o.batch ?? 256;
    this.maxDeliver = o.maxDeliver ?? 10;
    this.retryDelayMs = o.retryDelayMs ?? 500;
    this.puller = new Puller(ctx.nc, `$JS.API.CONSUMER.MSG.NEXT.${ctx.stream}.${o.durable}`);
    this.running = this.loop().catch((e: unknown) => ctx.log.error({ durable: o.durable, err: errorMessage(e) }, 'bus consumer stopped on an error'));
  }

  async stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      this.stopping.abort();
      this.puller.close();
      // Given back at once rather than after ack_wait: the next consumer of this durable gets them first.
      const back = [...this.inHand, ...this.puller.late.splice(0)].sort((a, b) => a.seq - b.seq);
      for (const p of back) this.respond(p, NAK);
      await this.ctx.nc.flush().catch((e: unknown) => this.ctx.log.debug({ err: errorMessage(e) }, 'bus consumer: flush on stop failed'));
    }
    // A handler still busy (hung) is not waited for: its batch went back above.
    if (!this.busy) await this.running;
  }

  async drain(timeoutMs = 30_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    const target = (await this.ctx.jsm.streams.info(this.ctx.stream)).state.last_seq;
    while (!this.stopped) {
      const info = await this.ctx.jsm.consumers.info(this.ctx.stream, this.o.durable).catch(() => undefined);
      if (info && (info.ack_floor.stream_seq >= target || (info.num_pending === 0 && info.num_ack_pending === 0))) break;
      if (Date.now() > end) throw new ArgusError('io_failed', `bus consumer "${this.o.durable}" did not catch up within ${timeoutMs} ms`);
      await sleep(20);
    }
    await this.stop();
  }

  private async loop(): Promise<void> {
    await this.setUp();
    let failures = 0;
    while (!this.stopped) {
      const { messages, trouble } = await this.next();
      if (this.stopped) {
        for (const p of messages) this.respond(p, NAK); // came after stop(): given back too
        break;
      }
      if (messages.length > 0) await this.handle(messages);
      if (trouble) {
        const wait = backoffMs(failures++, 200, 5000);
        if (failures === 3) this.ctx.log.warn({ durable: this.o.durable, problem: trouble }, 'bus consumer cannot pull; retrying with backoff');
        await sleep(wait);
        if (trouble === 'no responders') await ensureDurable(this.ctx, durableConfig(this.ctx, this.o)).catch((e: unknown) => this.ctx.log.debug({ err: errorMessage(e) }, 'bus consumer: durable check failed'));
      } else {
        if (failures >= 3) this.ctx.log.info({ durable: this.o.durable }, 'bus consumer pulling again');
        failures = 0;
      }
    }
  }

  /** Creates or checks the durable, retrying while JetStream cannot answer. */
  private async setUp(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        await ensureDurable(this.ctx, durableConfig(this.ctx, this.o));
        if (attempt >= 3) this.ctx.log.info({ durable: this.o.durable }, 'bus consumer ready');
        return;
      } catch (e) {
        if (attempt === 2) this.ctx.log.warn({ durable: this.o.durable, err: errorMessage(e) }, 'bus consumer cannot be set up; retrying with backoff');
        await sleep(backoffMs(attempt, 200, 5000));
      }
    }
  }

  /** The next batch: what is there now, else one message waited for and what came with it. */
  private async next(): Promise<{ messages: Pulled[]; trouble?: string }> {
    const late = this.puller.late.splice(0, this.batch);
    if (late.length > 0) return { messages: late };
    const now = await this.puller.take(this.batch);
    if (now.noResponders || now.unsent) return { messages: now.messages, trouble: now.unsent ? 'cannot send a pull request' : 'no responders' };
    if (now.messages.length > 0 || this.stopped) return { messages: now.messages };
    const first = await this.puller.wait(WAIT_EXPIRES_MS, HEARTBEAT_MS);
    if (first.noResponders || first.unsent) return { messages: first.messages, trouble: first.unsent ? 'cannot send a pull request' : 'no responders' };
    if (first.problem) this.ctx.log.debug({ durable: this.o.durable, problem: first.problem }, 'bus pull ended early');
    if (first.messages.length === 0 || this.batch === 1 || this.stopped) return { messages: first.messages };
    const rest = await this.puller.take(this.batch - first.messages.length);
    return { messages: [...first.messages, ...rest.messages] };
  }

  private async handle(pulled: Pulled[]): Promise<void> {
    const bySeq = new Map<number, Pulled>();
    for (const p of pulled) bySeq.set(p.seq, p);
    const batch = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
    this.inHand = batch;
    const deliveries: Array<{ p: Pulled; d: Delivery<M> }> = [];
    for (const p of batch) {
      const d = this.decode(p);
      if (!d) this.respond(p, TERM);
      else if (d.deliveries > this.maxDeliver) this.deadLetter(p, d, new ArgusError('io_failed', `delivered ${d.deliveries - 1} times without an acknowledgement (its consumers stopped or hung)`));
      else deliveries.push({ p, d });
    }
    let failure: unknown;
    this.busy = true;
    try {
      const keepAlive = (): void => {
        for (const { p } of deliveries) this.respond(p, WORKING);
      };
      if (deliveries.length > 0) await this.handler(deliveries.map((x) => x.d), { keepAlive, signal: this.stopping.signal });
    } catch (e) {
      failure = e ?? new Error('handler failed');
    } finally {
      this.busy = false;
    }
    if (this.stopped) return; // given back by stop()
    if (failure === undefined) {
      await this.acknowledge(deliveries.map((x) => x.p));
    } else {
      const again: Pulled[] = [];
      for (const { p, d } of deliveries) {
        if (d.deliveries >= this.maxDeliver) this.deadLetter(p, d, failure);
        else again.push(p);
      }
      // A failing consumer (its database down) waits before the batch comes again; the batch stays out meanwhile,
      // so nothing newer is delivered to anyone.
      await sleep(this.retryDelayMs);
      if (this.stopped) return;
      for (const p of again) this.respond(p, NAK);
    }
    this.inHand = [];
  }

  private decode(p: Pulled): Delivery<M> | undefined {
    try {
      return { message: p.msg.json<M>(), keys: this.ctx.keysOf(p.msg), seq: p.seq, deliveries: p.deliveries };
    } catch (e) {
      this.ctx.log.error({ durable: this.o.durable, seq: p.seq, subject: p.msg.subject, err: errorMessage(e) }, 'bus message is not JSON: terminated');
      return undefined;
    }
  }

  private deadLetter(p: Pulled, d: Delivery<M>, error: unknown): void {
    try {
      this.o.onDeadLetter?.(d, error);
    } catch (e) {
      this.ctx.log.error({ durable: this.o.durable, seq: p.seq, err: errorMessage(e) }, 'bus dead-letter callback threw');
    }
    this.respond(p, TERM);
  }

  /** Acks the batch; the last ack waits for the server, so the next pull finds the batch acknowledged. */
  private async acknowledge(batch: readonly Pulled[]): Promise<void> {
    const last = batch.at(-1);
    if (!last) return;
    for (const p of batch.slice(0, -1)) this.respond(p, ACK);
    try {
      await this.ctx.nc.request(last.msg.reply!, ACK, { timeout: 5000 });
    } catch (e) {
      // Not confirmed (a leader change): the batch may come again; the consumer's commit is idempotent.
      this.ctx.log.debug({ durable: this.o.durable, seq: last.seq, err: errorMessage(e) }, 'bus ack not confirmed');
    }
  }

  private respond(p: Pulled, what: string): void {
    try {
      this.ctx.nc.publish(p.msg.reply!, what);
    } catch (e) {
      // The connection is closed: the server delivers it again after ack_wait.
      this.ctx.log.debug({ durable: this.o.durable, seq: p.seq, err: errorMessage(e) }, 'bus ack not sent');
    }
  }
}
