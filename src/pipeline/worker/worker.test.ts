/**
 * Two real workers in this process on a real nats-server, running real file cameras (looping clips through ffmpeg,
 * no detector model: health only, 2 fps at 320 px to keep the CPU low). What the serve replicas would write, the test
 * writes into `argus_cameras` itself.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { video } from '../../../test/assets.js';
import { KvLeases } from '../../bus/leases.js';
import { liveRelayClient } from '../../bus/live-relay.js';
import type { CameraMessage } from '../../bus/messages.js';
import { connectNats } from '../../bus/nats-connect.js';
import { NatsTestServers } from '../../bus/testing/nats-server.js';
import { cameraSchema, type CameraConfig } from '../../config/schema.js';
import { JsonKv } from './kv.js';
import { BUCKETS, LEASE_TTL_MS, workerPrefix, workerSubject, type CameraLease, type CameraSpec, type RecordingsListReply } from './protocol.js';
import { ERROR_HEADER } from './rpc.js';
import { Worker } from './worker.js';

const CLIPS = ['opencv4nodejs_traffic.mp4', 'intel_car-detection.mp4', 'london_street_bus_TestV4.mp4', 'vn_overpass_cctv.mp4'];
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, ok: () => boolean, timeoutMs = 15_000): Promise<number> {
  const start = Date.now();
  while (!ok()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
  return Date.now() - start;
}

const camera = (id: string, clip: string, extra: object = {}): CameraConfig =>
  cameraSchema.parse({ id, name: `Camera ${id}`, site: 'dn', kind: 'overview', source: video(clip), location: { lat: 16, lng: 108 }, analysis: { fps: 2, width: 320 }, ...extra });
const spec = (config: CameraConfig): CameraSpec => ({ config, site: { id: 'dn', name: 'Đà Nẵng', timezone: 'Asia/Ho_Chi_Minh' } as CameraSpec['site'], updatedAtMs: Date.now() });

let servers: NatsTestServers;
let dir: string;
let models: string;
const conns: NatsConnection[] = [];
const workers: Worker[] = [];
let admin: NatsConnection;
let cameras: JsonKv<CameraSpec>;
let leases: KvLeases<CameraLease>;
const messages: CameraMessage[] = [];
let tap: Subscription;

async function startWorker(name: string, capacity: number): Promise<Worker> {
  const nc = await connectNats({ servers: servers.urls, name });
  conns.push(nc);
  // Rebalancing paced for a test (defaults: 30 s held before a camera may move, one move per 10 s).
  const w = await Worker.start({ nc, name, capacity, dataDir: join(dir, name), modelsDir: models, logger: silent, rebalance: { holdMs: 3000, everyMs: 1000 } });
  workers.push(w);
  return w;
}

beforeAll(async () => {
  servers = await NatsTestServers.start();
  dir = await mkdtemp(join(tmpdir(), 'argus-worker-'));
  models = join(dir, 'no-models');
  await mkdir(models);
  admin = await connectNats({ servers: servers.urls });
  cameras = await JsonKv.open<CameraSpec>(admin, { bucket: BUCKETS.cameras, logger: silent });
  leases = await KvLeases.open<CameraLease>(admin, { bucket: BUCKETS.leases, ttlMs: LEASE_TTL_MS });
  // Every message the cameras publish, as it goes into the stream.
  tap = admin.subscribe('argus.cam.>', { callback: (_e, m) => void messages.push(m.json<CameraMessage>()) });
});

afterAll(async () => {
  for (const w of workers) await w.stop();
  tap?.unsubscribe();
  for (const nc of conns) await nc.close();
  await admin?.close();
  await servers?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('argus worker (in process, real NATS, real file cameras)', () => {
  it('spreads cameras by capacity, applies an edit within 2 s, stops a deleted camera, and stamps every message with its worker and lease', async () => {
    const w1 = await startWorker('w1', 20);
    const w2 = await startWorker('w2', 20);
    // Both see each other before the cameras appear (the spread is decided at claim time).
    await until('both workers registered', () => w1.liveWorkers().length === 2 && w2.liveWorkers().length === 2);
    // c4 records (2 s segments) into its worker's own <data>/recordings.
    for (const [i, clip] of CLIPS.entries()) await cameras.put(`c${i + 1}`, spec(camera(`c${i + 1}`, clip, i === 3 ? { recording: { enabled: true, segmentSec: 2 } } : {})));

    await until('4 cameras running, 2 on each worker', () => w1.cameraIds().length === 2 && w2.cameraIds().length === 2, 20_000);
    expect(new Set([...w1.cameraIds(), ...w2.cameraIds()])).toEqual(new Set(['c1', 'c2', 'c3', 'c4']));
    // The registry carries each worker's load and cameras (fps, lag, lease).
    expect(w1.record()).toMatchObject({ name: 'w1', capacity: 20, load: 4 });
    expect(w1.record().cameras.map((c) => c.id).sort()).toEqual(w1.cameraIds().sort());

    // Health goes out stamped with the worker that runs the camera and the lease it holds.
    await until('online health from all 4 cameras', () => new Set(health().filter((m) => m.status.health === 'online').map((m) => m.status.id)).size === 4, 20_000);
    for (const m of health()) {
      const w = [w1, w2].find((x) => x.cameraIds().includes(m.status.id))!;
      expect(m.producer).toEqual({ worker: w.name, lease: w.held().find((h) => h.id === m.status.id)!.lease });
    }

    // The snapshot RPC of the worker that runs a camera: its latest analysed frame as JPEG; the other has none.
    const runs = w1.cameraIds()[0]!;
    const snapshot = () => admin.request(workerSubject('w1', 'snapshot'), JSON.stringify({ cameraId: runs }), { timeout: 5000 });
    let snap = await snapshot();
    // Online (a frame came) may be a moment before the first frame is analysed.
    for (let i = 0; i < 50 && snap.headers?.get(ERROR_HEADER); i++) snap = await sleep(100).then(snapshot);
    expect(snap.headers?.get(ERROR_HEADER) ?? '').toBe('');
    expect((await sharp(Buffer.from(snap.data)).metadata())).toMatchObject({ format: 'jpeg', width: 320 });
    const none = await admin.request(workerSubject('w2', 'snapshot'), JSON.stringify({ cameraId: runs }), { timeout: 5000 });
    expect(none.headers?.get(ERROR_HEADER)).toMatch(/^not_found/);

    // c4's recordings stay on its worker and are listed and read through that worker's RPCs.
    const recorder = w1.cameraIds().includes('c4') ? w1 : w2;
    let segments: RecordingsListReply['segments'] = [];
    await until('a finished segment of c4', () => {
      void admin.request(workerSubject(recorder.name, 'recordings.list'), JSON.stringify({ cameraId: 'c4' }), { timeout: 5000 }).then((m) => (segments = m.json<RecordingsListReply>().segments));
      return segments.length > 0;
    }, 30_000);
    const first = await admin.request(workerSubject(recorder.name, 'recordings.read'), JSON.stringify({ cameraId: 'c4', file: segments[0]!.file, offset: 0, length: 64 }), { timeout: 5000 });
    expect(Buffer.from(first.data).subarray(4, 8).toString()).toBe('ftyp');
    expect(segments[0]!.bytes).toBeGreaterThan(1000);

    // Live view of a camera runs where the camera is: its worker muxes HLS and answers the relay; the other refuses.
    const liveStarted = Date.now();
    const playlist = await liveRelayClient(admin, workerPrefix(recorder.name), recorder.name).playlist('c4');
    const seg = /^(seg\d+\.ts)$/m.exec(playlist)?.[1];
    expect(seg, playlist).toBeDefined();
    const ts = await liveRelayClient(admin, workerPrefix(recorder.name), recorder.name).segment('c4', seg!);
    console.log(`live: playlist from worker ${recorder.name} after ${Date.now() - liveStarted} ms, first segment ${ts.byteLength} bytes`);
    // MPEG-TS: 188-byte packets, each starting with the sync byte 0x47.
    expect(ts.byteLength).toBeGreaterThan(188 * 10);
    expect(ts.byteLength % 188).toBe(0);
    for (let i = 0; i < ts.byteLength; i += 188) expect(ts[i]).toBe(0x47);
    const elsewhere = recorder === w1 ? w2 : w1;
    await expect(liveRelayClient(admin, workerPrefix(elsewhere.name), elsewhere.name).playlist('c4')).rejects.toMatchObject({ code: 'not_found' });
    await expect(liveRelayClient(admin, workerPrefix(recorder.name), recorder.name).segment('c4', '../../etc/passwd')).rejects.toMatchObject({ code: 'invalid_argument' });

    // An edit in the KV reaches the worker that runs the camera within 2 s, no restart of anything else.
    const owner = w1.cameraIds().includes('c1') ? w1 : w2;
    const other = owner === w1 ? w2 : w1;
    const untouched = owner.cameraIds().find((id) => id !== 'c1')!;
    const before = owner.status().find((s) => s.id === untouched)!.framesAnalysed;
    const t0 = Date.now();
    await cameras.put('c1', spec(camera('c1', CLIPS[0]!, { name: 'Camera c1 edited', analysis: { fps: 2, width: 256 } })));
    const editMs = await until('the edit on its worker', () => owner.runningConfig('c1')?.analysis.width === 256, 2000);
    const analysedMs = await until('c1 analysed at the new width', () => owner.status().find((s) => s.id === 'c1')?.settings?.width === 256, 15_000);
    console.log(`edit: config on the worker after ${editMs} ms, analysed at the new width after ${analysedMs + editMs} ms (${Date.now() - t0} ms)`);
    expect(owner.status().find((s) => s.id === untouched)!.framesAnalysed).toBeGreaterThanOrEqual(before);
    expect(owner.status().find((s) => s.id === untouched)!.restarts).toBe(0);
    expect(other.runningConfig('c1')).toBeUndefined();

    // Written again unchanged (a replica's start writes every camera): no restart. An invalid spec: refused, the camera runs on.
    // (A restart would publish c1's health again: starting → online.)
    await until('c1 online again after the edit', () => health().some((m) => m.status.id === 'c1' && m.atMs >= t0 && m.status.health === 'online'), 10_000);
    const mark = messages.length;
    await cameras.put('c1', spec(camera('c1', CLIPS[0]!, { name: 'Camera c1 edited', analysis: { fps: 2, width: 256 } })));
    await cameras.put('c1', { ...spec(camera('c1', CLIPS[0]!)), config: { ...camera('c1', CLIPS[0]!), analysis: { fps: -1 } } as unknown as CameraConfig });
    await sleep(2000);
    expect(messages.slice(mark).filter((m) => m.kind === 'health' && m.status.id === 'c1')).toEqual([]);
    expect(owner.runningConfig('c1')?.analysis.width).toBe(256);
    expect(owner.status().find((s) => s.id === 'c1')!.health).toBe('online');

    // A delete stops it within 2 s and frees its lease.
    await cameras.delete('c1');
    const deleteMs = await until('c1 stopped', () => !owner.cameraIds().includes('c1'), 2000);
    console.log(`delete: camera stopped after ${deleteMs} ms`);
    let lease: unknown = 'held';
    await until('c1 lease released', () => {
      void leases.get('c1').then((l) => (lease = l));
      return lease === undefined;
    }, 3000);
    expect(owner.held().some((h) => h.id === 'c1')).toBe(false);
    await sleep(1500);
    expect([...w1.cameraIds(), ...w2.cameraIds()].sort()).toEqual(['c2', 'c3', 'c4']);

    // Graceful stop of one worker: its leases are released, the other takes its cameras at once (no TTL wait).
    const moved = other.cameraIds();
    const t1 = Date.now();
    await other.stop();
    const takeoverMs = await until('the stopped worker\'s cameras on the other one', () => moved.every((id) => owner.cameraIds().includes(id)), 10_000);
    console.log(`graceful stop: ${moved.length} cameras on the other worker ${Date.now() - t1} ms after stop() began (${takeoverMs} ms after it returned)`);
    expect(owner.cameraIds().sort()).toEqual(['c2', 'c3', 'c4']);
  }, 90_000);

  it('stops a camera at once when its lease is overwritten by someone else, and its renewals are refused', async () => {
    const w = workers.find((x) => x.cameraIds().includes('c2'))!;
    const held = await leases.get('c2');
    expect(held?.value.worker).toBe(w.name);
    // Someone takes the lease by its revision (what a peer that thought it free would do).
    const t0 = Date.now();
    const taken = await leases.update('c2', { worker: 'intruder', sinceMs: Date.now() }, held!.revision);
    const stopMs = await until('c2 stopped', () => !w.cameraIds().includes('c2'), 2000);
    console.log(`fencing: camera stopped ${stopMs} ms after its lease was overwritten (${Date.now() - t0} ms)`);
    expect(w.held().some((h) => h.id === 'c2')).toBe(false);
    // Two heartbeats later the intruder's write is still there: the worker's renewals were refused, not forced.
    await sleep(4500);
    const now = await leases.get('c2');
    expect(now).toEqual({ key: 'c2', value: { worker: 'intruder', sinceMs: expect.any(Number) }, revision: taken });
    expect(w.cameraIds()).not.toContain('c2');
    // No message about c2 from that worker after the stop.
    const late = messages.filter((m) => cameraOf(m) === 'c2' && m.producer?.worker === w.name && atOf(m) > t0 + stopMs + 500);
    expect(late).toEqual([]);
  }, 30_000);

  it('a worker that joins gets its share: the loaded worker hands a camera over, never running it twice, and no further', async () => {
    // c2 is the intruder's since the last test: gone, so two cameras remain, on one worker.
    await cameras.delete('c2');
    const owner = workers.find((x) => x.cameraIds().length > 0)!;
    await sleep(3000); // held long enough to move, and c2 surely claimed by no one
    const before = owner.cameraIds().sort();
    expect(before).toEqual(['c3', 'c4']);
    const t0 = Date.now();
    const w3 = await startWorker('w3', 20);
    let twice: string[] = [];
    const moveMs = await until('one camera on the new worker', () => {
      const both = owner.cameraIds().filter((id) => w3.cameraIds().includes(id));
      if (both.length > 0) twice = both;
      return w3.cameraIds().length === 1 && owner.cameraIds().length === 1;
    }, 20_000);
    console.log(`rebalance: a camera moved to the new worker ${moveMs} ms after it started (${Date.now() - t0} ms)`);
    // Even now (2 + 2 of 20): nothing more moves either way.
    for (let i = 0; i < 30; i++) {
      await sleep(100);
      const both = owner.cameraIds().filter((id) => w3.cameraIds().includes(id));
      if (both.length > 0) twice = both;
    }
    expect(twice).toEqual([]);
    expect(w3.cameraIds()).toHaveLength(1);
    expect(owner.cameraIds()).toHaveLength(1);
    expect([...owner.cameraIds(), ...w3.cameraIds()].sort()).toEqual(before);
    // The moved camera's messages now carry w3 and its new lease.
    const moved = w3.cameraIds()[0]!;
    await until('health of the moved camera from w3', () => health().some((m) => m.status.id === moved && m.producer?.worker === 'w3' && m.status.health === 'online'), 20_000);
  }, 60_000);
});

function health(): Array<Extract<CameraMessage, { kind: 'health' }>> {
  return messages.filter((m): m is Extract<CameraMessage, { kind: 'health' }> => m.kind === 'health');
}
function cameraOf(m: CameraMessage): string {
  return m.kind === 'health' ? m.status.id : m.kind === 'alert' ? m.alert.cameraId : m.kind === 'heatmap' ? m.heatmap.cameraId : m.event.cameraId;
}
function atOf(m: CameraMessage): number {
  return m.kind === 'health' ? m.atMs : m.kind === 'alert' ? m.alert.atMs : m.kind === 'heatmap' ? m.heatmap.bucketStartMs : m.event.atMs;
}
