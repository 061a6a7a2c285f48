/** Tests only: a process's ffmpeg children from /proc, and whether a process is gone (a zombie counts as gone). */
import { readdir, readFile } from 'node:fs/promises';

/** The pid of an `ffmpeg` whose parent is `parent`, if one runs. */
export async function ffmpegChildOf(parent: number): Promise<number | undefined> {
  for (const name of await readdir('/proc')) {
    const st = /^\d+$/.test(name) ? await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '') : '';
    if (st.includes('(ffmpeg)') && Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]) === parent) return Number(name);
  }
  return undefined;
}

export async function isGone(pid: number): Promise<boolean> {
  const st = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  return st === null || st.slice(st.lastIndexOf(')') + 2, st.lastIndexOf(')') + 3) === 'Z';
}

/** Polls `ok` every 50 ms until it holds, or throws after `maxMs`. */
export async function until(ok: () => Promise<boolean>, maxMs: number, what: string): Promise<void> {
  const end = Date.now() + maxMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`${what}: not within ${maxMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
