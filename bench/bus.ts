/**
 * `scale-bus`: the NATS JetStream EventBus on real nats-server processes on this box: a local 3-node cluster (R3) and
 * one node (R1), realistic camera messages (a line crossing, ~400 B of JSON; a plate read with its crop by reference),
 * one durable consumer (batch 256) running while the publisher publishes.
 * - saturated: N messages published as fast as the bus takes them (1024 waiting for acks, the bus's default),
 *   from a publisher connection to a consumer connection: publish/s, consume/s (first publish to last message
 *   handled) and publish → handler latency;
 * - paced: 2,000 messages/s for 5 s: publish ack and publish → handler latency p50/p95/p99;
 * - backlog: a new durable reads the whole stream alone (a replica catching up): consume/s.
 * Everything (servers, publisher, consumer) shares this box's cores: a saturated run is CPU-bound.
 *
 *   ARGUS_BENCH=scale-bus npm run bench        # or: npx tsx bench/bus.ts
 *   ARGUS_BENCH_BUS_MESSAGES=30000 ARGUS_BENCH_BUS_RATE=2000 ARGUS_BENCH_BUS_SECONDS=5
 */
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import type { CameraMessage } from '../src/bus/messages.js';
import { messageKeys } from '../src/bus/messages.js';
import { connectNats } from '../src/bus/nats-connect.js';
import { NatsBus } from '../src/bus/nats.js';
import { NatsTestServers } from '../src/bus/testing/nats-server.js';
import { ulid } from '../src/core/ids.js';

const num = (name: string, dflt: number): number => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : dflt;
};
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const pct = (sorted: readonly number[], p: number): number => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0) * 10) / 10;
const summary = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50Ms: pct(s, 0.5), p95Ms: pct(s, 0.95), p99Ms: pct(s, 0.99), maxMs: pct(s, 1) };
};

/** Seven line crossings for three plate reads (a gateway camera's mix), on 200 cameras. */
export function benchMessage(i: number, atMs = Date.now()): CameraMessage {
  const cameraId = `cam-${String(i % 200).padStart(3, '0')}`;
  const base = { id: ulid(atMs), cameraId, atMs, ptsSec: Math.round(i * 0.2 * 1000) / 1000, trackId: 10_000 + (i % 5000), cls: 'motorcycle' as const, direction: 'pos' as const };
  if (i % 10 < 7) {
    return { kind: 'event', event: { ...base, kind: 'line.cross', lineId: 'stop-line-northbound', box: { x1: 412.5, y1: 233.25, x2: 468.75, y2: 318.5 } } };
  }
  return {
    kind: 'event',
    event: {
      ...base,
      kind: 'plate.read',
      lineId: 'stop-line-northbound',
      read: { plate: '29B112345', display: '29-B1 123.45', confidence: 0.93, category: 'private', lines: ['29B1', '12345'], box: { x1: 20, y1: 31, x2: 96, y2: 88 } },
      reads: 6,
      crop: { key: `${cameraId}/${base.id}.jpg`, sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', bytes: 7321 },
    },
  };
}

const atOf = (m: CameraMessage): number => (m.kind === 'event' ? m.event.atMs : m.kind === 'alert' ? m.alert.atMs : m.kind === 'heatmap' ? m.heatmap.bucketStartMs : m.atMs);

interface RunFigures {
  saturated: { messages: number; publishPerSec: number; consumePerSec: number; latency: ReturnType<typeof summary>; publishRetries: number };
  paced: { ratePerSec: number; seconds: number; messages: number; publishAck: ReturnType<typeof summary>; publishToHandler: ReturnType<typeof summary> };
  backlog: { messages: number; consumePerSec: number };
}

/** Keeps `window` publishes in flight until `count` are acknowledged; each message is made (and timed) when sent. */
async function publishWindow(bus: NatsBus<CameraMessage>, from: number, count: number, window: number): Promise<void> {
  let next = from;
  const end = from + count;
  await Promise.all(
    Array.from({ length: window }, async () => {
      while (next < end) {
        const m = benchMessage(next++);
        await bus.publish(m, messageKeys(m));
      }
    }),
  );
}

async function run(nodes: 1 | 3, messages: number, rate: number, seconds: number): Promise<RunFigures> {
  const servers = await NatsTestServers.start({ nodes });
  // A worker publishes and a serve replica consumes: two processes in production, two connections here.
  const [pubNc, subNc] = [await connectNats({ servers: servers.urls, name: 'bench-publisher' }), await connectNats({ servers: servers.urls, name: 'bench-consumer' })];
  try {
    const options = { replicas: nodes, maxBytes: 2 * 1024 ** 3 } as const;
    const [bus, consumerBus] = [await NatsBus.open<CameraMessage>(pubNc, options), await NatsBus.open<CameraMessage>(subNc, options)];
    const latencies: number[] = [];
    let handled = 0;
    const sub = consumerBus.consume({ durable: 'store', batch: 256 }, async (batch) => {
      const now = Date.now();
      for (const d of batch) latencies.push(now - atOf(d.message));
      handled += batch.length;
    });

    // Saturated: as many in flight as the bus allows by default.
    const t0 = performance.now();
    await publishWindow(bus, 0, messages, 1024);
    const publishS = (performance.now() - t0) / 1000;
    while (handled < messages) await sleep(2);
    const consumeS = (performance.now() - t0) / 1000;
    const saturated = { messages, publishPerSec: Math.round(messages / publishS), consumePerSec: Math.round(messages / consumeS), latency: summary(latencies), publishRetries: bus.publishRetries };

    // Paced.
    latencies.length = 0;
    const acks: number[] = [];
    const total = Math.round(rate * seconds);
    const start = performance.now();
    const pending: Array<Promise<void>> = [];
    for (let sent = 0; sent < total; ) {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
      for (; sent < due; sent++) {
        const m = benchMessage(messages + sent);
        const t = performance.now();
        pending.push(bus.publish(m, messageKeys(m)).then(() => void acks.push(performance.now() - t)));
      }
      await sleep(5);
    }
    await Promise.all(pending);
    while (handled < messages + total) await sleep(2);
    const paced = { ratePerSec: rate, seconds, messages: total, publishAck: summary(acks), publishToHandler: summary(latencies) };
    await sub.stop();

    // Backlog: a new durable reads the whole stream with nothing else running (a serve replica catching up).
    let replayed = 0;
    const t1 = performance.now();
    const replay = consumerBus.consume({ durable: 'replay', batch: 256 }, async (batch) => void (replayed += batch.length));
    while (replayed < messages + total) await sleep(2);
    const backlog = { messages: replayed, consumePerSec: Math.round(replayed / ((performance.now() - t1) / 1000)) };
    await replay.stop();
    await Promise.all([bus.close(), consumerBus.close()]);
    return { saturated, paced, backlog };
  } finally {
    await Promise.all([pubNc.close(), subNc.close()]);
    await servers.stop();
  }
}

export async function benchScaleBus(): Promise<Record<string, unknown>> {
  const messages = num('ARGUS_BENCH_BUS_MESSAGES', 30_000);
  const rate = num('ARGUS_BENCH_BUS_RATE', 2000);
  const seconds = num('ARGUS_BENCH_BUS_SECONDS', 5);
  const sizes = [benchMessage(0), benchMessage(7)].map((m) => Buffer.byteLength(JSON.stringify(m)));
  const loadBefore = loadavg()[0]!;
  const cluster3 = await run(3, messages, rate, seconds);
  const single = await run(1, messages, rate, seconds);
  return {
    messageBytes: { lineCross: sizes[0], plateReadWithCropRef: sizes[1] },
    mix: '7 line crossings : 3 plate reads, 200 cameras; one durable consumer, batch 256, handler records only',
    // The box is shared: figures move with its load.
    loadAverage1m: { before: Math.round(loadBefore * 10) / 10, after: Math.round(loadavg()[0]! * 10) / 10 },
    cluster3R3: cluster3,
    singleNodeR1: single,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${JSON.stringify(await benchScaleBus(), null, 2)}\n`);
}
