/**
 * A PostgreSQL instance of a test's own (initdb in a temp dir, a free port, its socket in that dir), for tests that
 * stop or restart the database: the machine's shared PostgreSQL is never touched. As root (CI, containers) the
 * server runs as the `postgres` user, as PostgreSQL requires.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../src/bus/testing/nats-server.js';

const run = promisify(execFile);

export interface PgInstance {
  readonly url: string;
  readonly port: number;
  /** `pg_ctl stop -m immediate`: as a crash (no checkpoint), clients cut off. */
  crash(): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

function binDir(): string | undefined {
  try {
    return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

/** Why an own instance cannot start here ('' when it can). */
export function pgInstanceSkipReason(): string {
  const bin = binDir();
  if (!bin) return 'pg_config not found (PostgreSQL server binaries)';
  try {
    execFileSync(join(bin, 'initdb'), ['--version']);
  } catch {
    return `initdb not runnable in ${bin}`;
  }
  if (userInfo().uid === 0) {
    try {
      execFileSync('id', ['-u', 'postgres']);
    } catch {
      return 'running as root without a postgres user';
    }
  }
  return '';
}

export async function startPgInstance(): Promise<PgInstance> {
  const bin = binDir()!;
  const dir = await mkdtemp(join(tmpdir(), 'argus-pg-'));
  const data = join(dir, 'data');
  const port = await freePort();
  const root = userInfo().uid === 0;
  const uid = root ? Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })) : undefined;
  const gid = root ? Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })) : undefined;
  if (root) {
    await chown(dir, uid!, gid!);
    await chmod(dir, 0o700);
  }
  const as = (cmd: string, args: string[]) => (root ? run('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]) : run(join(bin, cmd), args));
  await as('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
  const start = async (): Promise<void> => {
    await as('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    crash: async () => {
      await as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    },
    start,
    dispose: async () => {
      await as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
