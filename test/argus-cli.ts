/**
 * The real `argus` command for tests that run it as a user would: the built `bin/argus.js` (dist/, as `npm test`
 * builds it), or the source through tsx (no build needed). Never throws: the exit code and both outputs come back.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './assets.js';

const exec = promisify(execFile);
const BIN = join(REPO_ROOT, 'bin/argus.js');
const TSX = join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs');
const SOURCE = join(REPO_ROOT, 'src/cli/run.ts');

export interface ArgusRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly wallMs: number;
}

export async function runArgus(args: readonly string[], o: { from?: 'bin' | 'source'; timeoutMs?: number } = {}): Promise<ArgusRun> {
  const entry = o.from === 'source' ? [TSX, SOURCE] : [BIN];
  const t0 = Date.now();
  try {
    const { stdout, stderr } = await exec(process.execPath, [...entry, ...args], { timeout: o.timeoutMs ?? 300_000, maxBuffer: 1 << 24 });
    return { code: 0, stdout, stderr, wallMs: Date.now() - t0 };
  } catch (e) {
    const err = e as { code?: number | string; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '', wallMs: Date.now() - t0 };
  }
}

/** The records of a JSON Lines file (blank lines skipped). */
export async function readJsonl<T>(file: string): Promise<T[]> {
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}
