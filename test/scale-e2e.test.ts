/**
 * The scaled mode end to end, every part a real process: a nats-server, PostgreSQL, two `argus serve --nats
 * --postgres` replicas, two `argus worker`s with the real detector, and a real RTSP camera (a looping road clip).
 * - A camera added through replica 1's API runs on a worker, and its events (counted by the real detector at a
 *   line across the traffic) show on replica 2, with the worker in replica 2's camera status.
 * - kill -9 the worker that runs it: the camera is online on the other worker within 15 s.
 * - The dead worker comes back: it runs nothing twice (checked from the producer stored with each event: after the
 *   handover no event of the old worker follows one of the new).
 * - kill -9 replica 1: replica 2 keeps serving and storing.
 * - Every event the bus acknowledged (read back from the stream by a durable consumer of the test's own) is in
 *   PostgreSQL exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Subscription } from '../src/bus/bus.js';
import type { CameraMessage } from '../src/bus/messages.js';
import { connectNats } from '../src/bus/nats-connect.js';
import { NatsBus } from '../src/bus/nats.js';
import { NatsTestServers } from '../src/bus/testing/nats-server.js';
import { overlayFrame } from '../src/contract/overlay.js';
import { createDatabase, dropDatabase, probePostgres } from '../src/store/postgres/testing-db.js';
import { ASSETS, REPO_ROOT, video } from './assets.js';
import { freePort, gstreamerMissing, loopClip, RtspCameras } from './rtsp-camera.js';
import { login } from './serve-process.js';
import { sse } from './sse-client.js';
import { startWorkerProcess, type WorkerProcess } from './worker-process.js';

const RUN = join(REPO_ROOT, 'src/cli/run.ts');
const PASSWORD = 'scaled-e2e-admin-1';
const pgProblem = await probePostgres();
const skip = gstreamerMissing() ?? (pgProblem !== null && !process.env['CI'] ? `PostgreSQL: ${pgProblem}` : '');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, get: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
}

interface Replica { readonly child: ChildProcess; readonly url: string; readonly auth: { cookie: string; csrf: string }; output(): string; readonly exited: Promise<unknown> }
interface Status { readonly id: string; readonly health: string; readonly worker?: { name: string; fps: number; lagMs: number | null; lease: number } | null }

describe.skipIf(skip !== '')(`the scaled mode end to end${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let nats: NatsTestServers;
  let db: { name: string; url: string };
  let dir: string;
  let rtspUrl = '';
  const rtsp = new RtspCameras();
  const replicas: Replica[] = [];
  const workers = new Map<string, WorkerProcess>();
  const streamIds = new Set<string>();
  let tap: { bus: NatsBus<CameraMessage>; sub: Subscription } | undefined;

  const startReplica = async (name: string): Promise<Replica> => {
    const child = spawn(process.execPath, ['--import', 'tsx', RUN, 'serve', '--config', join(dir, 'site.yaml'), '--nats', nats.urls.join(','), '--postgres', db.url, '--data', join(dir, name), '--port', '0'], {
      cwd: REPO_ROOT, env: { ...process.env, ARGUS_LOG_LEVEL: 'info', ARGUS_ADMIN_PASSWORD: PASSWORD, ARGUS_DATABASE_URL: '', ARGUS_MODELS: join(ASSETS, 'models') }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise((r) => child.once('exit', r));
    const url = await until(`replica ${name} listening`, () => {
      if (child.exitCode !== null) throw new Error(`replica ${name} exited: ${out.slice(-2000)}`);
      return /Argus listening on (http:\/\/[\d.:]+)/.exec(out)?.[1];
    }, 90_000);
    const r: Replica = { child, url, auth: await login(url, 'admin', PASSWORD), output: () => out, exited };
    replicas.push(r);
    return r;
  };
  const startWorker = async (name: string): Promise<WorkerProcess> => {
    const w = startWorkerProcess(['--nats', nats.urls.join(','), '--name', name, '--capacity', '20', '--data', join(dir, name), '--models', join(ASSETS, 'models')]);
    workers.set(name, w);
    await w.waitFor('worker started', 60_000);
    return w;
  };
  const api = async <T>(r: Replica, path: string, init: RequestInit = {}): Promise<T> => {
    const res = await fetch(`${r.url}${path}`, { ...init, headers: { cookie: r.auth.cookie, 'x-csrf-token': r.auth.csrf, 'content-type': 'application/json', ...(init.headers ?? {}) } });
    if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const status = async (r: Replica): Promise<Status | undefined> => (await api<{ items: Status[] }>(r, '/api/cameras/status')).items.find((s) => s.id === 'cam-e2e');
  const stored = async (): Promise<Array<{ id: string; atMs: number; worker: string | null }>> => {
    const c = new pg.Client({ connectionString: db.url });
    c.on('error', () => undefined);
    await c.connect();
    try {
      const r = await c.query<{ id: string; at_ms: string; worker: string | null }>("SELECT id, at_ms, payload::jsonb #>> '{producer,worker}' AS worker FROM events WHERE camera_id = 'cam-e2e' ORDER BY at_ms, id");
      return r.rows.map((x) => ({ id: x.id, atMs: Number(x.at_ms), worker: x.worker }));
    } finally {
      await c.end();
    }
  };

  /** The ids stored from cam-e2e's messages in every table they go to: events, and the per-track summaries of the attribute search. */
  const storedIds = async (): Promise<string[]> => {
    const c = new pg.Client({ connectionString: db.url });
    c.on('error', () => undefined);
    await c.connect();
    try {
      const r = await c.query<{ id: string }>("SELECT id FROM events WHERE camera_id = 'cam-e2e' UNION ALL SELECT id FROM track_attributes WHERE camera_id = 'cam-e2e' UNION ALL SELECT id FROM faces WHERE camera_id = 'cam-e2e'");
      return r.rows.map((x) => x.id);
    } finally {
      await c.end();
    }
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'argus-scaled-e2e-'));
    [nats, db] = await Promise.all([NatsTestServers.start(), createDatabase('argus_scaled_e2e')]);
    const port = await freePort();
    await rtsp.start(loopClip(video('opencv4nodejs_traffic.mp4'), join(dir, 'long.mp4'), 12), port);
    rtspUrl = `rtsp://127.0.0.1:${port}/cam`;
    await writeFile(join(dir, 'site.yaml'), [
      'version: 1',
      'server:',
      '  cameraNetworks: [127.0.0.0/8]',
      'sites:',
      '  - { id: dn, name: Đà Nẵng, timezone: Asia/Ho_Chi_Minh }',
      'cameras: []',
      '',
    ].join('\n'));
    await startReplica('r1');
    await startReplica('r2');
    // What the bus acknowledged, read back from the stream by a durable consumer of the test's own.
    const nc = await connectNats({ servers: nats.urls });
    const bus = await NatsBus.open<CameraMessage>(nc, { ownsConnection: true });
    const sub = bus.consume({ durable: 'e2e-tap' }, async (batch) => {
      for (const d of batch) if (d.message.kind === 'event' && d.message.event.cameraId === 'cam-e2e') streamIds.add(d.message.event.id);
    });
    tap = { bus, sub };
    await startWorker('wa');
    await startWorker('wb');
  }, 240_000);

  afterAll(async () => {
    await tap?.sub.stop();
    await tap?.bus.close();
    for (const w of workers.values()) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    for (const r of replicas) if (r.child.exitCode === null) r.child.kill('SIGKILL');
    await Promise.all([...[...workers.values()].map((w) => w.exited), ...replicas.map((r) => r.exited)]);
    await rtsp.stopAll();
    await nats?.stop();
    if (db) await dropDatabase(db.name);
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 120_000);

  it('runs a camera added on replica 1 on a worker, its events and worker seen on replica 2; fails it over on kill -9; runs nothing twice; loses nothing', async () => {
    const [r1, r2] = replicas as [Replica, Replica];
    const addedAt = Date.now();
    await api(r1, '/api/cameras', {
      method: 'POST',
      body: JSON.stringify({
        id: 'cam-e2e', name: 'Cầu Rồng (e2e)', site: 'dn', kind: 'overview', source: rtspUrl, location: { lat: 16.06, lng: 108.22 },
        analysis: { fps: 5, width: 640 }, lines: [{ id: 'count', name: 'Đếm', points: [[0.5, 0], [0.5, 1]] }],
      }),
    });
    const first = await until('cam-e2e online on a worker, seen by replica 2', async () => {
      const s = await status(r2);
      return s?.health === 'online' && s.worker ? s.worker : undefined;
    }, 60_000);
    console.log(`camera added on replica 1: online on ${first.name} (lease ${first.lease}) as seen by replica 2 after ${Date.now() - addedAt} ms`);
    expect(['wa', 'wb']).toContain(first.name);
    await until('events of cam-e2e on replica 2', async () => {
      const ev = await api<{ items: Array<{ kind: string }> }>(r2, '/api/events?cameras=cam-e2e&kinds=line.cross&limit=10');
      return ev.items.length >= 3 || undefined;
    }, 90_000);

    // The analysis overlay of the worker's camera, watched on replica 2 (which runs no camera): the worker builds
    // the frames on demand and they reach the browser's stream over core NATS, with the worker's real tracks.
    const watch = sse(`${r2.url}/api/cameras/cam-e2e/overlay`, r2.auth.cookie);
    try {
      expect(await watch.status).toBe(200);
      const frames = await until('overlay frames with tracks from the worker, through replica 2', () => {
        const f = watch.messages.filter((m) => m.event === 'overlay').map((m) => overlayFrame.parse(m.data));
        return f.filter((x) => x.tracks.length > 0).length >= 5 ? f : undefined;
      }, 60_000);
      for (const f of frames) {
        expect(f.cameraId).toBe('cam-e2e');
        expect(f.lines.map((l) => l.id)).toEqual(['count']);
        for (const tr of f.tracks) for (const v of tr.box) expect(v >= 0 && v <= 1).toBe(true);
      }
      for (let i = 1; i < frames.length; i++) expect(frames[i]!.capturedAtMs).toBeGreaterThan(frames[i - 1]!.capturedAtMs);
      // The frames are this moment's: captured within seconds of their arrival, not a backlog.
      expect(Date.now() - frames.at(-1)!.capturedAtMs).toBeLessThan(10_000);
      console.log(`overlay through replica 2: ${frames.length} frames, ${frames.filter((f) => f.tracks.length > 0).length} with tracks, ${Date.now() - frames.at(-1)!.capturedAtMs} ms behind capture`);
      const looks = await api<{ items: Array<{ target: string; details: { what?: string } }> }>(r2, '/api/audit?action=footage.view&limit=50');
      expect(looks.items.some((a) => a.target === 'cam-e2e')).toBe(true);
    } finally {
      watch.close();
    }

    // kill -9 the worker that runs it: the other takes it within 15 s.
    const victim = first.name;
    const other = victim === 'wa' ? 'wb' : 'wa';
    const killedAt = Date.now();
    workers.get(victim)!.child.kill('SIGKILL');
    await workers.get(victim)!.exited;
    const moved = await until('cam-e2e online on the other worker', async () => {
      const s = await status(r2);
      return s?.health === 'online' && s.worker?.name === other ? s.worker : undefined;
    }, 20_000);
    const failoverMs = Date.now() - killedAt;
    console.log(`failover after kill -9 of ${victim}: online on ${other} (lease ${moved.lease}) after ${failoverMs} ms`);
    expect(failoverMs).toBeLessThanOrEqual(15_000);
    expect(moved.lease).toBeGreaterThan(first.lease);

    // The dead worker comes back; replica 1 is killed; replica 2 goes on storing.
    const returnedAt = Date.now();
    await startWorker(victim);
    r1.child.kill('SIGKILL');
    await r1.exited;
    const before = (await stored()).length;
    await until('new events stored after replica 1 died', async () => ((await stored()).length >= before + 3 ? true : undefined), 90_000);
    expect((await status(r2))?.worker?.name).toBe(other);
    expect(workers.get(victim)!.lines('camera claimed')).toEqual([]);

    // Nothing twice: by capture time, once the other worker's events start, the victim has none after them, and the
    // returned worker none at all.
    const rows = await stored();
    const firstOfOther = rows.findIndex((e) => e.worker === other);
    expect(firstOfOther).toBeGreaterThan(0);
    expect(rows.slice(firstOfOther).filter((e) => e.worker !== other)).toEqual([]);
    expect(rows.filter((e) => e.worker === victim && e.atMs >= returnedAt)).toEqual([]);
    expect(rows.every((e) => e.worker === 'wa' || e.worker === 'wb')).toBe(true);
    // Everything the bus acknowledged is stored once.
    // (A track's attribute summary is a message of the camera too; it is stored in the attribute search's table.)
    let missing: string[] = [];
    await until('the tap caught up and every acknowledged event stored', async () => {
      const ids = new Set(await storedIds());
      missing = [...streamIds].filter((id) => !ids.has(id));
      return missing.length === 0 || undefined;
    }, 60_000).catch((e: unknown) => {
      throw new Error(`${(e as Error).message}: ${missing.length} of ${streamIds.size} not stored (${missing.slice(0, 5).join(', ')})`);
    });
    const all = await stored();
    const everyId = await storedIds();
    expect(new Set(everyId).size).toBe(everyId.length);
    console.log(`events of cam-e2e: ${all.length} stored (${all.filter((e) => e.worker === victim).length} by ${victim}, ${all.filter((e) => e.worker === other).length} by ${other}), ${streamIds.size} acknowledged by the bus`);
  }, 420_000);
});
