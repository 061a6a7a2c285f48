/**
 * One conformance suite for every EventBus adapter: `runEventBusConformance(name, factory)` from the adapter's test
 * file (the memory bus now; the NATS JetStream bus runs the same). It checks the port's contract (src/bus/bus.ts):
 * publish and durable consume, ack only after the consumer's commit, redelivery after a failed commit, a crashed
 * consumer and an ack timeout, per-camera order, idempotence by message id, independent durable consumers, and
 * that what travels is plain JSON.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Delivery, EventBus, Subscription } from '../bus.js';

/** What the suite publishes: an id, a camera and a position in that camera's sequence. */
export interface TestMessage {
  readonly id: string;
  readonly cameraId: string;
  readonly n: number;
  readonly note?: string;
}

/** A fresh, empty bus (its own stream); the suite closes it. */
export type BusFactory = () => Promise<EventBus<TestMessage>>;

const msg = (cameraId: string, n: number, note?: string): TestMessage => ({ id: `${cameraId}-${n}`, cameraId, n, ...(note ? { note } : {}) });
const publish = (bus: EventBus<TestMessage>, m: TestMessage) => bus.publish(m, { id: m.id, cameraId: m.cameraId });

async function until(what: string, ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A consumer that records what it committed (the handler resolved) and every delivery it saw. */
function recorder(bus: EventBus<TestMessage>, durable: string, opts: { fail?: (d: Delivery<TestMessage>) => boolean; hang?: (d: Delivery<TestMessage>) => boolean; ackWaitMs?: number; maxDeliver?: number; dead?: string[] } = {}) {
  const committed: TestMessage[] = [];
  const seen: Delivery<TestMessage>[] = [];
  const sub: Subscription = bus.consume(
    { durable, batch: 4, retryDelayMs: 20, ...(opts.ackWaitMs ? { ackWaitMs: opts.ackWaitMs } : {}), ...(opts.maxDeliver ? { maxDeliver: opts.maxDeliver } : {}), onDeadLetter: (d) => opts.dead?.push(d.message.id) },
    async (batch) => {
      seen.push(...batch);
      if (batch.some((d) => opts.hang?.(d))) await new Promise(() => undefined);
      if (batch.some((d) => opts.fail?.(d))) throw new Error('commit failed');
      committed.push(...batch.map((d) => d.message));
    },
  );
  return { committed, seen, sub, ids: () => committed.map((m) => m.id) };
}

export function runEventBusConformance(name: string, factory: BusFactory): void {
  describe(`EventBus conformance: ${name}`, () => {
    const open: Array<EventBus<TestMessage>> = [];
    const bus = async (): Promise<EventBus<TestMessage>> => {
      const b = await factory();
      open.push(b);
      return b;
    };
    afterEach(async () => {
      for (const b of open.splice(0)) await b.close();
    });

    it('delivers every message once to a durable consumer, each camera in publish order', async () => {
      const b = await bus();
      const r = recorder(b, 'store');
      for (let n = 1; n <= 20; n++) for (const cam of ['a', 'b', 'c']) await publish(b, msg(cam, n));
      await until('60 messages', () => r.committed.length === 60);
      for (const cam of ['a', 'b', 'c']) expect(r.committed.filter((m) => m.cameraId === cam).map((m) => m.n)).toEqual([...Array(20).keys()].map((i) => i + 1));
      expect(new Set(r.ids()).size).toBe(60);
      expect(r.seen.every((d) => d.deliveries === 1)).toBe(true);
      await r.sub.stop();
    });

    it('keeps messages published before the consumer exists, and goes on after the last acknowledged one when it comes back', async () => {
      const b = await bus();
      for (let n = 1; n <= 5; n++) await publish(b, msg('a', n));
      const first = recorder(b, 'store');
      await until('the first five', () => first.committed.length === 5);
      await first.sub.stop();
      for (let n = 6; n <= 8; n++) await publish(b, msg('a', n));
      const again = recorder(b, 'store');
      await until('the next three', () => again.committed.length === 3);
      expect(again.committed.map((m) => m.n)).toEqual([6, 7, 8]);
      await again.sub.stop();
    });

    it('stores a message published twice under one id once (a retried publish)', async () => {
      const b = await bus();
      const r = recorder(b, 'store');
      const one = await publish(b, msg('a', 1));
      const twice = await publish(b, { ...msg('a', 1), note: 'retry' });
      await publish(b, msg('a', 2));
      expect([one.duplicate, twice.duplicate, twice.seq]).toEqual([false, true, one.seq]);
      await until('two messages', () => r.committed.length === 2);
      await new Promise((res) => setTimeout(res, 100));
      expect(r.ids()).toEqual(['a-1', 'a-2']);
      expect(r.committed[0]!.note).toBeUndefined();
      await r.sub.stop();
    });

    it('acknowledges only after the commit: a batch whose commit failed comes again, before anything newer of its camera', async () => {
      const b = await bus();
      let failures = 2;
      const r = recorder(b, 'store', { fail: (d) => d.message.id === 'a-3' && failures-- > 0 });
      for (let n = 1; n <= 6; n++) await publish(b, msg('a', n));
      await until('all six committed', () => r.committed.length >= 6);
      const a3 = r.seen.filter((d) => d.message.id === 'a-3');
      expect(a3.map((d) => d.deliveries)).toEqual([1, 2, 3]);
      // What a committed handler saw is in publish order; nothing after a-3 was committed before a-3.
      expect(r.committed.map((m) => m.n)).toEqual([1, 2, 3, 4, 5, 6].filter((n) => r.committed.some((m) => m.n === n)).sort((x, y) => x - y));
      expect(r.committed.findIndex((m) => m.n === 4)).toBeGreaterThan(r.committed.findIndex((m) => m.n === 3));
      await r.sub.stop();
    });

    it('delivers the batch of a consumer that died before acknowledging to the next consumer of the same name', async () => {
      const b = await bus();
      const crashed = recorder(b, 'store', { hang: () => true });
      for (let n = 1; n <= 3; n++) await publish(b, msg('a', n));
      await until('the batch in hand', () => crashed.seen.length > 0);
      await crashed.sub.stop(); // the consumer process is gone: nothing was acknowledged
      const next = recorder(b, 'store');
      await until('the three again', () => next.committed.length === 3);
      expect(next.committed.map((m) => m.n)).toEqual([1, 2, 3]);
      expect(next.seen.filter((d) => crashed.seen.some((c) => c.seq === d.seq)).every((d) => d.deliveries >= 2)).toBe(true);
      expect(crashed.committed).toEqual([]);
      await next.sub.stop();
    });

    it('delivers again a batch whose consumer is still busy after the ack wait', async () => {
      const b = await bus();
      let hung = false;
      const stuck = recorder(b, 'store', { ackWaitMs: 300, hang: () => (hung ? false : (hung = true)) });
      await publish(b, msg('a', 1));
      await until('the first delivery', () => stuck.seen.length === 1);
      const other = recorder(b, 'store');
      await until('a redelivery after the ack wait', () => other.committed.length === 1, 5000);
      expect(other.seen[0]!.deliveries).toBe(2);
      await Promise.all([other.sub.stop(), stuck.sub.stop()]);
    });

    it('keeps a batch with its handler while the handler says it is still working: no redelivery, no delivery counted', async () => {
      const b = await bus();
      const seen: number[] = [];
      let aborted = false;
      const sub = b.consume({ durable: 'store', ackWaitMs: 300, maxDeliver: 2 }, async (batch, control) => {
        seen.push(...batch.map((d) => d.deliveries));
        // Waiting on its database for 4 ack waits, saying so every 100 ms.
        for (let i = 0; i < 12 && !control.signal.aborted; i++) {
          control.keepAlive();
          await new Promise((r) => setTimeout(r, 100));
        }
        aborted = control.signal.aborted;
      });
      const other = recorder(b, 'store');
      await publish(b, msg('a', 1));
      await until('the batch stored once', () => seen.length === 1 && other.seen.length === 0);
      await new Promise((r) => setTimeout(r, 1500));
      expect(seen).toEqual([1]);
      expect(other.seen).toEqual([]);
      await b.publish(msg('a', 2), { id: 'a-2', cameraId: 'a' });
      await until('the next one, first delivery', () => seen.length + other.seen.length === 2);
      expect([...seen, ...other.seen.map((d) => d.deliveries)]).toEqual([1, 1]);
      await Promise.all([sub.stop(), other.sub.stop()]);
      expect(aborted).toBe(false);
    });

    it('aborts the control signal of a waiting handler when its consumer stops', async () => {
      const b = await bus();
      let signal: AbortSignal | undefined;
      const sub = b.consume({ durable: 'store', ackWaitMs: 5000 }, async (_batch, control) => {
        signal = control.signal;
        await new Promise<void>((r) => control.signal.addEventListener('abort', () => r(), { once: true }));
      });
      await publish(b, msg('a', 1));
      await until('the handler holds the batch', () => signal !== undefined);
      expect(signal!.aborted).toBe(false);
      await sub.stop();
      expect(signal!.aborted).toBe(true);
    });

    it('gives up a message after maxDeliver deliveries, says so, and goes on with the next ones', async () => {
      const b = await bus();
      const dead: string[] = [];
      const r = recorder(b, 'store', { fail: (d) => d.message.id === 'a-1', maxDeliver: 3, dead });
      await publish(b, msg('a', 1));
      await until('a-1 given up', () => dead.length === 1);
      await publish(b, msg('a', 2));
      await until('a-2 committed', () => r.ids().includes('a-2'));
      expect(dead).toEqual(['a-1']);
      expect(r.seen.filter((d) => d.message.id === 'a-1')).toHaveLength(3);
      await r.sub.stop();
    });

    it('gives every durable consumer every message, each at its own pace', async () => {
      const b = await bus();
      const store = recorder(b, 'store');
      let slow = true;
      const file = recorder(b, 'events-file', { fail: () => slow });
      for (let n = 1; n <= 5; n++) await publish(b, msg('a', n));
      await until('the store has all five', () => store.committed.length === 5);
      expect(file.committed).toEqual([]);
      slow = false;
      await until('the file has all five', () => file.committed.length === 5);
      expect(file.ids()).toEqual(store.ids());
      await Promise.all([store.sub.stop(), file.sub.stop()]);
    });

    it('drains: resolves once everything published so far is acknowledged', async () => {
      const b = await bus();
      const r = recorder(b, 'store');
      for (let n = 1; n <= 50; n++) await publish(b, msg('a', n));
      await r.sub.drain(10_000);
      expect(r.committed).toHaveLength(50);
    });

    it('carries plain JSON only: raw bytes are refused at publish', async () => {
      const b = await bus();
      await expect(b.publish({ ...msg('a', 1), note: new Uint8Array([0xff, 0xd8]) as unknown as string }, { id: 'a-1', cameraId: 'a' })).rejects.toThrow(/bytes/);
    });

    it('refuses to publish once closed', async () => {
      const b = await bus();
      await b.close();
      await expect(publish(b, msg('a', 1))).rejects.toThrow(/closed/);
    });
  });
}
