/**
 * Disk use for /metrics: bytes under the data folders (recordings, evidence, crops) and the free space of the
 * file system that holds them. Walking a recordings folder of a month is not free, so a walk is kept for `ttlMs`
 * and a scrape that finds it stale gets the last figures while one walk (never two) runs.
 */
import { readdir, stat, statfs } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface DiskFigures {
  /** Bytes under each folder (absent folder: 0). */
  readonly used: Readonly<Record<string, number>>;
  readonly freeBytes: number | null;
  readonly sizeBytes: number | null;
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += await folderBytes(p);
    else if (e.isFile()) total += (await stat(p).catch(() => null))?.size ?? 0;
  }
  return total;
}

/** The file system of `dir`, or of its nearest existing parent (a data folder not created yet). */
async function statfsNearest(dir: string): Promise<{ bavail: number; bsize: number; blocks: number } | null> {
  for (let d = dir; ; d = dirname(d)) {
    const fs = await statfs(d).catch(() => null);
    if (fs || dirname(d) === d) return fs;
  }
}

export class DiskUse {
  private last: DiskFigures | undefined;
  private atMs = 0;
  private walking: Promise<DiskFigures> | undefined;

  constructor(private readonly root: string, private readonly folders: readonly string[], private readonly ttlMs = 30_000) {}

  async figures(): Promise<DiskFigures> {
    if (this.last && Date.now() - this.atMs < this.ttlMs) return this.last;
    this.walking ??= this.walk().finally(() => (this.walking = undefined));
    return this.last ?? (await this.walking);
  }

  private async walk(): Promise<DiskFigures> {
    const used: Record<string, number> = {};
    for (const f of this.folders) used[f] = await folderBytes(join(this.root, f));
    const fs = await statfsNearest(this.root);
    this.last = { used, freeBytes: fs ? fs.bavail * fs.bsize : null, sizeBytes: fs ? fs.blocks * fs.bsize : null };
    this.atMs = Date.now();
    return this.last;
  }
}
