/**
 * The real service as a child process for fault tests: `argus serve` started with `--import tsx` in ONE process (the
 * tsx CLI would run the program in a grandchild that a SIGKILL of the child does not reach), its URL from the
 * "listening" log line, its child processes (ffmpeg) from /proc, and what it committed read from outside.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { REPO_ROOT } from './assets.js';

const RUN = join(REPO_ROOT, 'src/cli/run.ts');

export interface Service {
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface ServeOptions {
  readonly dataDir: string;
  readonly databaseUrl?: string | undefined;
  readonly config?: string;
  readonly env?: Record<string, string>;
}

/** `argus serve --port 0`; resolves with its URL once it listens (rejects if it exits first). */
export async function serve(o: ServeOptions): Promise<Service> {
  const args = ['--import', 'tsx', RUN, 'serve', '--data', o.dataDir, '--port', '0', ...(o.databaseUrl ? ['--database', o.databaseUrl] : []), ...(o.config ? ['--config', o.config] : [])];
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: { ...process.env, ARGUS_LOG_LEVEL: 'info', ARGUS_DATABASE_URL: '', ...o.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /Argus listening on (http:\/\/[\d.:]+)/.exec(out);
      if (m?.[1]) {
        clearInterval(timer);
        resolve(m[1]);
      }
    }, 50);
    void exited.then(({ code }) => {
      clearInterval(timer);
      reject(new Error(`serve exited (${code}) before listening: ${out.slice(-2000)}`));
    });
  });
  return { child, url, output: () => out, exited };
}

/**
 * The processes under `pid` (children, and their children: the recorder's ffmpeg runs under a one-signal relay), with
 * their name (as in /proc/PID/stat, e.g. `ffmpeg`) and command line.
 */
export async function childProcesses(pid: number): Promise<Array<{ pid: number; name: string; cmd: string }>> {
  const all: Array<{ pid: number; parent: number; name: string }> = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    if (stat === '') continue;
    all.push({ pid: Number(entry), parent: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]), name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) });
  }
  const under = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) {
      if (under.has(p.pid) || !under.has(p.parent)) continue;
      under.add(p.pid);
      grew = true;
    }
  }
  const out: Array<{ pid: number; name: string; cmd: string }> = [];
  for (const p of all) {
    if (p.pid === pid || !under.has(p.pid)) continue;
    const cmd = (await readFile(`/proc/${p.pid}/cmdline`, 'utf8').catch(() => '')).split('\0').join(' ').trim();
    out.push({ pid: p.pid, name: p.name, cmd });
  }
  return out;
}

/** Whether a process still runs (a zombie counts as gone). */
export async function running(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  return stat !== null && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

/** A session cookie (with its CSRF token) for `username`. */
export async function login(url: string, username: string, password: string): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  const body = (await res.json()) as { csrfToken?: string };
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0] ?? '').find((c) => c.startsWith('argus_session='));
  if (res.status !== 200 || !cookie || !body.csrfToken) throw new Error(`login ${username}: ${res.status}`);
  return { cookie, csrf: body.csrfToken };
}

export interface StoredEvent {
  readonly id: string;
  readonly cameraId: string;
  readonly atMs: number;
  readonly kind: string;
  readonly payload: string;
}

/** The events committed so far, read from outside the service (its SQLite file read-only, or its PostgreSQL database). */
export async function committedEvents(where: { dataDir: string; databaseUrl?: string | undefined }, cameraId?: string): Promise<StoredEvent[]> {
  const q = `select id, camera_id as "cameraId", at_ms as "atMs", kind, payload from events${cameraId ? ' where camera_id = $1' : ''}`;
  if (where.databaseUrl) {
    const c = new pg.Client({ connectionString: where.databaseUrl });
    await c.connect();
    try {
      return (await c.query<StoredEvent>(q, cameraId ? [cameraId] : [])).rows.map((r) => ({ ...r, atMs: Number(r.atMs) }));
    } finally {
      await c.end();
    }
  }
  const db = new Database(join(where.dataDir, 'argus.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(q.replace('$1', '?')).all(...(cameraId ? [cameraId] : [])) as StoredEvent[];
  } finally {
    db.close();
  }
}
