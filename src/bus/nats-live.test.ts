import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNats } from './nats-connect.js';
import { followLive, type LiveMessage } from './nats-live.js';
import { NatsBus } from './nats.js';
import type { TestMessage } from './testing/conformance.js';
import { NatsTestServers } from './testing/nats-server.js';

let servers: NatsTestServers;
beforeAll(async () => {
  servers = await NatsTestServers.start();
});
afterAll(async () => {
  await servers?.stop();
});

async function until(what: string, ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('live fan-out for serve replicas', () => {
  it('shows every replica each message published from now on, once and in order, retried publishes included', async () => {
    const publisher = await connectNats({ servers: servers.urls });
    const bus = await NatsBus.open<TestMessage>(publisher, { stream: 'LIVE', subjectPrefix: 'live', maxBytes: 64 * 1024 ** 2, ownsConnection: true });
    const replicas = await Promise.all([1, 2].map(() => connectNats({ servers: servers.urls })));
    const send = (n: number) => bus.publish({ id: `a-${n}`, cameraId: n % 2 ? 'a' : 'b', n }, { id: `a-${n}`, cameraId: n % 2 ? 'a' : 'b' });
    try {
      await send(0); // before the replicas follow: not theirs to see
      const seen: Array<Array<LiveMessage<TestMessage>>> = [[], []];
      const feeds = replicas.map((nc, i) => followLive<TestMessage>(nc, { stream: 'LIVE', subjectPrefix: 'live', onMessage: (m) => seen[i]!.push(m) }));
      await Promise.all(feeds.map((f) => f.ready));
      for (let n = 1; n <= 200; n++) await send(n);
      await send(7); // a retry: stored once, seen once
      await until('200 messages on both replicas', () => seen.every((s) => s.length >= 200));
      await new Promise((r) => setTimeout(r, 200));
      for (const s of seen) {
        expect(s.map((m) => m.message.n)).toEqual([...Array(200).keys()].map((i) => i + 1));
        expect(s[0]!.keys).toEqual({ id: 'a-1', cameraId: 'a' });
      }
      await Promise.all(feeds.map((f) => f.stop()));
    } finally {
      await bus.close();
      for (const nc of replicas) await nc.close();
    }
  });
});
