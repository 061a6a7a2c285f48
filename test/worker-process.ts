/**
 * `argus worker` as a child process for the scaled mode's fault tests: started with `--import tsx` in ONE process (a
 * SIGKILL of the child is a SIGKILL of the worker), its JSON log lines collected, and its ffmpeg children listed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './assets.js';

const RUN = join(REPO_ROOT, 'src/cli/run.ts');

export interface WorkerProcess {
  readonly child: ChildProcess;
  output(): string;
  /** The log lines (JSON) so far whose `msg` is `msg`. */
  lines(msg: string): Array<Record<string, unknown>>;
  /** Resolves when a log line with this `msg` appears (rejects if the worker exits first or after `timeoutMs`). */
  waitFor(msg: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startWorkerProcess(args: readonly string[], env: Record<string, string> = {}): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', RUN, 'worker', ...args], { cwd: REPO_ROOT, env: { ...process.env, ARGUS_LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let gone = false;
  void exited.then(() => (gone = true));
  const lines = (msg: string): Array<Record<string, unknown>> =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => {
        try {
          return JSON.parse(l) as Record<string, unknown>;
        } catch {
          return {};
        }
      })
      .filter((l) => l['msg'] === msg);
  const waitFor = async (msg: string, timeoutMs = 30_000): Promise<Record<string, unknown>> => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const found = lines(msg)[0];
      if (found) return found;
      if (gone) throw new Error(`worker exited before logging "${msg}": ${out.slice(-2000)}`);
      if (Date.now() > end) throw new Error(`worker did not log "${msg}" within ${timeoutMs} ms: ${out.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, output: () => out, lines, waitFor, exited };
}
