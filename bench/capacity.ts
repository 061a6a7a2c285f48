/**
 * Cameras per box (issue #21 §4): the largest number N of real cameras a box analyses at 5 fps with under 5 % of
 * the frames dropped. Each step starts the REAL `argus serve` (built CLI, its own process, SQLite in a temp dir)
 * with N looping copies of a 640×360 road clip (default opencv4nodejs_traffic.mp4: constant motion, so the motion
 * gate saves little), waits for every camera to run, then counts the frames each camera analysed over a window
 * (framesAnalysed from /api/cameras/status, not the smoothed fps). Dropped = 1 − analysed / (5 × window).
 * N grows from `start` by `step` until the dropped share passes 5 % (or `max`).
 *
 *   node dist/bench/capacity.js [--start 8] [--step 4] [--max 32] [--window 30] [--fps 5] [--clip FILE]
 * or as the bench part `capacity` (ARGUS_BENCH=capacity npm run bench). Progress on stderr, JSON on stdout.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

export interface CapacityStep {
  readonly cameras: number;
  /** Share of the frames not analysed, over all cameras (0–1). */
  readonly dropped: number;
  /** Analysed frames per second per camera: mean and the slowest camera. */
  readonly fpsMean: number;
  readonly fpsMin: number;
  /** CPU of the service process and its children over the window, cores (from /proc). */
  readonly cpuCores: number;
}

export interface CapacityResult {
  readonly runner: 'serve';
  readonly clip: string;
  readonly targetFps: number;
  readonly windowSec: number;
  /** The largest N with dropped < 5 % (0 when even the first step drops more). */
  readonly camerasAt5Pct: number;
  readonly steps: readonly CapacityStep[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Status { readonly id: string; readonly health: string; readonly framesAnalysed: number }

async function cpuTicks(pid: number): Promise<number> {
  const { readFile, readdir } = await import('node:fs/promises');
  let total = 0;
  const stat = async (p: number): Promise<{ ticks: number; ppid: number } | undefined> => {
    const s = await readFile(`/proc/${p}/stat`, 'utf8').catch(() => undefined);
    if (!s) return undefined;
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { ticks: Number(f[11]) + Number(f[12]), ppid: Number(f[1]) };
  };
  const all = (await readdir('/proc')).filter((n) => /^\d+$/.test(n)).map(Number);
  const byParent = new Map<number, number[]>();
  const ticks = new Map<number, number>();
  for (const p of all) {
    const s = await stat(p);
    if (!s) continue;
    ticks.set(p, s.ticks);
    byParent.set(s.ppid, [...(byParent.get(s.ppid) ?? []), p]);
  }
  const walk = (p: number): void => {
    total += ticks.get(p) ?? 0;
    for (const c of byParent.get(p) ?? []) walk(c);
  };
  walk(pid);
  return total / 100; // USER_HZ
}

async function step(n: number, o: { clip: string; fps: number; windowSec: number; repo: string }): Promise<CapacityStep> {
  const dir = await mkdtemp(join(tmpdir(), 'argus-capacity-'));
  const cameras = Array.from({ length: n }, (_, i) => `  - id: cam-${i + 1}
    name: Camera ${i + 1}
    site: s
    kind: overview
    source: ${JSON.stringify(o.clip)}
    location: { lat: 16.06, lng: 108.22 }
    analysis: { fps: ${o.fps}, width: 640 }
    lines: [{ id: count, name: count, points: [[0.5, 0.0], [0.5, 1.0]] }]`).join('\n');
  await writeFile(join(dir, 'site.yaml'), `version: 1\nsites:\n  - { id: s, name: S, timezone: Asia/Ho_Chi_Minh }\ncameras:\n${cameras}\n`);
  // As `npm start` runs it (package.json): the flag a camera box runs with (bin/argus.js says why).
  const child = spawn(process.execPath, ['--max-semi-space-size=32', join(o.repo, 'bin/argus.js'), 'serve', '--config', join(dir, 'site.yaml'), '--data', join(dir, 'data'), '--port', '0'], {
    cwd: o.repo, env: { ...process.env, ARGUS_ADMIN_PASSWORD: 'capacity-bench-pw', ARGUS_LOG_LEVEL: 'info', ARGUS_DATABASE_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  child.stderr.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  try {
    let url: string | undefined;
    for (let i = 0; i < 600 && !url; i++) {
      url = /Argus listening on (http:\/\/[\d.:]+)/.exec(out)?.[1];
      if (child.exitCode !== null) throw new Error(`serve exited: ${out.slice(-1000)}`);
      await sleep(100);
    }
    if (!url) throw new Error(`serve did not listen: ${out.slice(-1000)}`);
    const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'capacity-bench-pw' }) });
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('argus_session='));
    if (!cookie) throw new Error(`login: ${login.status}`);
    const status = async (): Promise<Status[]> => ((await (await fetch(`${url}/api/cameras/status`, { headers: { cookie } })).json()) as { items: Status[] }).items;
    // Warm-up: every camera has analysed frames for a while (model load, ffmpeg start).
    const t0 = Date.now();
    while ((await status()).some((s) => s.framesAnalysed < o.fps * 3)) {
      if (Date.now() - t0 > 120_000) throw new Error('cameras did not start within 120 s');
      await sleep(1000);
    }
    await sleep(3000);
    const a = new Map((await status()).map((s) => [s.id, s.framesAnalysed]));
    const c0 = await cpuTicks(child.pid!);
    const w0 = performance.now();
    await sleep(o.windowSec * 1000);
    const b = await status();
    const sec = (performance.now() - w0) / 1000;
    const cpu = (await cpuTicks(child.pid!)) - c0;
    const fps = b.map((s) => (s.framesAnalysed - (a.get(s.id) ?? 0)) / sec);
    const mean = fps.reduce((x, y) => x + y, 0) / fps.length;
    return { cameras: n, dropped: Math.max(0, 1 - mean / o.fps), fpsMean: Number(mean.toFixed(2)), fpsMin: Number(Math.min(...fps).toFixed(2)), cpuCores: Number((cpu / sec).toFixed(2)) };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
    await rm(dir, { recursive: true, force: true });
  }
}

export async function benchCapacity(opts: { start?: number; step?: number; max?: number; windowSec?: number; fps?: number; clip?: string } = {}): Promise<CapacityResult> {
  const repo = resolve(process.cwd());
  const clip = opts.clip ?? process.env['ARGUS_BENCH_CLIP'] ?? resolve(process.env['ARGUS_ASSETS'] ?? '../shared/assets', 'videos/opencv4nodejs_traffic.mp4');
  const fps = opts.fps ?? 5;
  const windowSec = opts.windowSec ?? 30;
  const steps: CapacityStep[] = [];
  for (let n = opts.start ?? 8; n <= (opts.max ?? 32); n += opts.step ?? 4) {
    process.stderr.write(`capacity: ${n} cameras…\n`);
    const s = await step(n, { clip, fps, windowSec, repo });
    process.stderr.write(`capacity: ${n} cameras: ${(s.dropped * 100).toFixed(1)} % dropped, ${s.fpsMean} fps mean, ${s.fpsMin} min, ${s.cpuCores} cores\n`);
    steps.push(s);
    if (s.dropped >= 0.05) break;
  }
  const ok = steps.filter((s) => s.dropped < 0.05).map((s) => s.cameras);
  return { runner: 'serve', clip, targetFps: fps, windowSec, camerasAt5Pct: ok.length ? Math.max(...ok) : 0, steps };
}

if (process.argv[1] && resolve(process.argv[1]).endsWith('capacity.js')) {
  const { values } = parseArgs({ options: { start: { type: 'string' }, step: { type: 'string' }, max: { type: 'string' }, window: { type: 'string' }, fps: { type: 'string' }, clip: { type: 'string' } } });
  const num = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));
  const r = await benchCapacity({ start: num(values.start), step: num(values.step), max: num(values.max), windowSec: num(values.window), fps: num(values.fps), clip: values.clip });
  process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
}
