/**
 * The scaled mode's central service (issue #21 §2): two `serve` replicas (buildServer twice, each with its own NATS
 * connection and data folder) on one real nats-server with JetStream and one real PostgreSQL database. A "worker"
 * here is what a worker puts on NATS: camera messages with their producer on the stream, its record in
 * argus_workers, its lease in argus_camera_leases, evidence files in the object store, and a small responder of the
 * worker RPCs (a port double of the other side of pipeline/worker/protocol.ts).
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { headers as natsHeaders, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNatsRuntimeBlobs, type NatsBlobStore } from '../src/bus/blob-nats.js';
import type { NatsSmallBlobStore } from '../src/bus/blob-nats-small.js';
import type { RuntimeBlobs } from '../src/bus/blobs.js';
import { KvLeases } from '../src/bus/leases.js';
import { messageKeys, type CameraMessage } from '../src/bus/messages.js';
import { connectNats } from '../src/bus/nats-connect.js';
import { NatsBus } from '../src/bus/nats.js';
import { NatsTestServers } from '../src/bus/testing/nats-server.js';
import { serveLiveRelay } from '../src/bus/live-relay.js';
import { HlsHost } from '../src/video/hls-host.js';
import { ArgusError } from '../src/core/errors.js';
import { video } from './assets.js';

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
import { box } from '../src/core/box.js';
import type { LineCrossEvent } from '../src/core/events.js';
import { ulid } from '../src/core/ids.js';
import type { FaceSeenEvent } from '../src/core/face.js';
import type { PlateReadEvent } from '../src/core/plate.js';
import type { ViolationEvent } from '../src/core/violation.js';
import { configSchema } from '../src/config/schema.js';
import { PUBLIC_KEY_FILE, readPublicKeyFile } from '../src/evidence/keys.js';
import { manifestBytes } from '../src/evidence/manifest.js';
import { verifyEvidence } from '../src/evidence/verify.js';
import { segmentName } from '../src/video/segment-names.js';
import {
  BLOB_BUCKETS, BUCKETS, LEASE_TTL_MS, PLATE_HISTORY_SUBJECT, WORKER_TTL_MS, workerPrefix, workerSubject, type CameraLease, type CameraSpec, type PlateHistoryReply, type RecordingsListReply,
  type WorkerRecord,
} from '../src/pipeline/worker/protocol.js';
import { buildServer, type ArgusServer } from '../src/server/app.js';
import { openServiceStore } from '../src/server/open-store.js';
import { ROLES } from '../src/server/rbac.js';
import { openScaledCluster, type ScaledCluster } from '../src/server/scaled/cluster.js';
import { assertContractKept, TEST_PASSWORD, TestClient } from '../src/server/testing/harness.js';
import { createUser } from '../src/server/users.js';
import { createDatabase, dropDatabase, probePostgres } from '../src/store/postgres/testing-db.js';
import type { Store } from '../src/store/store.js';
import { sse, waitFor, type SseStream } from './sse-client.js';

const pgProblem = await probePostgres();
const CAMERA = (id: string, name = `Camera ${id}`) => ({ id, name, site: 'qn', kind: 'overview', source: `rtsp://10.0.0.9/${id}`, location: { lat: 15.57, lng: 108.47 }, enabled: true });
const cross = (cameraId: string): LineCrossEvent => ({ id: ulid(), cameraId, atMs: Date.now(), ptsSec: 0, kind: 'line.cross', lineId: 'L1', trackId: 1, cls: 'car', direction: 'pos', box: box(0, 0, 1, 1) });

const ANPR = (id: string, lng: number) => ({ id, name: `ANPR ${id}`, site: 'qn', kind: 'gateway', source: 'rtsp://10.0.0.9/anpr', enabled: false, location: { lat: 15.5, lng } });
/** Two ANPR points 5 km apart, 80 km/h: a section whose two reads any replica may store. */
const CONFIG = configSchema.parse({
  version: 1,
  sites: [{ id: 'qn', name: 'Quảng Nam', provinces: [92] }],
  cameras: [ANPR('anpr-a', 108.4), ANPR('anpr-b', 108.45)],
  sections: [{ id: 'ql1a', entry: { camera: 'anpr-a' }, exit: { camera: 'anpr-b' }, distanceM: 5000, speedLimits: { default: 80 } }],
});

interface Replica {
  readonly server: ArgusServer;
  readonly cluster: ScaledCluster;
  readonly store: Store;
  readonly url: string;
  readonly dataDir: string;
  alive: boolean;
}

describe.skipIf(pgProblem !== null && !process.env['CI'])('argus serve --nats --postgres: two replicas', () => {
  let nats: NatsTestServers;
  let db: { name: string; url: string };
  let sql: pg.Client;
  const replicas: Replica[] = [];
  let worker: NatsConnection;
  let workerBus: NatsBus<CameraMessage>;
  let workerBlobs: RuntimeBlobs;
  let workers: KvLeases<WorkerRecord>;
  let leases: KvLeases<CameraLease>;
  const streams: SseStream[] = [];
  const subs: Subscription[] = [];
  const published: string[] = [];
  let lease = 0;

  const publish = async (m: CameraMessage): Promise<void> => {
    await workerBus.publish(m, messageKeys(m));
    // Faces are not events: they go to their own table (and are checked there).
    if (m.kind === 'event' && m.event.kind !== 'face.seen') published.push(m.event.id);
  };
  // What the workers published (a section violation is made by the replicas, not published).
  const storedIds = async (): Promise<string[]> => (await sql.query<{ id: string }>("select id from events where kind <> 'section_speed'")).rows.map((r) => r.id);

  const startReplica = async (): Promise<Replica> => {
    const dataDir = await mkdtemp(join(tmpdir(), 'argus-replica-'));
    const { store } = await openServiceStore({ dataDir, databaseUrl: db.url }, {});
    const cluster = await openScaledCluster({ servers: nats.urls, connectDeadlineMs: 20_000 });
    const server = await buildServer({ store, config: CONFIG, scaled: cluster, logger: false, webRoot: join(dataDir, 'no-ui'), checkResponses: true, footage: { dataDir }, consumerAckWaitMs: 3000 });
    const url = await server.listen(0);
    const r = { server, cluster, store, url, dataDir, alive: true };
    replicas.push(r);
    return r;
  };

  beforeAll(async () => {
    nats = await NatsTestServers.start({ nodes: 1 });
    db = await createDatabase('argus_scaled');
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    // The first replica's store runs the migrations; the site and a camera are there before the replicas start.
    const { store } = await openServiceStore({ dataDir: await mkdtemp(join(tmpdir(), 'argus-seed-')), databaseUrl: db.url }, {});
    for (const role of ROLES) await createUser(store, { username: role, password: TEST_PASSWORD, roles: [role] });
    await store.upsertSite({ id: 'qn', name: 'Quảng Nam', timeZone: 'Asia/Ho_Chi_Minh', district: null, ward: null, location: null, provinces: [92] });
    await store.upsertCamera({ id: 'cam-a', siteId: 'qn', name: 'Cam A', kind: 'overview', url: 'rtsp://10.0.0.9/a', enabled: true, location: { lat: 15.5, lng: 108.4 }, zones: {}, rules: [], updatedAtMs: 1 });
    await store.close();
    await startReplica();
    await startReplica();
    worker = await connectNats({ servers: nats.urls, connectDeadlineMs: 10_000 });
    workerBus = await NatsBus.open<CameraMessage>(worker, {});
    workerBlobs = await openNatsRuntimeBlobs(worker);
    workers = await KvLeases.open<WorkerRecord>(worker, { bucket: BUCKETS.workers, ttlMs: WORKER_TTL_MS });
    leases = await KvLeases.open<CameraLease>(worker, { bucket: BUCKETS.leases, ttlMs: LEASE_TTL_MS });
  }, 120_000);

  afterAll(async () => {
    for (const s of streams) s.close();
    for (const s of subs) s.unsubscribe();
    await worker?.drain().catch(() => undefined);
    for (const r of replicas) {
      if (r.alive) {
        await r.server.close();
        await r.cluster.close();
      }
      await rm(r.dataDir, { recursive: true, force: true });
    }
    await sql?.end();
    if (db) await dropDatabase(db.name);
    await nats?.stop();
    for (const r of replicas) assertContractKept(r.server);
  }, 60_000);

  it('opens the object stores the protocol names', () => {
    expect([(workerBlobs.crops as NatsSmallBlobStore).bucket, (workerBlobs.evidence as NatsBlobStore).bucket]).toEqual([BLOB_BUCKETS.crops, BLOB_BUCKETS.evidence]);
  });

  it('offers the stored cameras to the workers at start (argus_cameras, with the site)', async () => {
    const spec = (await replicas[0]!.cluster.cameras.get('cam-a'))?.json<CameraSpec>();
    expect(spec?.config.id).toBe('cam-a');
    expect(spec?.site).toEqual({ id: 'qn', name: 'Quảng Nam', timezone: 'Asia/Ho_Chi_Minh', provinces: [92] });
    // The config file's cameras too (written to the store at start, then offered).
    expect((await replicas[0]!.cluster.cameras.get('anpr-b'))?.json<CameraSpec>().config.kind).toBe('gateway');
  });

  it("stores a worker's messages once in PostgreSQL, and both replicas' live clients see each event once", async () => {
    const viewer = [await TestClient.login(replicas[0]!.url, 'operator'), await TestClient.login(replicas[1]!.url, 'operator')];
    const live = viewer.map((c, i) => sse(`${replicas[i]!.url}/api/live`, c.cookie));
    streams.push(...live);
    expect(await Promise.all(live.map((s) => s.status))).toEqual([200, 200]);
    lease = await leases.create('cam-a', { worker: 'w1', sinceMs: Date.now() });
    const events = Array.from({ length: 40 }, () => cross('cam-a'));
    // A worker retrying a publish (same id) must not make a second row nor a second live message.
    for (const e of events) await publish({ kind: 'event', event: e, producer: { worker: 'w1', lease } });
    await publish({ kind: 'event', event: events[0]!, producer: { worker: 'w1', lease } });
    await waitFor('40 events stored', async () => (await storedIds()).length === 40, 15_000);
    expect((await storedIds()).sort()).toEqual(events.map((e) => e.id).sort());
    // Who produced each event is in the store: "no camera ran twice" can be checked from PostgreSQL.
    const producers = (await sql.query<{ payload: string }>('select payload from events')).rows.map((r) => JSON.parse(r.payload).producer);
    expect(producers.every((p) => p?.worker === 'w1' && p?.lease === lease)).toBe(true);
    for (const s of live) {
      await waitFor('40 live events', () => s.messages.filter((m) => m.event === 'event').length >= 40, 10_000);
      await new Promise((r) => setTimeout(r, 300));
      const ids = s.messages.filter((m) => m.event === 'event').map((m) => m.data.id as string);
      expect(ids.sort()).toEqual(events.map((e) => e.id).sort());
    }
  }, 60_000);

  it('a camera added on replica 1 reaches argus_cameras within 2 s and replica 2; an edit on 1 is seen on 2; a delete removes the key', async () => {
    const [a1, a2] = [await TestClient.login(replicas[0]!.url, 'admin'), await TestClient.login(replicas[1]!.url, 'admin')];
    const t0 = Date.now();
    expect((await a1.post('/api/cameras', CAMERA('cam-new'))).status).toBe(200);
    const spec = await waitFor('the key', async () => (await replicas[1]!.cluster.cameras.get('cam-new'))?.json<CameraSpec>(), 2000);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(spec.config.source).toBe('rtsp://10.0.0.9/cam-new');
    expect((await a2.get('/api/cameras')).body.items.map((c: { id: string }) => c.id)).toContain('cam-new');
    expect((await a1.request('PATCH', '/api/cameras/cam-new', { name: 'Renamed on 1' })).status).toBe(200);
    expect((await a2.get('/api/cameras/cam-new')).body.name).toBe('Renamed on 1');
    expect((await replicas[1]!.cluster.cameras.get('cam-new'))?.json<CameraSpec>().config.name).toBe('Renamed on 1');
    // Replica 2's status knows the camera (from its watch of argus_cameras): offline, no worker holds it.
    const st = await waitFor('status of cam-new', async () => (await a2.get('/api/cameras/status')).body.items.find((s: { id: string }) => s.id === 'cam-new'), 2000);
    expect(st).toMatchObject({ health: 'offline', worker: null });
    expect((await a2.request('DELETE', '/api/cameras/cam-new')).status).toBe(200);
    const gone = await replicas[0]!.cluster.cameras.get('cam-new');
    expect(gone === null || gone.operation !== 'PUT').toBe(true);
  }, 30_000);

  it('/api/health lists the workers of argus_workers; /api/cameras/status gives the worker, fps and lag of each camera', async () => {
    const now = Date.now();
    await workers.create('w1', {
      name: 'w1', instance: 'i1', host: 'edge-1', pid: 4242, capacity: 60, load: 10, startedAtMs: now - 60_000, heartbeatAtMs: now, rssMb: 312,
      cameras: [{ id: 'cam-a', fps: 9.5, lagMs: 180, lease, crowd: { atMs: now, persons: 4, zones: [{ id: 'z', name: null, persons: 3, areaM2: 60, perM2: 0.05, framePct: 20, perFramePct: 0.15 }] } }],
    });
    const admin = await TestClient.login(replicas[1]!.url, 'admin');
    const h = await waitFor('w1 in /api/health', async () => {
      const r = await admin.get('/api/health');
      return r.body.workers?.length ? r : undefined;
    }, 3000);
    expect(h.status).toBe(200);
    expect(h.body.workers[0]).toMatchObject({ name: 'w1', host: 'edge-1', capacity: 60, load: 10, cameras: 1, rssMb: 312 });
    expect(h.body.workers[0].heartbeatAgeMs).toBeGreaterThanOrEqual(0);
    // Anyone may ask whether the service lives; the workers' names and hosts are for signed-in staff.
    const anon = (await (await fetch(`${replicas[1]!.url}/api/health`)).json()) as { workers?: unknown };
    expect(anon.workers).toBeUndefined();
    const st = (await admin.get('/api/cameras/status')).body.items.find((s: { id: string }) => s.id === 'cam-a');
    expect(st).toMatchObject({ id: 'cam-a', fps: 9.5, lastFrameAgeMs: 180, worker: { name: 'w1', fps: 9.5, lagMs: 180, lease } });
    // The persons per zone come with the worker's heartbeat (issue #24).
    expect(st.crowd).toMatchObject({ persons: 4, zones: [{ id: 'z', persons: 3, perM2: 0.05 }] });
    // A health message of the worker is what the status says of the camera (health, settings), on either replica.
    await publish({ kind: 'health', atMs: Date.now(), producer: { worker: 'w1', lease }, status: {
      id: 'cam-a', health: 'online', analysis: 'running', fps: 9, lastFrameAgeMs: 100, framesAnalysed: 900, restarts: 0, signalLost: false, message: null,
      recording: null, plates: null, settings: { width: 1280, height: 720, fps: 10, tiles: 1, model: 'yolo' },
    } });
    const online = await waitFor('online on replica 1', async () => {
      const s = (await (await TestClient.login(replicas[0]!.url, 'admin')).get('/api/cameras/status')).body.items.find((x: { id: string }) => x.id === 'cam-a');
      return s?.health === 'online' ? s : undefined;
    }, 3000);
    expect(online).toMatchObject({ framesAnalysed: 900, fps: 9.5, worker: { name: 'w1' } });
  }, 30_000);

  it("stores a worker's heatmap bucket from the stream, and either replica serves it", async () => {
    const start = Math.floor(Date.now() / 300_000) * 300_000 - 300_000;
    const cells = Array.from({ length: 576 }, (_, i) => (i === 17 * 32 + 3 ? 12.5 : 0));
    await publish({ kind: 'heatmap', producer: { worker: 'w1', lease }, heatmap: {
      id: ulid(), cameraId: 'cam-a', bucketStartMs: start, bucketMs: 300_000, cls: 'person', cols: 32, rows: 18, cells, seconds: 300, objectSeconds: 12.5, maxCount: 2,
    } });
    const admin = await TestClient.login(replicas[0]!.url, 'admin');
    const h = await waitFor('the heatmap on replica 1', async () => {
      const r = await admin.get(`/api/cameras/cam-a/heatmap?from=${start}&to=${start + 300_000}`);
      return r.status === 200 && r.body.buckets.length === 1 ? r.body : undefined;
    }, 10_000);
    expect(h.cells[17 * 32 + 3]).toBe(12.5);
    expect(h.buckets).toEqual([{ startMs: start, seconds: 300, objectSeconds: 12.5, meanCount: 0.04, maxCount: 2 }]);
  }, 30_000);

  it('answers plate history requests of a worker from the central store (one replica answers)', async () => {
    const read = (plate: string): PlateReadEvent => ({
      id: ulid(), cameraId: 'cam-a', atMs: Date.now(), ptsSec: 1, kind: 'plate.read', trackId: 4, cls: 'motorcycle', reads: 3, direction: 'neg',
      read: { plate, display: plate, confidence: 0.9, category: 'private', lines: [plate.slice(0, 4), plate.slice(4)] },
    });
    const reads = [read('92A12345'), read('92B67890')];
    for (const e of reads) await publish({ kind: 'event', event: e, producer: { worker: 'w1', lease } });
    await waitFor('sightings stored', async () => (await sql.query('select id from sightings')).rows.length >= 2, 10_000);
    const answers: PlateHistoryReply[] = [];
    const inbox = worker.subscribe('_INBOX.history-test.>');
    void (async () => {
      for await (const m of inbox) answers.push(m.json<PlateHistoryReply>());
    })();
    worker.publish(PLATE_HISTORY_SUBJECT, JSON.stringify({ siteId: 'qn' }), { reply: '_INBOX.history-test.1' });
    await waitFor('an answer', () => answers.length > 0, 5000);
    await new Promise((r) => setTimeout(r, 300));
    inbox.unsubscribe();
    expect(answers).toHaveLength(1); // a queue group: one of the two replicas answered
    expect(answers[0]!.plates.map((p) => p.plateKey)).toEqual(expect.arrayContaining(['92A12345', '92B67890']));
    expect(answers[0]!.plates.every((p) => p.cameraId === 'cam-a' && typeof p.atMs === 'number' && p.confidence === 0.9)).toBe(true);
  }, 30_000);

  it("serves a worker's snapshot and recordings through its RPCs, with the same permission check and audit", async () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);
    const segment = Buffer.alloc(1_300_000, 7);
    segment.write('ftyp', 4);
    const asked: string[] = [];
    const respond = (rpc: 'snapshot' | 'recordings.list' | 'recordings.read', fn: (req: Record<string, unknown>) => Uint8Array | string) =>
      subs.push(worker.subscribe(workerSubject('w1', rpc), {
        callback: (_e, m) => {
          const req = m.json<Record<string, unknown>>();
          asked.push(`${rpc} ${String(req['cameraId'])}`);
          if (req['cameraId'] !== 'cam-a') {
            const h = natsHeaders();
            h.set('Argus-Error', 'not_found camera not on this worker');
            m.respond('', { headers: h });
          } else m.respond(fn(req));
        },
      }));
    respond('snapshot', () => jpeg);
    respond('recordings.list', () => JSON.stringify({ segments: [{ file: '20261207T010000Z.mp4', startMs: Date.UTC(2026, 11, 7, 1), bytes: segment.length }] } satisfies RecordingsListReply));
    respond('recordings.read', (r) => segment.subarray(r['offset'] as number, (r['offset'] as number) + (r['length'] as number)));
    await worker.flush();
    const op = await TestClient.login(replicas[1]!.url, 'operator');
    const anon = await fetch(`${replicas[1]!.url}/api/cameras/cam-a/snapshot.jpg`);
    expect(anon.status).toBe(401);
    expect(asked).toEqual([]); // refused before the worker is asked
    const snap = await fetch(`${replicas[1]!.url}/api/cameras/cam-a/snapshot.jpg`, { headers: { cookie: op.cookie } });
    expect(snap.status).toBe(200);
    expect(snap.headers.get('x-argus-frame')).toBe('worker');
    expect(Buffer.from(await snap.arrayBuffer())).toEqual(jpeg);
    const list = await op.get('/api/cameras/cam-a/recordings');
    expect(list.body.items).toEqual([{ file: '20261207T010000Z.mp4', startMs: Date.UTC(2026, 11, 7, 1), bytes: segment.length, url: '/api/recordings/cam-a/20261207T010000Z.mp4' }]);
    const whole = await fetch(`${replicas[1]!.url}${list.body.items[0].url}`, { headers: { cookie: op.cookie } });
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(segment)).toBe(true);
    const part = await fetch(`${replicas[1]!.url}${list.body.items[0].url}`, { headers: { cookie: op.cookie, range: 'bytes=600000-600009' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 600000-600009/${segment.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(segment.subarray(600000, 600010))).toBe(true);
    const audit = (await replicas[0]!.store.listAudit({ action: 'footage.view' })).items.filter((a) => a.target === 'cam-a');
    expect(audit.map((a) => (a.details as { what: string }).what).sort()).toEqual(['recording', 'snapshot']);
    expect(audit.every((a) => (a.details as { worker?: string }).worker === 'w1')).toBe(true);
  }, 30_000);

  it("relays the live view of a worker's camera: the worker muxes it, a replica serves it with the same check and audit", async () => {
    // What a worker answers (pipeline/worker/rpc.ts): a real HLS muxer on a real clip, for the camera it runs.
    const host = new HlsHost({ idleMs: 20_000 });
    const asked: string[] = [];
    // w1 holds cam-a for the whole test (the clip's first segment takes its 10 s keyframe interval to appear).
    const current = await leases.get('cam-a');
    if (current) await leases.delete('cam-a');
    const held = await leases.hold('cam-a', { worker: 'w1', sinceMs: Date.now() });
    const op = await TestClient.login(replicas[1]!.url, 'operator');
    await waitFor('cam-a held by w1 on replica 1', async () => (await op.get('/api/cameras/status')).body.items?.some((c: { id: string; worker?: { name: string } }) => c.id === 'cam-a' && c.worker?.name === 'w1') === true, 10_000);
    const relay = serveLiveRelay(worker, workerPrefix('w1'), {
      playlist: (cameraId) => {
        asked.push(cameraId);
        if (cameraId !== 'cam-a') throw new ArgusError('not_found', 'camera not on this worker');
        return host.playlist(cameraId, video('opencv4nodejs_traffic.mp4'));
      },
      segment: (cameraId, name, offset, length) => host.segment(cameraId, name, offset, length),
    }, silent);
    try {
      await worker.flush();
      const url = `${replicas[1]!.url}/api/cameras/cam-a/live.m3u8`;
      expect((await fetch(url)).status).toBe(401);
      expect(asked).toEqual([]); // refused before the worker is asked
      const pl = await fetch(url, { headers: { cookie: op.cookie } });
      const text = await pl.text();
      expect(pl.status, text).toBe(200);
      const seg = /^(hls\/seg\d+\.ts)$/m.exec(text)?.[1];
      expect(seg, text).toBeDefined();
      const res = await fetch(`${replicas[1]!.url}/api/cameras/cam-a/${seg}`, { headers: { cookie: op.cookie } });
      const ts = Buffer.from(await res.arrayBuffer());
      expect(res.status, ts.subarray(0, 300).toString()).toBe(200);
      expect(ts.byteLength).toBeGreaterThan(188 * 10);
      for (let i = 0; i < ts.byteLength; i += 188) expect(ts[i]).toBe(0x47);
      // No muxer on the replica itself: the camera was opened once, on its worker.
      expect(asked).toEqual(['cam-a']);
      const audit = (await replicas[0]!.store.listAudit({ action: 'footage.view' })).items.filter((a) => a.target === 'cam-a' && (a.details as { what: string }).what === 'live');
      expect(audit).toHaveLength(1);
      expect(audit[0]!.details).toMatchObject({ worker: 'w1' });
    } finally {
      for (const sub of relay) sub.unsubscribe();
      await host.stopAll();
      await held.release();
    }
  }, 40_000);

  it("packages footage a partner asked for from the recordings kept on the worker that runs the camera (cut to the window, signed)", async () => {
    // A real 6 s recording as a worker keeps it (pipeline/worker/recordings.ts), answered through the worker RPCs.
    const startMs = Date.now() - 120_000;
    const file = segmentName(startMs);
    const recorded = join(await mkdtemp(join(tmpdir(), 'argus-worker-rec-')), file);
    execFileSync('ffmpeg', ['-nostdin', '-loglevel', 'error', '-y', '-i', video('opencv4nodejs_traffic.mp4'), '-t', '6', '-c:v', 'libx264', '-preset', 'ultrafast', '-an', recorded]);
    const bytes = await readFile(recorded);
    const current = await leases.get('cam-a');
    if (current) await leases.delete('cam-a');
    const held = await leases.hold('cam-a', { worker: 'w2', sinceMs: Date.now() });
    const asked: string[] = [];
    const respond = (rpc: 'recordings.list' | 'recordings.read', fn: (req: Record<string, unknown>) => Uint8Array | string) =>
      subs.push(worker.subscribe(workerSubject('w2', rpc), { callback: (_e, m) => {
        asked.push(rpc);
        m.respond(fn(m.json<Record<string, unknown>>()));
      } }));
    respond('recordings.list', () => JSON.stringify({ segments: [{ file, startMs, bytes: bytes.length }] } satisfies RecordingsListReply));
    respond('recordings.read', (r) => bytes.subarray(r['offset'] as number, (r['offset'] as number) + (r['length'] as number)));
    try {
      await worker.flush();
      const admin = await TestClient.login(replicas[1]!.url, 'admin');
      await waitFor('cam-a held by w2', async () => (await admin.get('/api/cameras/status')).body.items?.some((c: { id: string; worker?: { name: string } }) => c.id === 'cam-a' && c.worker?.name === 'w2') === true, 10_000);
      const partner = await TestClient.login(replicas[1]!.url, 'partner');
      const asking = await partner.post('/api/requests', { kind: 'footage', cameraId: 'cam-a', fromMs: startMs + 1000, toMs: startMs + 4000, reason: 'Vụ va chạm lúc 09:00', legalBasis: 'Điều 88 BLTTHS 2015', agency: 'Công an huyện' });
      expect(asking.status, JSON.stringify(asking.body)).toBe(200);
      const supervisor = await TestClient.login(replicas[1]!.url, 'supervisor');
      const approved = await supervisor.post(`/api/requests/${asking.body.id}/approve`, {});
      expect(approved.status, JSON.stringify(approved.body)).toBe(200);
      // Footage is built in the background (looked through for faces): approved once its package is signed.
      await waitFor('the package built', async () => (await supervisor.get(`/api/requests/${asking.body.id}`)).body.status === 'approved', 30_000);
      expect(asked).toContain('recordings.read');
      // The package: the window cut from the worker's recording (3 s), signed with the replica's evidence key.
      const pkg = join(replicas[1]!.dataDir, 'shares', asking.body.id);
      const videos = (await readdir(pkg)).filter((f) => f.endsWith('.mp4'));
      expect(videos).toHaveLength(1);
      const seconds = Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', join(pkg, videos[0]!)]).toString());
      expect(seconds).toBeGreaterThan(2.5);
      expect(seconds).toBeLessThan(3.6);
      const key = await readPublicKeyFile(join(replicas[1]!.dataDir, 'keys', PUBLIC_KEY_FILE));
      expect((await verifyEvidence(pkg, key)).ok).toBe(true);
    } finally {
      await held.release();
    }
  }, 60_000);

  it('lists and plays back recordings left on the worker that ran a camera before it moved (a failover), beside the new holder\'s', async () => {
    // w4 runs cam-a now and recorded its last minute; w3, alive, recorded the minute before, when it ran cam-a.
    const now = Date.now();
    const [oldFile, newFile] = [segmentName(now - 180_000), segmentName(now - 60_000)];
    const dir = await mkdtemp(join(tmpdir(), 'argus-worker-moved-'));
    execFileSync('ffmpeg', ['-nostdin', '-loglevel', 'error', '-y', '-i', video('opencv4nodejs_traffic.mp4'), '-t', '3', '-c:v', 'libx264', '-preset', 'ultrafast', '-an', join(dir, oldFile)]);
    const oldBytes = await readFile(join(dir, oldFile));
    await workers.create('w3', { name: 'w3', instance: 'i3', host: 'edge-3', pid: 4343, capacity: 60, load: 0, startedAtMs: now - 600_000, heartbeatAtMs: now, rssMb: 200, cameras: [] }).catch(async () => {
      await workers.delete('w3');
      await workers.create('w3', { name: 'w3', instance: 'i3', host: 'edge-3', pid: 4343, capacity: 60, load: 0, startedAtMs: now - 600_000, heartbeatAtMs: now, rssMb: 200, cameras: [] });
    });
    const current = await leases.get('cam-a');
    if (current) await leases.delete('cam-a');
    const held = await leases.hold('cam-a', { worker: 'w4', sinceMs: now });
    const subs: Array<{ unsubscribe(): void }> = [];
    const serve = (w: string, segs: RecordingsListReply['segments'], bytes: Buffer | undefined) => {
      subs.push(worker.subscribe(workerSubject(w, 'recordings.list'), { callback: (_e, m) => void m.respond(JSON.stringify({ segments: segs } satisfies RecordingsListReply)) }));
      subs.push(worker.subscribe(workerSubject(w, 'recordings.read'), { callback: (_e, m) => {
        const r = m.json<{ offset: number; length: number }>();
        m.respond(bytes ? bytes.subarray(r.offset, r.offset + r.length) : new Uint8Array(0));
      } }));
    };
    serve('w4', [{ file: newFile, startMs: now - 60_000, bytes: 1000 }], undefined);
    serve('w3', [{ file: oldFile, startMs: now - 180_000, bytes: oldBytes.length }], oldBytes);
    try {
      await worker.flush();
      const op = await TestClient.login(replicas[1]!.url, 'operator');
      await waitFor('w3 and w4 known to replica 2', async () => {
        const h = (await (await TestClient.login(replicas[1]!.url, 'admin')).get('/api/health')).body as { workers?: Array<{ name: string }> };
        const st = (await op.get('/api/cameras/status')).body as { items?: Array<{ id: string; worker?: { name: string } }> };
        return (h.workers?.some((w) => w.name === 'w3') ?? false) && (st.items?.some((c) => c.id === 'cam-a' && c.worker?.name === 'w4') ?? false);
      }, 10_000);
      const listed = await op.get(`/api/cameras/cam-a/recordings?from=${now - 600_000}&to=${now}`);
      expect(listed.status, JSON.stringify(listed.body)).toBe(200);
      expect((listed.body as { items: Array<{ file: string }> }).items.map((x) => x.file)).toEqual([oldFile, newFile]);
      const res = await fetch(`${replicas[1]!.url}/api/recordings/cam-a/${oldFile}`, { headers: { cookie: op.cookie } });
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(oldBytes)).toBe(true);
      const look = (await replicas[0]!.store.listAudit({ action: 'footage.view' })).items.find((a) => a.target === 'cam-a' && (a.details as { file?: string }).file === oldFile);
      expect(look?.details).toMatchObject({ what: 'recording', worker: 'w3' });
    } finally {
      for (const sub of subs) sub.unsubscribe();
      await held.release();
      await workers.delete('w3').catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    }
  }, 40_000);

  it('serves an evidence package kept in the object store from either replica, digest checked, audited', async () => {
    // A real (tiny, faceless) JPEG: exports look for faces in the pictures they send.
    const still = execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'color=c=gray:s=64x48', '-frames:v', '1', '-f', 'mjpeg', '-']);
    const key = ulid();
    const files = [{ path: 'still.jpg', sha256: createHash('sha256').update(still).digest('hex'), bytes: still.length }];
    const manifest = manifestBytes(key, new Date().toISOString(), files);
    await workerBlobs.evidence.put(`${key}/still.jpg`, still);
    await workerBlobs.evidence.put(`${key}/manifest.json`, manifest);
    const v: ViolationEvent = {
      id: key, cameraId: 'cam-a', atMs: Date.now(), ptsSec: 2, ruleId: 'r1', ruleKind: 'red_light', kind: 'violation', violation: 'red_light', trackId: 9, cls: 'car',
      box: box(0, 0, 10, 10), measurements: {}, params: {}, evidence: { uri: `blob:evidence/${key}`, manifestSha256: createHash('sha256').update(manifest).digest('hex') },
    };
    await publish({ kind: 'event', event: v, producer: { worker: 'w1', lease } });
    const sup = await TestClient.login(replicas[1]!.url, 'supervisor');
    const detail = await waitFor('the violation', async () => {
      const r = await sup.get(`/api/violations/${key}`);
      return r.status === 200 ? r : undefined;
    }, 10_000);
    const evidenceId = detail.body.evidence[0].id as string;
    const f = await fetch(`${replicas[1]!.url}/api/violations/${key}/evidence/${evidenceId}/files/still.jpg`, { headers: { cookie: sup.cookie } });
    expect(f.status).toBe(200);
    expect(Buffer.from(await f.arrayBuffer()).equals(still)).toBe(true);
    const audit = (await replicas[1]!.store.listAudit({ action: 'export.evidence' })).items.filter((a) => a.target === key);
    expect(audit).toHaveLength(1);
    // A package whose file changed in the object store after its manifest was signed is not served.
    const bad = ulid();
    await workerBlobs.evidence.put(`${bad}/still.jpg`, Buffer.from('something else'));
    const badManifest = manifestBytes(bad, new Date().toISOString(), files);
    await workerBlobs.evidence.put(`${bad}/manifest.json`, badManifest);
    await publish({ kind: 'event', event: { ...v, id: bad, evidence: { uri: `blob:evidence/${bad}`, manifestSha256: createHash('sha256').update(badManifest).digest('hex') } }, producer: { worker: 'w1', lease } });
    const badDetail = await waitFor('the tampered violation', async () => {
      const r = await sup.get(`/api/violations/${bad}`);
      return r.status === 200 ? r : undefined;
    }, 10_000);
    const r = await fetch(`${replicas[0]!.url}/api/violations/${bad}/evidence/${badDetail.body.evidence[0].id}/files/still.jpg`, { headers: { cookie: (await TestClient.login(replicas[0]!.url, 'supervisor')).cookie } });
    expect(r.status).toBe(500);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('checksum_mismatch');
  }, 30_000);

  it('pairs a section entry and exit read stored by different replicas into one section violation', async () => {
    const t0 = Date.now() - 10 * 60_000;
    const read = (cameraId: string, atMs: number): PlateReadEvent => ({
      id: ulid(), cameraId, atMs, ptsSec: 1, kind: 'plate.read', trackId: 7, cls: 'car', reads: 3, direction: 'pos',
      read: { plate: '51A12345', display: '51A-123.45', confidence: 0.95, category: 'private', lines: ['51A', '12345'] },
    });
    await publish({ kind: 'event', event: read('anpr-a', t0), producer: { worker: 'w1', lease } });
    await publish({ kind: 'event', event: read('anpr-b', t0 + 3 * 60_000), producer: { worker: 'w1', lease } }); // 100 km/h over 5 km
    const rows = async () => (await sql.query<{ id: string }>("select id from violations where kind = 'section_speeding'")).rows;
    await waitFor('the section violation', async () => (await rows()).length > 0, 10_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(await rows()).toHaveLength(1);
  }, 30_000);

  it("serves a plate crop from either replica, whichever stored the sighting (fetched from the object store, name checked)", async () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 9, 8, 7, 6, 0xff, 0xd9]);
    const id = ulid();
    const crop = await workerBlobs.crops.put(`cam-a/${id}.jpg`, jpeg);
    const e: PlateReadEvent = {
      id, cameraId: 'cam-a', atMs: Date.now(), ptsSec: 1, kind: 'plate.read', trackId: 5, cls: 'car', reads: 2, direction: 'pos', crop,
      read: { plate: '92C11111', display: '92C-111.11', confidence: 0.8, category: 'private', lines: ['92C', '11111'] },
    };
    await publish({ kind: 'event', event: e, producer: { worker: 'w1', lease } });
    await waitFor('the sighting', async () => (await sql.query('select id from sightings where id = $1', [id])).rows.length === 1, 10_000);
    for (const r of replicas) {
      const inv = await TestClient.login(r.url, 'investigator');
      const res = await fetch(`${r.url}/api/sightings/${id}/crop.jpg`, { headers: { cookie: inv.cookie } });
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(jpeg)).toBe(true);
    }
  }, 30_000);

  it("stores a worker's face once, matches it against the face watch list, and serves its image from either replica", async () => {
    const unit = Float32Array.from({ length: 128 }, (_, i) => Math.cos(i * 0.37));
    const norm = Math.hypot(...unit);
    const embedding = Array.from(unit, (x) => Math.round((x / norm) * 1e5) / 1e5);
    const store = replicas[0]!.server.ctx.store;
    await store.upsertFaceList({ id: 'fl-scaled', name: 'Truy nã (scaled)', description: '', threshold: 0.9, severity: 'critical', createdAtMs: Date.now() });
    await store.addFacePerson(
      { id: 'fp-scaled', listId: 'fl-scaled', name: 'Đối tượng X', reason: 'truy nã', legalBasis: 'QĐ 1', note: '', expiresAtMs: Date.now() + 86_400_000, createdBy: 'admin', createdAtMs: Date.now() },
      [{ id: 'fe-scaled', personId: 'fp-scaled', model: 'faceapi_resnet_128d', embedding: Float32Array.from(embedding), quality: 0.9, photoRef: null, createdAtMs: Date.now() }],
    );
    for (const r of replicas) r.server.ctx.ingest.invalidateFaceLists();
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 0xff, 0xd9]);
    const id = ulid();
    const crop = await workerBlobs.crops.put(`cam-a/${id}.jpg`, jpeg);
    const face: FaceSeenEvent = {
      id, cameraId: 'cam-a', atMs: Date.now(), ptsSec: 2, kind: 'face.seen', trackId: 9, box: box(100, 100, 160, 170), quality: 0.7,
      model: 'faceapi_resnet_128d', embedding, crop,
    };
    await publish({ kind: 'event', event: face, producer: { worker: 'w1', lease } });
    await publish({ kind: 'event', event: face, producer: { worker: 'w1', lease } }); // a redelivery: stored once
    await waitFor('the face and its match', async () => (await sql.query("select id from alerts where kind = 'face_match'")).rows.length === 1, 10_000);
    expect((await sql.query('select matched from faces where id = $1', [id])).rows).toEqual([{ matched: 1 }]);
    expect((await sql.query("select count(*)::int as n from events where kind = 'face.seen'")).rows[0].n).toBe(0); // never in the events list
    for (const r of replicas) {
      const op = await TestClient.login(r.url, 'operator');
      const res = await fetch(`${r.url}/api/faces/${id}/image`, { headers: { cookie: op.cookie } });
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(jpeg)).toBe(true);
    }
  }, 30_000);

  it('one replica dies abruptly mid-ingest: the other keeps serving, and every published event is stored exactly once', async () => {
    const [r1, r2] = [replicas[0]!, replicas[1]!];
    const before = published.length;
    const burst = (async () => {
      for (let i = 0; i < 150; i++) await publish({ kind: 'event', event: cross('cam-a'), producer: { worker: 'w1', lease } });
    })();
    await waitFor('some of the burst stored', async () => (await storedIds()).length > before + 20, 15_000);
    // Abrupt: its NATS connection is cut without a drain or an ack of what it holds, then it is gone.
    r1.alive = false;
    await r1.cluster.nc.close();
    void r1.server.close().catch(() => undefined);
    await burst;
    for (let i = 0; i < 20; i++) await publish({ kind: 'event', event: cross('cam-a'), producer: { worker: 'w1', lease } });
    await waitFor('every published event stored', async () => (await storedIds()).length === new Set(published).size, 30_000);
    const ids = await storedIds();
    expect(ids.length).toBe(new Set(ids).size);
    expect(new Set(ids)).toEqual(new Set(published));
    // Line crossings are counted once per event, whatever was delivered twice.
    const counted = await sql.query<{ n: string }>("select coalesce(sum(n), 0) as n from counts");
    const crossings = (await sql.query<{ n: string }>("select count(*) as n from events where kind = 'line.cross'")).rows[0]!.n;
    expect(Number(counted.rows[0]!.n)).toBe(Number(crossings));
    const health = await (await TestClient.login(r2.url, 'admin')).get('/api/health');
    expect(health.status).toBe(200);
  }, 90_000);
});
