/**
 * The soak: runs the real service (`argus serve`, a child process) with a site config (default: the demo's three
 * looping cameras, config/demo.yaml) for a given time and samples, every `--interval` seconds, what would show a
 * leak: RSS and threads (/proc/<pid>/status), open file descriptors (/proc/<pid>/fd), child processes (ffmpeg),
 * the V8 heap after a full GC (bench/soak-probe.ts, over the IPC channel), the events stored (read from the database
 * from outside) and the cameras' frames analysed (/api/cameras/status). Prints one JSON summary on stdout: each
 * figure's start, end, min, max and slope per hour (least squares, over the whole run and after the warm-up).
 *
 *   node --import tsx bench/soak.ts --duration 3600 [--interval 30] [--config config/demo.yaml] [--data DIR]
 *                                  [--database postgres://…] [--out FILE] [--samples]
 *
 * Needs the models (ARGUS_MODELS, else ARGUS_ASSETS/models) and the videos the config names (ARGUS_ASSETS).
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startServeProcess, type ServeProcess } from './serve-process.js';
import Database from 'better-sqlite3';
import pg from 'pg';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface SoakOptions {
  readonly durationSec: number;
  readonly intervalSec: number;
  readonly config: string;
  /** Data directory (default: a temporary one, removed at the end). */
  readonly dataDir?: string;
  readonly databaseUrl?: string;
  /** Keep every sample in the summary. */
  readonly samples?: boolean;
  /** Progress lines (default: stderr). */
  readonly progress?: (line: string) => void;
}

export interface SoakSample {
  readonly tSec: number;
  readonly rssMb: number;
  readonly heapUsedMb: number | null;
  readonly externalMb: number | null;
  readonly fds: number;
  readonly threads: number;
  readonly children: number;
  readonly events: number | null;
  readonly framesAnalysed: number | null;
  readonly camerasOnline: number | null;
}

export interface Trend {
  readonly start: number;
  readonly end: number;
  readonly min: number;
  readonly max: number;
  /** Least-squares slope over the whole run, per hour. */
  readonly slopePerHour: number;
  /** The same after the warm-up (the first quarter of the run, at most 5 minutes). */
  readonly slopePerHourAfterWarmup: number;
}

export interface SoakSummary {
  readonly command: string;
  readonly config: string;
  readonly store: 'sqlite' | 'postgres';
  readonly durationSec: number;
  readonly intervalSec: number;
  readonly samples: number;
  readonly rssMb: Trend;
  readonly heapUsedMb: Trend | null;
  readonly externalMb: Trend | null;
  readonly fds: Trend;
  readonly threads: Trend;
  readonly children: Trend;
  readonly events: { readonly start: number | null; readonly end: number | null; readonly perMinute: number | null; readonly byKind: Record<string, number> };
  readonly framesAnalysed: { readonly end: number | null; readonly perSecond: number | null };
  readonly cameras: ReadonlyArray<{ id: string; health: string; framesAnalysed: number; restarts: number }>;
  readonly exit: { readonly code: number | null; readonly signal: string | null; readonly stopMs: number };
  readonly all?: readonly SoakSample[];
}

/** `argus serve --port 0` with the probe preloaded (the sources through tsx: the probe is a .ts file). */
function startService(o: SoakOptions, dataDir: string, adminPassword: string): Promise<ServeProcess> {
  return startServeProcess({
    nodeArgs: ['--expose-gc'],
    preload: [join(ROOT, 'bench', 'soak-probe.ts')],
    serveArgs: ['--config', o.config, '--data', dataDir, ...(o.databaseUrl ? ['--database', o.databaseUrl] : [])],
    env: { ARGUS_ADMIN_PASSWORD: adminPassword, ARGUS_DATABASE_URL: '' },
    ipc: true,
  });
}

/** A session cookie of the first admin. */
async function login(url: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
  await res.arrayBuffer();
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0] ?? '').find((c) => c.startsWith('argus_session='));
  if (res.status !== 200 || !cookie) throw new Error(`soak: admin login answered ${res.status}`);
  return cookie;
}

/** Key: value lines of /proc/<pid>/status. */
export async function procStatus(pid: number): Promise<{ rssKb: number; threads: number }> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? NaN);
  return { rssKb: field('VmRSS'), threads: field('Threads') };
}

/** Processes whose parent is `pid` (the service's ffmpeg readers and recorders). */
export async function childCount(pid: number): Promise<number> {
  let n = 0;
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    // pid (comm) state ppid …: comm may hold spaces and parentheses, so read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === pid) n++;
  }
  return n;
}

/** The service's memory after a full GC, asked over IPC (null when it does not answer within 5 s). */
function probeMemory(child: ChildProcess): Promise<NodeJS.MemoryUsage | null> {
  return new Promise((res) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      res(null);
    }, 5000);
    const onMessage = (m: unknown): void => {
      if (typeof m !== 'object' || m === null || (m as { type?: unknown }).type !== 'argus-soak:memory') return;
      clearTimeout(timer);
      child.off('message', onMessage);
      res(m as NodeJS.MemoryUsage);
    };
    child.on('message', onMessage);
    child.send('argus-soak:sample');
  });
}

/** Events stored, by kind, read from the database from outside the service. */
async function eventCounts(o: SoakOptions, dataDir: string): Promise<Record<string, number> | null> {
  const sqlText = 'select kind, count(*) as n from events group by kind';
  try {
    if (o.databaseUrl) {
      const c = new pg.Client({ connectionString: o.databaseUrl });
      await c.connect();
      try {
        const r = await c.query<{ kind: string; n: string }>(sqlText);
        return Object.fromEntries(r.rows.map((x) => [x.kind, Number(x.n)]));
      } finally {
        await c.end();
      }
    }
    const db = new Database(join(dataDir, 'argus.db'), { readonly: true, fileMustExist: true });
    try {
      const rows = db.prepare(sqlText).all() as Array<{ kind: string; n: number }>;
      return Object.fromEntries(rows.map((x) => [x.kind, x.n]));
    } finally {
      db.close();
    }
  } catch {
    return null; // the table may not exist yet at the very first sample: counted as unknown, not as zero
  }
}

type CameraRow = { id: string; health: string; framesAnalysed: number; restarts: number };

async function cameraStatus(url: string, cookie: string): Promise<CameraRow[] | null> {
  const res = await fetch(`${url}/api/cameras/status`, { headers: { cookie } }).catch(() => null);
  if (!res || res.status !== 200) return null;
  const body = (await res.json()) as { items: CameraRow[] };
  return body.items.map(({ id, health, framesAnalysed, restarts }) => ({ id, health, framesAnalysed, restarts }));
}

const mb = (bytes: number): number => Math.round((bytes / 1048576) * 10) / 10;
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/** Least-squares slope of (tSec, value), per hour; 0 with fewer than two points. */
export function slopePerHour(points: ReadonlyArray<readonly [number, number]>): number {
  if (points.length < 2) return 0;
  const n = points.length;
  const mx = sum(points.map((p) => p[0])) / n;
  const my = sum(points.map((p) => p[1])) / n;
  const sxx = sum(points.map((p) => (p[0] - mx) ** 2));
  const sxy = sum(points.map((p) => (p[0] - mx) * (p[1] - my)));
  return sxx === 0 ? 0 : Math.round(((sxy / sxx) * 3600) * 100) / 100;
}

export function trend(samples: readonly SoakSample[], pick: (s: SoakSample) => number | null): Trend | null {
  const pts = samples.flatMap((s) => {
    const v = pick(s);
    return v === null || !Number.isFinite(v) ? [] : [[s.tSec, v] as const];
  });
  if (pts.length === 0) return null;
  const values = pts.map((p) => p[1]);
  const lastT = pts[pts.length - 1]![0];
  const warm = Math.min(300, lastT / 4);
  const after = pts.filter((p) => p[0] >= warm);
  return {
    start: values[0]!, end: values[values.length - 1]!, min: Math.min(...values), max: Math.max(...values),
    slopePerHour: slopePerHour(pts), slopePerHourAfterWarmup: slopePerHour(after.length >= 2 ? after : pts),
  };
}

async function sample(svc: ServeProcess, o: SoakOptions, dataDir: string, cookie: string, t0: number): Promise<{ s: SoakSample; kinds: Record<string, number> | null; cams: CameraRow[] | null }> {
  const pid = svc.child.pid!;
  const [st, fds, children, mem, kinds, cams] = await Promise.all([
    procStatus(pid), readdir(`/proc/${pid}/fd`).then((f) => f.length), childCount(pid), probeMemory(svc.child), eventCounts(o, dataDir), cameraStatus(svc.url, cookie),
  ]);
  const s: SoakSample = {
    tSec: Math.round((Date.now() - t0) / 1000), rssMb: Math.round((st.rssKb / 1024) * 10) / 10, heapUsedMb: mem ? mb(mem.heapUsed) : null,
    externalMb: mem ? mb(mem.external) : null, fds, threads: st.threads, children, events: kinds ? sum(Object.values(kinds)) : null,
    framesAnalysed: cams ? sum(cams.map((c) => c.framesAnalysed)) : null, camerasOnline: cams ? cams.filter((c) => c.health === 'online').length : null,
  };
  return { s, kinds, cams };
}

/** Sends SIGTERM and waits (SIGKILL after 30 s). */
async function stopService(svc: ServeProcess): Promise<SoakSummary['exit']> {
  const t = Date.now();
  const { code, signal } = await svc.stop(30_000);
  return { code, signal, stopMs: Date.now() - t };
}

export async function runSoak(o: SoakOptions): Promise<SoakSummary> {
  const progress = o.progress ?? ((l: string) => process.stderr.write(`${l}\n`));
  const dataDir = o.dataDir ?? (await mkdtemp(join(tmpdir(), 'argus-soak-')));
  const password = `soak-${randomBytes(12).toString('hex')}`;
  const svc = await startService(o, dataDir, password);
  const samples: SoakSample[] = [];
  let last: { kinds: Record<string, number> | null; cams: CameraRow[] | null } = { kinds: null, cams: null };
  let firstEvents: number | null = null;
  let exit: SoakSummary['exit'] | undefined;
  try {
    const cookie = await login(svc.url, password);
    const t0 = Date.now();
    for (let i = 0; ; i++) {
      const r = await sample(svc, o, dataDir, cookie, t0);
      samples.push(r.s);
      last = r;
      firstEvents ??= r.s.events;
      progress(`soak ${r.s.tSec}s rss=${r.s.rssMb}MB heap=${r.s.heapUsedMb}MB fds=${r.s.fds} children=${r.s.children} events=${r.s.events} frames=${r.s.framesAnalysed} online=${r.s.camerasOnline}`);
      if (svc.child.exitCode !== null || svc.child.signalCode !== null) throw new Error(`argus serve died during the soak: ${svc.tail().slice(-2000)}`);
      const next = t0 + (i + 1) * o.intervalSec * 1000;
      if (next > t0 + o.durationSec * 1000) break;
      await new Promise((r2) => setTimeout(r2, Math.max(0, next - Date.now())));
    }
  } finally {
    if (svc.child.exitCode === null && svc.child.signalCode === null) exit = await stopService(svc);
    if (!o.dataDir) await rm(dataDir, { recursive: true, force: true });
  }
  return summarise(o, samples, last, firstEvents, exit ?? { code: svc.child.exitCode, signal: svc.child.signalCode, stopMs: 0 });
}

function summarise(o: SoakOptions, samples: readonly SoakSample[], last: { kinds: Record<string, number> | null; cams: CameraRow[] | null }, firstEvents: number | null, exit: SoakSummary['exit']): SoakSummary {
  const lastS = samples[samples.length - 1]!;
  const spanMin = lastS.tSec / 60;
  return {
    command: `node --import tsx bench/soak.ts --duration ${o.durationSec} --interval ${o.intervalSec} --config ${o.config}${o.databaseUrl ? ' --database …' : ''}`,
    config: o.config, store: o.databaseUrl ? 'postgres' : 'sqlite', durationSec: o.durationSec, intervalSec: o.intervalSec, samples: samples.length,
    rssMb: trend(samples, (s) => s.rssMb)!, heapUsedMb: trend(samples, (s) => s.heapUsedMb), externalMb: trend(samples, (s) => s.externalMb),
    fds: trend(samples, (s) => s.fds)!, threads: trend(samples, (s) => s.threads)!, children: trend(samples, (s) => s.children)!,
    events: {
      start: firstEvents, end: lastS.events,
      perMinute: lastS.events !== null && firstEvents !== null && spanMin > 0 ? Math.round(((lastS.events - firstEvents) / spanMin) * 10) / 10 : null,
      byKind: last.kinds ?? {},
    },
    framesAnalysed: { end: lastS.framesAnalysed, perSecond: lastS.framesAnalysed !== null && lastS.tSec > 0 ? Math.round((lastS.framesAnalysed / lastS.tSec) * 10) / 10 : null },
    cameras: last.cams ?? [], exit,
    ...(o.samples ? { all: samples } : {}),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '3600' }, interval: { type: 'string', default: '30' }, config: { type: 'string', default: join(ROOT, 'config/demo.yaml') },
      data: { type: 'string' }, database: { type: 'string' }, out: { type: 'string' }, samples: { type: 'boolean', default: false },
    },
  });
  const durationSec = Number(values.duration);
  const intervalSec = Number(values.interval);
  if (!(durationSec > 0 && intervalSec > 0)) throw new Error('--duration and --interval: positive seconds');
  const summary = await runSoak({
    durationSec, intervalSec, config: resolve(values.config), samples: values.samples,
    ...(values.data ? { dataDir: resolve(values.data) } : {}), ...(values.database ? { databaseUrl: values.database } : {}),
  });
  const json = JSON.stringify(summary, null, 2);
  if (values.out) await writeFile(values.out, `${json}\n`);
  process.stdout.write(`${json}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
