/**
 * The scaled mode's ingest path under faults, with real parts only: camera messages published on the JetStream bus
 * of a real 3-node nats-server cluster (R3 stream), consumed by the server's durable consumer (startBusConsumer →
 * Ingest → PostgreSQL store) into a PostgreSQL instance of the test's own. During a paced burst:
 * - kill -9 the stream's leader node: every published event is stored once (publishes retried with their id);
 * - crash PostgreSQL (`pg_ctl stop -m immediate`) and start it again: ingest resumes by itself, every event is
 *   stored once, and nothing is given up to the dead letter while the database is away.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Subscription } from '../src/bus/bus.js';
import type { CameraMessage } from '../src/bus/messages.js';
import { messageKeys } from '../src/bus/messages.js';
import { connectNats } from '../src/bus/nats-connect.js';
import { NatsBus } from '../src/bus/nats.js';
import { NatsTestServers } from '../src/bus/testing/nats-server.js';
import { box } from '../src/core/box.js';
import type { LineCrossEvent } from '../src/core/events.js';
import { startBusConsumer } from '../src/server/bus-consumer.js';
import { Ingest } from '../src/server/ingest.js';
import { LiveHub } from '../src/server/live.js';
import { openPostgresStore, type PostgresStore } from '../src/store/postgres/index.js';
import { pgInstanceSkipReason, startPgInstance, type PgInstance } from './pg-instance.js';

const skip = pgInstanceSkipReason();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CAMERAS = 20;

async function until(what: string, ok: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe.skipIf(skip !== '')(`the scaled ingest under faults${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let cluster: NatsTestServers;
  let db: PgInstance;
  let store: PostgresStore;
  let bus: NatsBus<CameraMessage>;
  let consumer: Subscription;
  let ingest: Ingest;
  const hub = new LiveHub();
  const problems: string[] = [];
  const log = { debug: () => {}, info: () => {}, warn: () => {}, error: (o: object, msg: string) => void problems.push(`${msg} ${JSON.stringify(o)}`) };
  let seq = 0;

  beforeAll(async () => {
    [cluster, db] = await Promise.all([NatsTestServers.start({ nodes: 3 }), startPgInstance()]);
    store = await openPostgresStore({ connectionString: db.url });
    const nc = await connectNats({ servers: cluster.urls });
    bus = await NatsBus.open<CameraMessage>(nc, { replicas: 3, maxBytes: 256 * 1024 ** 2, ownsConnection: true });
    ingest = new Ingest(store, hub, log, { flushMs: 20 });
    consumer = startBusConsumer({ bus, ingest, hub, log });
  }, 120_000);

  afterAll(async () => {
    await consumer?.stop();
    await bus?.close();
    await ingest?.close().catch(() => undefined);
    hub.close();
    await store?.close().catch(() => undefined);
    await Promise.all([cluster?.stop(), db?.dispose()]);
  });

  const stored = async (ids: readonly string[]): Promise<{ rows: number; distinct: number }> => {
    const c = new pg.Client({ connectionString: db.url });
    c.on('error', () => undefined); // the test's own reader, cut off by the crash
    await c.connect();
    try {
      const r = await c.query<{ rows: string; distinct: string }>('SELECT count(*) AS rows, count(DISTINCT id) AS distinct FROM events WHERE id = ANY($1)', [ids]);
      return { rows: Number(r.rows[0]!.rows), distinct: Number(r.rows[0]!.distinct) };
    } finally {
      await c.end();
    }
  };

  /** Publishes `count` line crossings over CAMERAS cameras at `perSec`; `fault` runs once a third are acknowledged. */
  async function burst(count: number, perSec: number, fault: () => Promise<void>): Promise<{ ids: string[]; failed: number }> {
    const run = ++seq;
    const ids: string[] = [];
    let acked = 0;
    let failed = 0;
    let faulted: Promise<void> | undefined;
    const pending: Promise<void>[] = [];
    const t0 = Date.now();
    for (let i = 0; i < count; i++) {
      const ev: LineCrossEvent = { id: `r${run}-e${i}`, cameraId: `cam-${i % CAMERAS}`, atMs: Date.now(), ptsSec: i / perSec, kind: 'line.cross', lineId: 'L1', trackId: i, cls: 'motorcycle', direction: 'pos', box: box(1, 1, 20, 20) };
      const m: CameraMessage = { kind: 'event', event: ev, producer: { worker: 'w-test', lease: 1 } };
      ids.push(ev.id);
      pending.push(bus.publish(m, messageKeys(m)).then(() => void acked++, () => void failed++));
      if (!faulted && acked >= count / 3) faulted = fault();
      const due = t0 + ((i + 1) * 1000) / perSec;
      if (due > Date.now()) await sleep(due - Date.now());
    }
    await Promise.all(pending);
    await faulted;
    return { ids, failed };
  }

  it('stores every event once when the stream leader is killed -9 mid-burst', async () => {
    const nc = await connectNats({ servers: cluster.urls });
    let killed = '';
    const { ids, failed } = await burst(3000, 600, async () => {
      const info = await (await jetstreamManager(nc)).streams.info('ARGUS_EVENTS');
      killed = info.cluster!.leader!;
      await cluster.kill(killed);
    });
    await nc.close();
    expect(killed).not.toBe('');
    expect(failed).toBe(0);
    await until('every event stored', async () => (await stored(ids)).distinct === ids.length, 90_000);
    expect(await stored(ids)).toEqual({ rows: ids.length, distinct: ids.length });
    expect(problems).toEqual([]);
    await cluster.restart(killed);
  }, 180_000);

  it('resumes by itself after PostgreSQL crashes and comes back, with every event stored once and none given up', async () => {
    const { ids, failed } = await burst(3000, 600, async () => {
      await db.crash();
      await sleep(8000);
      await db.start();
    });
    expect(failed).toBe(0);
    await until('every event stored', async () => (await stored(ids).catch(() => ({ distinct: -1 }))).distinct === ids.length, 120_000).catch(async (e: unknown) => {
      throw new Error(`${String(e)}: ${JSON.stringify(await stored(ids))} of ${ids.length}; ${problems.slice(0, 5).join(' | ')}`);
    });
    expect(await stored(ids)).toEqual({ rows: ids.length, distinct: ids.length });
    expect(problems.filter((p) => /given up/.test(p))).toEqual([]);
  }, 240_000);
});
