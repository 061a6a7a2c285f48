/**
 * The in-process EventBus (the single box): one stream in memory, durable consumers by name. Messages are stored as
 * JSON text, exactly as they would travel: a message that cannot travel (bytes, a function, a cycle) is refused at
 * publish. The stream is bounded: a publisher waits while `maxPending` messages are unacknowledged by some consumer
 * (the camera slows down instead of the process growing). Acknowledged messages are dropped from memory.
 */
import { ArgusError } from '../core/errors.js';
import { encodeMessage, type BatchHandler, type ConsumeOptions, type Delivery, type EventBus, type MessageKeys, type Published, type Subscription } from './bus.js';

export interface MemoryBusOptions {
  /** Unacknowledged messages kept at most; a publisher waits beyond (default 50 000). */
  readonly maxPending?: number;
  /** Ids remembered for de-duplication, ms (default 120 000, JetStream's default window). */
  readonly duplicateWindowMs?: number;
}

interface Stored {
  readonly seq: number;
  readonly keys: MessageKeys;
  readonly text: string;
}

interface Durable {
  /** Next stream position never delivered to this durable. */
  next: number;
  /** Delivered, not acknowledged: seq → deliveries so far. */
  readonly unacked: Map<number, number>;
  /** Of those, the ones free to be delivered again (nak, stop, ack timeout). */
  readonly redeliver: Set<number>;
  readonly subscribers: Set<Subscriber>;
}

interface Subscriber {
  stopped: boolean;
  readonly wake: () => void;
}

export class MemoryBus<M> implements EventBus<M> {
  private readonly log = new Map<number, Stored>();
  private readonly seen = new Map<string, { seq: number; atMs: number }>();
  private readonly durables = new Map<string, Durable>();
  private readonly spaceWaiters: Array<() => void> = [];
  private readonly maxPending: number;
  private readonly windowMs: number;
  private seq = 0;
  private closed = false;

  constructor(opts: MemoryBusOptions = {}) {
    this.maxPending = opts.maxPending ?? 50_000;
    this.windowMs = opts.duplicateWindowMs ?? 120_000;
  }

  async publish(message: M, keys: MessageKeys): Promise<Published> {
    const text = encodeMessage(message);
    while (!this.closed && this.log.size >= this.maxPending) await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    if (this.closed) throw new ArgusError('io_failed', 'the event bus is closed');
    const now = Date.now();
    this.forgetOldIds(now);
    const dup = this.seen.get(keys.id);
    if (dup) return { seq: dup.seq, duplicate: true };
    const seq = ++this.seq;
    this.log.set(seq, { seq, keys, text });
    this.seen.set(keys.id, { seq, atMs: now });
    for (const d of this.durables.values()) for (const s of d.subscribers) s.wake();
    return { seq, duplicate: false };
  }

  consume(options: ConsumeOptions<M>, handler: BatchHandler<M>): Subscription {
    if (this.closed) throw new ArgusError('io_failed', 'the event bus is closed');
    let durable = this.durables.get(options.durable);
    if (!durable) {
      // A new durable starts at the oldest message the stream still holds.
      durable = { next: (this.log.keys().next().value as number | undefined) ?? this.seq + 1, unacked: new Map(), redeliver: new Set(), subscribers: new Set() };
      this.durables.set(options.durable, durable);
    }
    return this.subscribe(durable, options, handler);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const d of this.durables.values()) for (const s of d.subscribers) { s.stopped = true; s.wake(); }
    for (const w of this.spaceWaiters.splice(0)) w();
  }

  private subscribe(d: Durable, o: ConsumeOptions<M>, handler: BatchHandler<M>): Subscription {
    const batchMax = o.batch ?? 256;
    const ackWaitMs = o.ackWaitMs ?? 30_000;
    const maxDeliver = o.maxDeliver ?? 10;
    const retryDelayMs = o.retryDelayMs ?? 500;
    let wakeUp: (() => void) | undefined;
    const sub: Subscriber = { stopped: false, wake: () => wakeUp?.() };
    d.subscribers.add(sub);
    const idle = (): Promise<void> => new Promise<void>((resolve) => {
      wakeUp = () => { wakeUp = undefined; resolve(); };
    });
    let inHand: number[] = [];
    const stopping = new AbortController();

    const loop = async (): Promise<void> => {
      while (!sub.stopped) {
        const batch = this.take(d, batchMax);
        if (batch.length === 0) {
          await idle();
          continue;
        }
        inHand = batch.map((b) => b.seq);
        let timer = setTimeout(() => this.release(d, inHand), ackWaitMs);
        const keepAlive = (): void => {
          clearTimeout(timer);
          timer = setTimeout(() => this.release(d, inHand), ackWaitMs);
        };
        let failure: unknown;
        try {
          await handler(batch, { keepAlive, signal: stopping.signal });
        } catch (e) {
          failure = e ?? new Error('handler failed');
        } finally {
          clearTimeout(timer);
        }
        if (sub.stopped && failure === undefined) failure = new Error('stopped');
        if (failure === undefined) this.ack(d, inHand);
        else this.giveBack(d, batch, maxDeliver, failure, o.onDeadLetter);
        inHand = [];
        // A failing consumer (its database down) waits before it tries the same batch again.
        if (failure !== undefined && !sub.stopped) await sleep(retryDelayMs);
      }
    };
    const running = loop().catch(() => undefined);

    const stop = async (): Promise<void> => {
      if (!sub.stopped) {
        sub.stopped = true;
        stopping.abort();
        sub.wake();
      }
      // A handler still busy (hung, or its process gone) is not waited for: its batch goes to the next consumer.
      const busy = inHand.length > 0;
      this.release(d, inHand);
      d.subscribers.delete(sub);
      if (!busy) await running;
    };
    return {
      stop,
      drain: async (timeoutMs = 30_000) => {
        await this.caughtUp(d, sub, o.durable, timeoutMs);
        await stop();
      },
    };
  }

  /** Resolves once the durable has acknowledged everything published so far (or its subscriber stopped). */
  private async caughtUp(d: Durable, sub: Subscriber, name: string, timeoutMs: number): Promise<void> {
    const until = this.seq;
    const end = Date.now() + timeoutMs;
    while ((d.next <= until || [...d.unacked.keys()].some((s) => s <= until)) && !sub.stopped) {
      if (Date.now() > end) throw new ArgusError('io_failed', `bus consumer "${name}" did not catch up within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** The next batch for a durable: messages to deliver again first (in stream order), then new ones. */
  private take(d: Durable, max: number): Delivery<M>[] {
    const out: Delivery<M>[] = [];
    const again = [...d.redeliver].sort((a, b) => a - b);
    for (const seq of again) {
      if (out.length >= max) break;
      d.redeliver.delete(seq);
      const stored = this.log.get(seq);
      if (!stored) {
        d.unacked.delete(seq);
        continue;
      }
      const deliveries = (d.unacked.get(seq) ?? 0) + 1;
      d.unacked.set(seq, deliveries);
      out.push(this.delivery(stored, deliveries));
    }
    // Per-camera order: nothing new goes out while an older message waits to be delivered again.
    if (d.redeliver.size > 0 || out.length > 0) return out;
    while (out.length < max && d.next <= this.seq) {
      const stored = this.log.get(d.next++);
      if (!stored) continue;
      d.unacked.set(stored.seq, 1);
      out.push(this.delivery(stored, 1));
    }
    return out;
  }

  private delivery(s: Stored, deliveries: number): Delivery<M> {
    return { message: JSON.parse(s.text) as M, keys: s.keys, seq: s.seq, deliveries };
  }

  private ack(d: Durable, seqs: readonly number[]): void {
    for (const seq of seqs) {
      d.unacked.delete(seq);
      d.redeliver.delete(seq);
    }
    this.trim();
  }

  /** A batch not acknowledged (stop, ack timeout): free for any consumer of the durable. */
  private release(d: Durable, seqs: readonly number[]): void {
    for (const seq of seqs) if (d.unacked.has(seq)) d.redeliver.add(seq);
    for (const s of d.subscribers) s.wake();
  }

  private giveBack(d: Durable, batch: readonly Delivery<M>[], maxDeliver: number, error: unknown, dead?: (x: Delivery<M>, e: unknown) => void): void {
    const given: number[] = [];
    for (const b of batch) {
      if (!d.unacked.has(b.seq)) continue;
      if ((d.unacked.get(b.seq) ?? 0) >= maxDeliver) {
        dead?.(b, error);
        given.push(b.seq);
      } else d.redeliver.add(b.seq);
    }
    this.ack(d, given);
  }

  /** Drops what every durable has acknowledged (kept while no durable exists yet), and wakes publishers waiting for room. */
  private trim(): void {
    let floor = this.durables.size === 0 ? 0 : this.seq + 1;
    for (const d of this.durables.values()) {
      floor = Math.min(floor, d.next);
      for (const seq of d.unacked.keys()) floor = Math.min(floor, seq);
    }
    for (const seq of this.log.keys()) {
      if (seq >= floor) break;
      this.log.delete(seq);
    }
    while (this.log.size < this.maxPending && this.spaceWaiters.length > 0) this.spaceWaiters.shift()!();
  }

  private forgetOldIds(now: number): void {
    for (const [id, v] of this.seen) {
      if (now - v.atMs <= this.windowMs) break;
      this.seen.delete(id);
    }
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
