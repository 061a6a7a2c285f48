/**
 * `scale`: the scaled mode's ingest and failover figures (issue #21 §4), with real parts on this box: its own
 * nats-server (1 node, or a 3-node cluster with R3 streams), a throwaway PostgreSQL database, simulated cameras
 * publishing through the runtime's output path (scale-cameras.ts) and the server's real consumer path
 * (scale-server.ts: startBusConsumer → Ingest → PostgreSQL, live hub → SSE over HTTP).
 *
 * - backlog: every camera publishes as fast as the bus takes it for `seconds` (health every 5 s per camera) with no
 *   consumer; then the consumer starts and stores the backlog: events/s stored is the server side's sustained rate
 *   (one durable, one batch in flight), with NATS, PostgreSQL and the consumer sharing this box's cores.
 * - paced: `rate` events/s for `pacedSeconds` with the consumer and an SSE client running: publish → commit and
 *   publish → SSE client (p50/p95/p99), timed from each event's `atMs` (when the simulated camera made it).
 * - exactly once: every published event id is in PostgreSQL once; sightings, violations and the per-minute counts
 *   match what was published.
 * - failover: scale-failover.ts.
 *
 *   ARGUS_BENCH=scale npm run bench
 *   npx tsx bench/scale.ts [--quick] [--cluster 3] [--cameras 1000] [--seconds 15] [--rate 2000] [--batch 256] [--kills 5]
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { openNatsRuntimeBlobs } from '../src/bus/blob-nats.js';
import type { CameraMessage } from '../src/bus/messages.js';
import { connectNats } from '../src/bus/nats-connect.js';
import { NatsBus } from '../src/bus/nats.js';
import { NatsTestServers } from '../src/bus/testing/nats-server.js';
import { openPostgresStore } from '../src/store/postgres/index.js';
import { createDatabase, dropDatabase } from '../src/store/postgres/testing-db.js';
import { SimCameras } from './scale-cameras.js';
import { benchFailover, type FailoverFigures } from './scale-failover.js';
import { sseClient, startServerSide } from './scale-server.js';

export interface ScaleOptions {
  readonly cameras: number;
  readonly nodes: 1 | 3;
  /** Seconds of saturated publishing that make the backlog. */
  readonly seconds: number;
  /** Events/s of the paced phase and its length. */
  readonly rate: number;
  readonly pacedSeconds: number;
  /** The consumer's batch (default: startBusConsumer's). */
  readonly batch?: number | undefined;
  readonly kills: number;
  /** Plate reads carry their crop (default true); false: the event path alone. */
  readonly crops?: boolean;
}

export const FULL: ScaleOptions = { cameras: 1000, nodes: 1, seconds: 15, rate: 2000, pacedSeconds: 10, kills: 5 };
export const QUICK: ScaleOptions = { cameras: 50, nodes: 1, seconds: 2, rate: 300, pacedSeconds: 2, kills: 1 };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const round = (x: number, d = 1): number => Math.round(x * 10 ** d) / 10 ** d;
const pct = (sorted: readonly number[], p: number): number => round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0);
const summary = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, p50Ms: pct(s, 0.5), p95Ms: pct(s, 0.95), p99Ms: pct(s, 0.99), maxMs: pct(s, 1) };
};

async function until(what: string, ok: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`scale bench: timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Progress of the phases on stderr (the figures go to stdout as JSON). */
const progress = (msg: string): void => void process.stderr.write(`bench scale: ${msg}\n`);

export async function benchScale(o: ScaleOptions): Promise<Record<string, unknown>> {
  const loadBefore = loadavg()[0]!;
  const servers = await NatsTestServers.start({ nodes: o.nodes });
  const db = await createDatabase('argus_bench');
  const dir = await mkdtemp(join(tmpdir(), 'argus-scale-'));
  const store = await openPostgresStore({ connectionString: db.url });
  // A worker publishes, a serve replica consumes: two processes in production, two connections here.
  const pubNc = await connectNats({ servers: servers.urls, name: 'bench-worker' });
  const subNc = await connectNats({ servers: servers.urls, name: 'bench-serve' });
  let failover: FailoverFigures | { error: string } | undefined;
  try {
    const replicas = o.nodes;
    const streamOpts = { replicas, maxBytes: 4 * 1024 ** 3 } as const;
    const [pubBus, subBus] = [await NatsBus.open<CameraMessage>(pubNc, streamOpts), await NatsBus.open<CameraMessage>(subNc, streamOpts)];
    const [pubBlobs, subBlobs] = [await openNatsRuntimeBlobs(pubNc, { replicas }), await openNatsRuntimeBlobs(subNc, { replicas })];
    // A plate crop as the reader keeps it (noise, so JPEG does not shrink it to nothing: ~5 KB).
    const crop = new Uint8Array(await sharp(randomBytes(128 * 40 * 3), { raw: { width: 128, height: 40, channels: 3 } }).jpeg({ quality: 75 }).toBuffer());
    const cams = new SimCameras(o.cameras, pubBus, pubBlobs, o.crops === false ? undefined : crop, join(dir, 'packages'));

    // Backlog: the cameras alone.
    cams.startHealth();
    const t0 = performance.now();
    await cams.saturate(Date.now() + o.seconds * 1000);
    const publishS = (performance.now() - t0) / 1000;
    cams.stopHealth();
    const backlogEvents = cams.published.ids.length;

    progress(`backlog of ${cams.published.ids.length} events published in ${round(publishS)} s; storing it`);
    // The server side stores the backlog.
    const committed = new Set<string>();
    // Publish → commit is timed in the paced phase only (the backlog's events waited for the consumer to start).
    const commitDelays: number[] = [];
    let timing = false;
    const server = await startServerSide({ store, bus: subBus, crops: subBlobs.crops, dataDir: join(dir, 'serve'), batch: o.batch, scaled: subNc });
    const t1 = performance.now();
    server.onCommitted((events, atMs) => {
      for (const e of events) {
        committed.add(e.id);
        if (timing) commitDelays.push(atMs - e.atMs);
      }
    });
    await until('the backlog stored', () => committed.size >= backlogEvents, 600_000);
    const storeS = (performance.now() - t1) / 1000;
    const backlogBatches = { batches: server.batches.batches, meanBatch: round(server.batches.messages / Math.max(1, server.batches.batches)), largestBatch: server.batches.largest, handlerShare: round(server.batches.handlerMs / (performance.now() - t1), 2) };
    const backlog = {
      events: backlogEvents, healthMessages: cams.published.health, publishSeconds: round(publishS), publishedPerSec: Math.round(backlogEvents / publishS),
      storeSeconds: round(storeS), storedPerSec: Math.round(backlogEvents / storeS), consumer: backlogBatches, transactions: server.ingest.stats().batches,
    };

    progress(`backlog stored in ${round(storeS)} s; paced phase at ${o.rate}/s for ${o.pacedSeconds} s`);
    // Paced, with the consumer and a live client.
    const sse = sseClient(server.liveUrl);
    await sse.ready;
    timing = true;
    const before = cams.published.ids.length;
    cams.startHealth();
    await cams.paced(o.rate, o.pacedSeconds);
    cams.stopHealth();
    const pacedIds = cams.published.ids.slice(before);
    progress(`paced events published (${pacedIds.length}); waiting for them to be stored`);
    await until('the paced events stored', () => pacedIds.every((id) => committed.has(id)), 600_000);
    await until('the paced events pushed live', () => pacedIds.every((id) => sse.seen.has(id)), 10_000).catch(() => undefined);
    sse.close();
    const paced = {
      ratePerSec: o.rate, seconds: o.pacedSeconds, events: pacedIds.length, publishToCommit: summary(commitDelays), publishToSse: summary(sse.delaysMs),
      sseReceived: pacedIds.filter((id) => sse.seen.has(id)).length,
      sseClient: 'a real HTTP client of the live hub served as GET /api/live attaches it (admin principal, no sign-in), in the bench process; the hub fed as a scaled serve replica feeds it (its own follower of the stream, server/scaled/live.ts), not after the commit',
    };
    await server.close(true);

    progress('paced phase done; checking exactly once');
    // Exactly once, from PostgreSQL.
    const q = async (text: string): Promise<number> => Number((await store.pool.query<{ n: string }>(text)).rows[0]!.n);
    const storedIds = new Set((await store.pool.query<{ id: string }>('select id from events')).rows.map((r) => r.id));
    const p = cams.published;
    const exactlyOnce = {
      published: p.ids.length, stored: await q('select count(*) as n from events'), distinct: storedIds.size, missing: p.ids.filter((id) => !storedIds.has(id)).length,
      sightings: { published: p.plateRead, stored: await q('select count(*) as n from sightings') },
      violations: { published: p.violation, stored: await q('select count(*) as n from violations') },
      lineCrossCounted: { published: p.lineCross, stored: await q('select coalesce(sum(n), 0) as n from counts') },
      publishFailures: cams.failures,
    };
    const ok = exactlyOnce.stored === exactlyOnce.published && exactlyOnce.distinct === exactlyOnce.published && exactlyOnce.missing === 0
      && exactlyOnce.sightings.stored === p.plateRead && exactlyOnce.violations.stored === p.violation && exactlyOnce.lineCrossCounted.stored === p.lineCross;
    await Promise.all([pubBus.close(), subBus.close()]);

    try {
      failover = await benchFailover(subNc, servers.urls, o.nodes, o.kills);
    } catch (e) {
      failover = { error: e instanceof Error ? e.message : String(e) };
    }
    return {
      setup: {
        cameras: o.cameras, crops: o.crops !== false, natsNodes: o.nodes, streamReplicas: replicas, consumerBatch: o.batch ?? 'default (256)',
        mix: 'per camera and 100 events: 74 line crossings, 25 plate reads (5 KB JPEG crop into the NATS object store, by reference), 1 violation (2-file evidence package into the object store); health every 5 s',
        path: 'SimCameras → busOutputs → NatsBus (JetStream) → startBusConsumer → Ingest (crops fetched from the object store, digest checked, written to disk) → PostgreSQL; LiveHub → SSE over HTTP',
        cropBytes: crop.byteLength,
      },
      backlog, paced, exactlyOnce: { ...exactlyOnce, ok }, failover,
      loadAverage1m: { before: round(loadBefore), after: round(loadavg()[0]!) },
    };
  } finally {
    await Promise.all([pubNc.close(), subNc.close()]).catch(() => undefined);
    await store.close().catch(() => undefined);
    await servers.stop();
    await dropDatabase(db.name).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

/** Options from the environment (`npm run bench`): ARGUS_BENCH_SCALE_QUICK=1, _NODES, _CAMERAS, _SECONDS, _RATE, _PACED_SECONDS, _BATCH, _KILLS, _CROPS=0. */
export function scaleOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): ScaleOptions {
  const base = env['ARGUS_BENCH_SCALE_QUICK'] === '1' ? QUICK : FULL;
  const n = (name: string): number | undefined => {
    const v = Number(env[`ARGUS_BENCH_SCALE_${name}`]);
    return Number.isFinite(v) && v > 0 ? v : undefined;
  };
  return {
    cameras: n('CAMERAS') ?? base.cameras, nodes: n('NODES') === 3 ? 3 : base.nodes, seconds: n('SECONDS') ?? base.seconds, rate: n('RATE') ?? base.rate,
    pacedSeconds: n('PACED_SECONDS') ?? base.pacedSeconds, batch: n('BATCH') ?? base.batch, kills: n('KILLS') ?? base.kills,
    crops: env['ARGUS_BENCH_SCALE_CROPS'] !== '0',
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values: v } = parseArgs({
    options: { quick: { type: 'boolean' }, cluster: { type: 'string' }, cameras: { type: 'string' }, seconds: { type: 'string' }, rate: { type: 'string' }, 'paced-seconds': { type: 'string' }, batch: { type: 'string' }, kills: { type: 'string' }, 'no-crops': { type: 'boolean' } },
  });
  const env: NodeJS.ProcessEnv = { ARGUS_BENCH_SCALE_QUICK: v.quick ? '1' : '0', ARGUS_BENCH_SCALE_NODES: v.cluster, ARGUS_BENCH_SCALE_CAMERAS: v.cameras, ARGUS_BENCH_SCALE_SECONDS: v.seconds, ARGUS_BENCH_SCALE_RATE: v.rate, ARGUS_BENCH_SCALE_PACED_SECONDS: v['paced-seconds'], ARGUS_BENCH_SCALE_BATCH: v.batch, ARGUS_BENCH_SCALE_KILLS: v.kills, ARGUS_BENCH_SCALE_CROPS: v['no-crops'] ? '0' : undefined };
  process.stdout.write(`${JSON.stringify(await benchScale(scaleOptionsFromEnv({ ...process.env, ...Object.fromEntries(Object.entries(env).filter(([, x]) => x !== undefined)) })), null, 2)}\n`);
}
