/** Tests only: a process's ffmpeg children from /proc, and whether a process is gone (a zombie counts as gone). */
import { readdir, readFile } from 'node:fs/promises';

/** The pid of an `ffmpeg` that descends from `ancestor` (its child, or a child of its relay), if one runs. */
export async function ffmpegChildOf(ancestor: number): Promise<number | undefined> {
  const parents = new Map<number, number>();
  const ffmpegs: number[] = [];
  for (const name of await readdir('/proc')) {
    const st = /^\d+$/.test(name) ? await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '') : '';
    if (st === '') continue;
    parents.set(Number(name), Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]));
    if (st.includes('(ffmpeg)')) ffmpegs.push(Number(name));
  }
  for (const pid of ffmpegs) {
    for (let p = parents.get(pid), hops = 0; p !== undefined && p > 1 && hops < 8; p = parents.get(p), hops++) if (p === ancestor) return pid;
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
