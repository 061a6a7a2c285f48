import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { ArgusError } from '../core/errors.js';

/**
 * Process edges of the video layer: spawning ffmpeg/ffprobe with bounded stderr capture, stopping them
 * (SIGTERM, then SIGKILL) without leaving zombies, and the capped exponential backoff used for reconnects.
 */

export interface BackoffPolicy {
  /** First retry delay (ms). */
  readonly initialMs: number;
  /** Cap (ms). */
  readonly maxMs: number;
  /** Growth per consecutive failure. */
  readonly factor: number;
  /** A run that stayed healthy this long resets the failure count (ms). */
  readonly resetAfterMs: number;
  /** ± fraction of random spread, so a thousand cameras do not reconnect in lock-step (0 = none). */
  readonly jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 30_000, factor: 2, resetAfterMs: 60_000, jitter: 0.2 };

/** Delay before retry number `failures` (1 = first failure). Pure given `random`. */
export function backoffDelayMs(policy: BackoffPolicy, failures: number, random: () => number = Math.random): number {
  const n = Math.max(1, failures);
  const base = Math.min(policy.maxMs, policy.initialMs * policy.factor ** (n - 1));
  const spread = base * policy.jitter * (random() * 2 - 1);
  return Math.max(0, Math.min(policy.maxMs, Math.round(base + spread)));
}

/** How a process ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ManagedProcess {
  readonly pid: number | undefined;
  readonly stdout: Readable;
  /** Present when spawned with `stdin: true`. */
  readonly stdin: Writable | null;
  /** Resolves once the process has exited and its pipes are closed (never rejects). */
  readonly exited: Promise<ProcessExit>;
  /** The last stderr lines (bounded). */
  stderrTail(): string[];
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. Idempotent. */
  stop(graceMs?: number): Promise<ProcessExit>;
  /** Spawn failure (e.g. ffmpeg missing), if any. */
  spawnError(): ArgusError | undefined;
}

export interface SpawnOptions {
  /** Called for every complete stderr line (already bounded to 500 characters). */
  readonly onStderrLine?: (line: string) => void;
  /** How many stderr lines to keep for error reports (default 40). */
  readonly keepLines?: number;
  /** Pipe for stdin (the writer feeds frames); default ignored. */
  readonly stdin?: boolean;
  /**
   * Start it as the leader of its own process group, and end the whole group on the SIGKILL of `stop` (default
   * false). For a command that runs its real work as a child (`endingWithParent`'s relay): a terminal's Ctrl-C then
   * reaches only Argus, which stops the process itself, and the escalation cannot leave the child behind.
   */
  readonly ownGroup?: boolean;
}

const MAX_LINE = 500;

/** Split a stream of text chunks into bounded lines. */
export function lineSplitter(onLine: (line: string) => void): { push(chunk: string): void; flush(): void } {
  let partial = '';
  return {
    push(chunk: string) {
      const parts = (partial + chunk).split(/\r?\n|\r/);
      partial = (parts.pop() ?? '').slice(-4 * MAX_LINE);
      for (const p of parts) if (p !== '') onLine(p.slice(0, MAX_LINE));
    },
    flush() {
      if (partial !== '') onLine(partial.slice(0, MAX_LINE));
      partial = '';
    },
  };
}

export function spawnManaged(
  command: string,
  args: readonly string[],
  opts: SpawnOptions = {},
): ManagedProcess {
  const keep = opts.keepLines ?? 40;
  const tail: string[] = [];
  let failure: ArgusError | undefined;
  const child = spawn(command, args, { stdio: [opts.stdin === true ? 'pipe' : 'ignore', 'pipe', 'pipe'], detached: opts.ownGroup === true });
  const { stdout, stderr } = child;
  if (stdout === null || stderr === null) throw new ArgusError('io_failed', `cannot open pipes to ${command}`);
  const lines = lineSplitter((line) => {
    tail.push(line);
    if (tail.length > keep) tail.shift();
    opts.onStderrLine?.(line);
  });
  stderr.setEncoding('utf8');
  stderr.on('data', (chunk: string) => lines.push(chunk));
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('error', (err: NodeJS.ErrnoException) => {
      failure =
        err.code === 'ENOENT'
          ? new ArgusError('ffmpeg_missing', `${command} was not found on PATH: install ffmpeg (apt-get install ffmpeg)`, { cause: err })
          : new ArgusError('io_failed', `cannot start ${command}: ${err.message}`, { cause: err });
      // 'close' still follows an 'error' from spawn, but not always for other errors: settle here too.
      if (child.pid === undefined) resolve({ code: null, signal: null });
    });
    child.once('close', (code, signal) => {
      lines.flush();
      resolve({ code, signal });
    });
  });
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopping: Promise<ProcessExit> | undefined;
  const stop = (graceMs = 2000): Promise<ProcessExit> => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        child.kill('SIGTERM');
        // A blocked write to a paused pipe would keep ffmpeg from seeing SIGTERM: drain our end.
        stdout.resume();
        if (!(await settlesWithin(gone, graceMs))) killHard(child.pid, opts.ownGroup === true, () => child.kill('SIGKILL'));
      }
      // A grandchild holding the pipes open must not hold us: once the process is gone, close our ends.
      if (!(await settlesWithin(exited, 1000))) {
        stdout.destroy();
        stderr.destroy();
      }
      return exited;
    })();
    return stopping;
  };
  return {
    pid: child.pid,
    stdout,
    stdin: child.stdin,
    exited,
    stderrTail: () => [...tail],
    stop,
    spawnError: () => failure,
  };
}

/** SIGKILL to the process, or to its whole group when it leads one (already gone: nothing to do). */
function killHard(pid: number, group: boolean, single: () => void): void {
  if (!group) return single();
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    single(); // the group is gone already: at most the leader is left to reap
  }
}

/** Whether `p` settles within `ms`. */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = await Promise.race([p.then(() => true as const), timeout]);
  clearTimeout(timer);
  return settled;
}

/** A sleep that `cancel()` ends early (returns false when cancelled). */
export function cancellableSleep(ms: number): { done: Promise<boolean>; cancel(): void } {
  let resolveFn: (v: boolean) => void = () => undefined;
  const done = new Promise<boolean>((resolve) => {
    resolveFn = resolve;
  });
  const timer = setTimeout(() => resolveFn(true), ms);
  return {
    done,
    cancel() {
      clearTimeout(timer);
      resolveFn(false);
    },
  };
}

let setpriv: string | null | undefined;

/** The first executable `name` on PATH, or null. */
function onPath(name: string): string | null {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      continue; // not in this folder
    }
  }
  return null;
}

/**
 * A POSIX sh that runs its arguments as a child, forwards the first SIGTERM/SIGINT it gets to that child (and only
 * the first), and exits with the child's status. ffmpeg treats a second signal as "abort all I/O now", and the
 * kernel sends a parent-death signal once for every thread of the dying parent that the child is handed to on the
 * way out (a SIGKILLed Node process ends thread by thread): signalled directly, ffmpeg saw two SIGTERMs about half
 * of the time and left its open segment without a trailer. The relay is single-threaded, so its own child gets
 * exactly one.
 */
const RELAY = [
  'c=; t=',
  'trap \'[ -z "$t" ] && t=1 && [ -n "$c" ] && kill -TERM "$c" 2>/dev/null\' TERM INT',
  '"$@" <&0 & c=$!',
  '[ -n "$t" ] && kill -TERM "$c" 2>/dev/null',
  'while :; do wait "$c"; s=$?; kill -0 "$c" 2>/dev/null || exit "$s"; done',
].join('\n');

/** How to start a command: what `spawnManaged` runs, and whether it leads its own process group. */
export interface SpawnSpec {
  readonly command: string;
  readonly args: string[];
  readonly ownGroup: boolean;
}

/**
 * The command that runs `command` so that it ends when this process dies, even by SIGKILL, and finishes what it
 * writes: on Linux, util-linux's `setpriv --pdeathsig` around a one-signal relay (`RELAY`), which runs `command`
 * under a parent-death SIGTERM of its own. For the ffmpeg runs that write files, not a pipe (the recorder, the HLS
 * muxer): without it they outlive a killed Argus — a recorder until its segment ends, a live muxer for ever — pulling
 * the camera beside the restarted service's own. Elsewhere: the command as is. Start it with `ownGroup` as returned.
 */
export function endingWithParent(command: string, args: readonly string[]): SpawnSpec {
  setpriv ??= process.platform === 'linux' ? onPath('setpriv') : null;
  if (!setpriv) return { command, args: [...args], ownGroup: false };
  return {
    command: setpriv,
    args: ['--pdeathsig', 'KILL', '--', '/bin/sh', '-c', RELAY, 'argus-relay', setpriv, '--pdeathsig', 'TERM', '--', command, ...args],
    ownGroup: true,
  };
}
