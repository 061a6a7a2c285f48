/**
 * `argus serve` in a process of its own, for the benches that measure the real service from outside (api, anpr,
 * soak): started with the arguments given, resolved once it logs "Argus listening on" (at `info`: a lower log level
 * hides that line), with the tail of its output for errors.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository: the benches run from bench/ (tsx) or dist/bench/ (npm run bench). */
export const REPO = [resolve(dirname(fileURLToPath(import.meta.url)), '..'), resolve(dirname(fileURLToPath(import.meta.url)), '../..')]
  .find((d) => existsSync(join(d, 'package.json')) && existsSync(join(d, 'bin/argus.js')))!;

/** Node arguments that run the argus command: the built one when this bench is built, else the sources through tsx. */
export function argusCommand(): { args: string[]; how: string } {
  const built = fileURLToPath(import.meta.url).includes(join('dist', 'bench'));
  return built ? { args: [join(REPO, 'bin/argus.js')], how: 'node bin/argus.js' } : { args: ['--import', 'tsx', join(REPO, 'src/cli/run.ts')], how: 'node --import tsx src/cli/run.ts' };
}

export interface ServeProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** How it was started (for the figures). */
  readonly how: string;
  /** The last output (stdout and stderr). */
  tail(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, SIGKILL after `graceMs` (default 15 s); resolves when it has exited. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface ServeOptions {
  /** `serve`'s own arguments (`--port 0` is added). */
  readonly serveArgs: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** Node arguments before the argus command (e.g. `--expose-gc`, a preloaded probe); default none. */
  readonly nodeArgs?: readonly string[];
  /** Modules imported before the command, after tsx: the sources then run through tsx even from a built bench. */
  readonly preload?: readonly string[];
  /** An IPC channel to the child (default false). */
  readonly ipc?: boolean;
}

export async function startServeProcess(o: ServeOptions): Promise<ServeProcess> {
  const preload = (o.preload ?? []).flatMap((m) => ['--import', m]);
  const cmd = preload.length > 0 ? { args: ['--import', 'tsx', ...preload, join(REPO, 'src/cli/run.ts')], how: 'node --import tsx src/cli/run.ts' } : argusCommand();
  const child = spawn(process.execPath, [...(o.nodeArgs ?? []), ...cmd.args, 'serve', ...o.serveArgs, '--port', '0'], {
    cwd: REPO, env: { ...process.env, ARGUS_LOG_LEVEL: 'info', ...o.env }, stdio: ['ignore', 'pipe', 'pipe', ...(o.ipc ? (['ipc'] as const) : [])],
  });
  let out = '';
  const keep = (d: Buffer): void => void (out = (out + d.toString()).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.once('exit', (code, signal) => res({ code, signal })));
  const url = await new Promise<string>((res, rej) => {
    const timer = setInterval(() => {
      const m = /Argus listening on (http:\/\/[\d.:]+)/.exec(out);
      if (m?.[1]) {
        clearInterval(timer);
        res(m[1]);
      }
    }, 50);
    void exited.then(({ code }) => {
      clearInterval(timer);
      rej(new Error(`argus serve exited (${code}) before listening: ${out.slice(-2000)}`));
    });
  });
  return {
    child, url, how: cmd.how, tail: () => out, exited,
    async stop(graceMs = 15_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const r = await exited;
      clearTimeout(timer);
      return r;
    },
  };
}
