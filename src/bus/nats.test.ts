import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isArgusError } from '../core/errors.js';
import type { Delivery } from './bus.js';
import { connectNats, type BusLogger } from './nats-connect.js';
import { NatsBus } from './nats.js';
import { runEventBusConformance, type TestMessage } from './testing/conformance.js';
import { freePort, NatsTestServers } from './testing/nats-server.js';

let servers: NatsTestServers;
let n = 0;
beforeAll(async () => {
  servers = await NatsTestServers.start();
});
afterAll(async () => {
  await servers?.stop();
});

/** A bus on its own stream and subjects (the suite wants an empty bus per test), owning its connection. */
async function freshBus(opts: { publishDeadlineMs?: number } = {}): Promise<NatsBus<TestMessage>> {
  const id = `t${++n}`;
  const nc = await connectNats({ servers: servers.urls });
  return NatsBus.open<TestMessage>(nc, { stream: `T_${id}`, subjectPrefix: id, maxBytes: 64 * 1024 ** 2, ownsConnection: true, kindOf: () => 'test', ...opts });
}

runEventBusConformance('NATS JetStream (one node)', freshBus);

function recordingLogger(): BusLogger & { lines: Array<{ level: string; msg: string }> } {
  const lines: Array<{ level: string; msg: string }> = [];
  const at = (level: string) => (_o: object, msg: string) => void lines.push({ level, msg });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

describe('the NATS JetStream bus', () => {
  it('puts each camera on its own subject and refuses a camera id that is not a plain name', async () => {
    const bus = await freshBus();
    try {
      expect(bus.subjectOf('cam-1', 'event')).toMatch(/\.cam\.cam-1\.event$/);
      await expect(bus.publish({ id: 'x', cameraId: 'a.b', n: 1 }, { id: 'x', cameraId: 'a.b' })).rejects.toSatisfy((e) => isArgusError(e, 'invalid_argument'));
      await expect(bus.publish({ id: 'x', cameraId: '>', n: 1 }, { id: 'x', cameraId: '>' })).rejects.toSatisfy((e) => isArgusError(e, 'invalid_argument'));
    } finally {
      await bus.close();
    }
  });

  it('gives a message whose consumers keep dying with it to the dead letter, without handing it out again', async () => {
    const bus = await freshBus();
    const dead: Array<{ id: string; deliveries: number; error: string }> = [];
    const handled: string[] = [];
    const options = { durable: 'store', batch: 1, ackWaitMs: 300, maxDeliver: 2, onDeadLetter: (d: Delivery<TestMessage>, e: unknown) => void dead.push({ id: d.message.id, deliveries: d.deliveries, error: String(e) }) };
    try {
      await bus.publish({ id: 'poison', cameraId: 'a', n: 1 }, { id: 'poison', cameraId: 'a' });
      // Two consumers take it in turn and hang (their process would be dead): it is never acknowledged.
      const hang = async (b: readonly Delivery<TestMessage>[]): Promise<void> => {
        handled.push(...b.map((d) => d.message.id));
        await new Promise(() => undefined);
      };
      const hung = [1, 2].map(() => bus.consume(options, hang));
      await new Promise((r) => setTimeout(r, 1500));
      const third = bus.consume(options, async (b) => void handled.push(...b.map((d) => d.message.id)));
      await new Promise((r) => setTimeout(r, 1000));
      expect(handled).toEqual(['poison', 'poison']);
      expect(dead).toHaveLength(1);
      expect(dead[0]).toMatchObject({ id: 'poison', deliveries: 3 });
      expect(dead[0]!.error).toMatch(/delivered 2 times without an acknowledgement/);
      await bus.publish({ id: 'next', cameraId: 'a', n: 2 }, { id: 'next', cameraId: 'a' });
      await new Promise((r) => setTimeout(r, 500));
      expect(handled).toContain('next');
      await Promise.all([...hung, third].map((s) => s.stop()));
    } finally {
      await bus.close();
    }
  });

  it('refuses at once, without retrying, a message over the server payload limit', async () => {
    const bus = await freshBus();
    try {
      const t0 = Date.now();
      await expect(bus.publish({ id: 'big', cameraId: 'a', n: 1, note: 'x'.repeat(2_000_000) }, { id: 'big', cameraId: 'a' })).rejects.toSatisfy((e) => isArgusError(e, 'invalid_argument'));
      expect(Date.now() - t0).toBeLessThan(1000);
      expect(bus.publishRetries).toBe(0);
    } finally {
      await bus.close();
    }
  });

  it('refuses a duplicate window shorter than two minutes', async () => {
    const nc = await connectNats({ servers: servers.urls });
    try {
      await expect(NatsBus.open(nc, { stream: 'SHORT', subjectPrefix: 'short', duplicateWindowMs: 10_000 })).rejects.toSatisfy((e) => isArgusError(e, 'invalid_argument'));
    } finally {
      await nc.close();
    }
  });

  it('fails a publish with `unavailable` once NATS has not acknowledged it for the deadline, and says so once', async () => {
    const own = await NatsTestServers.start();
    const log = recordingLogger();
    const nc = await connectNats({ servers: own.urls, logger: log });
    const bus = await NatsBus.open<TestMessage>(nc, { publishDeadlineMs: 1500, publishAttemptMs: 300, maxBytes: 64 * 1024 ** 2, logger: log, ownsConnection: true });
    try {
      await own.kill('n1');
      const t0 = Date.now();
      const failed = await Promise.allSettled([1, 2, 3].map((i) => bus.publish({ id: `a-${i}`, cameraId: 'a', n: i }, { id: `a-${i}`, cameraId: 'a' })));
      expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
      expect(failed.every((r) => r.status === 'rejected' && isArgusError(r.reason, 'unavailable'))).toBe(true);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
      expect(log.lines.filter((l) => l.level === 'warn' && /not acknowledged/.test(l.msg))).toHaveLength(1);
      expect(log.lines.filter((l) => l.level === 'warn' && /connection lost/.test(l.msg))).toHaveLength(1);
    } finally {
      await bus.close();
      await own.stop();
    }
  });

  it('gives up a first connect only at its deadline, with one warn line and the retries at debug', async () => {
    const port = await freePort();
    const log = recordingLogger();
    const gone = connectNats({ servers: [`nats://127.0.0.1:${port}`], logger: log, connectDeadlineMs: 1500, initialBackoffMs: 100, maxBackoffMs: 200 });
    await expect(gone).rejects.toSatisfy((e) => isArgusError(e, 'unavailable') && /127\.0\.0\.1/.test((e as Error).message));
    expect(log.lines.filter((l) => l.level === 'warn')).toEqual([{ level: 'warn', msg: 'NATS unreachable; retrying with backoff' }]);
    expect(log.lines.filter((l) => l.level === 'debug' && /retry/.test(l.msg)).length).toBeGreaterThan(2);
  });

  it('waits for NATS that is not up yet and connects when it comes', async () => {
    const port = await freePort();
    const log = recordingLogger();
    const connecting = connectNats({ servers: [`nats://127.0.0.1:${port}`], logger: log, initialBackoffMs: 100, maxBackoffMs: 300 });
    await new Promise((r) => setTimeout(r, 800));
    const late = await NatsTestServers.start({ clientPorts: [port] });
    try {
      const nc = await connecting;
      expect(nc.isClosed()).toBe(false);
      await nc.close();
      expect(log.lines.filter((l) => l.level !== 'debug').map((l) => l.msg)).toEqual(['NATS unreachable; retrying with backoff', 'NATS connected']);
    } finally {
      await late.stop();
    }
  });
});
