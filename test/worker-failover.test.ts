/**
 * Failover of the scaled mode with a real worker process: `argus worker` (a child process) runs two real file cameras
 * (looping clips through ffmpeg, no detector model: health only); a second worker runs in this process. kill -9 the
 * child: both cameras are online on the other worker, under new lease revisions, within 15 s. Start the dead worker
 * again: it takes nothing back at once (rebalancing moves a camera only after it ran 30 s where it is; see
 * src/pipeline/worker/worker.test.ts for a joining worker getting its share), and no camera is run by two workers
 * (producers on the health messages, and the workers' registry records).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import type { CameraMessage } from '../src/bus/messages.js';
import { connectNats } from '../src/bus/nats-connect.js';
import { NatsTestServers } from '../src/bus/testing/nats-server.js';
import { cameraSchema } from '../src/config/schema.js';
import { JsonKv } from '../src/pipeline/worker/kv.js';
import { BUCKETS, type CameraSpec, type WorkerRecord } from '../src/pipeline/worker/protocol.js';
import { Worker } from '../src/pipeline/worker/worker.js';
import { video } from './assets.js';
import { childProcesses, running } from './serve-process.js';
import { startWorkerProcess, type WorkerProcess } from './worker-process.js';

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, ok: () => boolean | Promise<boolean>, timeoutMs: number): Promise<number> {
  const start = Date.now();
  while (!(await ok())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
  return Date.now() - start;
}

type Health = Extract<CameraMessage, { kind: 'health' }> & { receivedAtMs: number };
const cleanup: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
});

const camera = (id: string, clip: string): CameraSpec => ({
  config: cameraSchema.parse({ id, name: id, site: 'dn', kind: 'overview', source: video(clip), location: { lat: 16, lng: 108 }, analysis: { fps: 2, width: 320 } }),
  site: null,
  updatedAtMs: Date.now(),
});

describe('argus worker failover (kill -9 of a worker process)', () => {
  it('moves a killed worker\'s cameras to a live worker within 15 s, and the returning worker runs none of them twice', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'argus-failover-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    await mkdir(join(dir, 'models'));
    const servers = await NatsTestServers.start();
    cleanup.push(() => servers.stop());
    const nc: NatsConnection = await connectNats({ servers: servers.urls });
    cleanup.push(() => nc.close());
    const health: Health[] = [];
    const tap = nc.subscribe('argus.cam.*.health', { callback: (_e, m) => void health.push({ ...m.json<Health>(), receivedAtMs: Date.now() }) });
    cleanup.push(async () => tap.unsubscribe());
    const registry = await JsonKv.open<WorkerRecord>(nc, { bucket: BUCKETS.workers, logger: silent });

    const args = (name: string) => ['--nats', servers.urls.join(','), '--name', name, '--capacity', '20', '--data', join(dir, name), '--models', join(dir, 'models')];
    let a: WorkerProcess = startWorkerProcess(args('wa'));
    cleanup.push(async () => a.child.kill('SIGKILL'));
    await a.waitFor('worker started');
    const cameras = await JsonKv.open<CameraSpec>(nc, { bucket: BUCKETS.cameras, logger: silent });
    await cameras.put('k1', camera('k1', 'opencv4nodejs_traffic.mp4'));
    await cameras.put('k2', camera('k2', 'intel_car-detection.mp4'));
    const online = (worker: string, since = 0) => (id: string) => health.find((h) => h.status.id === id && h.status.health === 'online' && h.producer?.worker === worker && h.receivedAtMs >= since);
    await until('both cameras online on wa', () => ['k1', 'k2'].every((id) => online('wa')(id)), 30_000);
    const leasesOfA = new Map(['k1', 'k2'].map((id) => [id, online('wa')(id)!.producer!.lease]));

    // The other worker joins while wa runs both: it takes nothing from a live worker.
    const bnc = await connectNats({ servers: servers.urls });
    cleanup.push(() => bnc.close());
    const b = await Worker.start({ nc: bnc, name: 'wb', capacity: 20, dataDir: join(dir, 'wb'), modelsDir: join(dir, 'models'), logger: silent });
    cleanup.push(() => b.stop());
    await sleep(2500);
    expect(b.cameraIds()).toEqual([]);

    const ffmpegs = (await childProcesses(a.child.pid!)).filter((p) => p.name === 'ffmpeg');
    expect(ffmpegs.length).toBeGreaterThanOrEqual(2);
    const killedAt = Date.now();
    a.child.kill('SIGKILL');
    await a.exited;
    const claimedMs = await until('both leases claimed by wb', () => b.held().length === 2, 15_000);
    const failoverMs = await until('both cameras online on wb', () => ['k1', 'k2'].every((id) => online('wb', killedAt)(id)), 15_000 - claimedMs) + claimedMs;
    console.log(`failover: both leases claimed by the other worker ${claimedMs} ms after kill -9, both cameras online there after ${failoverMs} ms`);
    expect(failoverMs).toBeLessThanOrEqual(15_000);
    for (const id of ['k1', 'k2']) expect(online('wb', killedAt)(id)!.producer!.lease).toBeGreaterThan(leasesOfA.get(id)!);
    expect(b.cameraIds().sort()).toEqual(['k1', 'k2']);
    // The killed worker's ffmpeg processes did not outlive it.
    await until('the killed worker\'s ffmpeg gone', async () => (await Promise.all(ffmpegs.map((p) => running(p.pid)))).every((r) => !r), 10_000);

    // The dead worker comes back: it sees the cameras held and runs none of them.
    const returnedAt = Date.now();
    a = startWorkerProcess(args('wa'));
    await a.waitFor('worker started');
    await sleep(5000);
    const after = health.filter((h) => h.receivedAtMs >= returnedAt);
    expect(after.filter((h) => h.producer?.worker === 'wa')).toEqual([]);
    expect(a.lines('camera claimed')).toEqual([]);
    const recA = await registry.get('wa');
    expect(recA).toMatchObject({ name: 'wa', load: 0, cameras: [] });
    expect((await registry.get('wb'))?.cameras.map((c) => c.id).sort()).toEqual(['k1', 'k2']);
    expect(b.cameraIds().sort()).toEqual(['k1', 'k2']);

    a.child.kill('SIGTERM');
    expect((await a.exited).code).toBe(0);
  }, 90_000);
});
