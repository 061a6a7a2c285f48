import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../store/sqlite/index.js';
import { pruneRecordings, retentionFromConfig, statfsProbe, type DiskProbe } from './recordings.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const name = (ms: number): string => `${new Date(ms).toISOString().replace(/[-:]/g, '').slice(0, 15)}Z.mp4`;

/** `<root>/<cam>/<segment>` files of `bytes` each, at the given ages (ms before NOW). */
async function tree(layout: Record<string, number[]>, bytes = 1000): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'argus-ret-'));
  dirs.push(root);
  for (const [cam, ages] of Object.entries(layout)) {
    await mkdir(join(root, cam), { recursive: true });
    for (const age of ages) await writeFile(join(root, cam, name(NOW - age)), Buffer.alloc(bytes));
  }
  return root;
}
const files = async (root: string, cam: string): Promise<string[]> => (await readdir(join(root, cam))).sort();

describe('pruneRecordings', () => {
  it('deletes segments older than the retention, but never the newest of a camera nor other files', async () => {
    const root = await tree({ a: [40 * DAY, 31 * DAY, 2 * DAY], b: [35 * DAY] });
    await writeFile(join(root, 'a', 'notes.txt'), 'kept');
    const r = await pruneRecordings(root, { retentionDays: 30 }, NOW);
    expect(r.deleted.map((s) => s.file)).toEqual([name(NOW - 40 * DAY), name(NOW - 31 * DAY)]);
    expect(await files(root, 'a')).toEqual([name(NOW - 2 * DAY), 'notes.txt']);
    expect(await files(root, 'b')).toEqual([name(NOW - 35 * DAY)]); // old, but the newest of camera b
    expect(r.spacePressure).toBe(false);
  });

  it('frees space oldest first across cameras while the disk reports less free than the minimum ratio', async () => {
    const root = await tree({ a: [50_000, 30_000, 10_000], b: [40_000, 20_000, 5_000] });
    const probed: string[] = [];
    // A disk of 100 000 bytes with 7 500 free; 10 % must stay free: 3 segments of 1 000 bytes must go.
    const disk: DiskProbe = (p) => {
      probed.push(p);
      return Promise.resolve({ freeBytes: 7_500, totalBytes: 100_000 });
    };
    const r = await pruneRecordings(root, { minFreeRatio: 0.1 }, NOW, disk);
    expect(probed).toEqual([root]);
    expect(r.deleted.map((s) => `${s.cameraId}/${s.file}`)).toEqual([`a/${name(NOW - 50_000)}`, `b/${name(NOW - 40_000)}`, `a/${name(NOW - 30_000)}`]);
    expect(r.freeBytes).toBe(10_500);
    expect(r.spacePressure).toBe(true);
    expect(r.stillOver).toBe(false);
  });

  it('says it is still over when only the newest segments are left', async () => {
    const root = await tree({ a: [3000, 2000], b: [1000] });
    const r = await pruneRecordings(root, { quotaBytes: 500 }, NOW);
    expect(r.deleted).toHaveLength(1);
    expect(r.stillOver).toBe(true);
    expect(r.totalBytes).toBe(2000);
  });

  it('reads the real free space of the file system with statfs', async () => {
    const s = await statfsProbe(tmpdir());
    expect(s!.totalBytes).toBeGreaterThan(0);
    expect(s!.freeBytes).toBeGreaterThan(0);
    expect(s!.freeBytes).toBeLessThanOrEqual(s!.totalBytes);
    expect(await statfsProbe(join(tmpdir(), 'argus-no-such-dir-x'))).toBeNull();
  });
});

describe('retentionFromConfig', () => {
  it('applies the quota in GB of the config section, and raises one disk alert', async () => {
    const root = await tree({ a: [3000, 2000, 1000] }, 400);
    const alerts: Array<{ kind: string; severity: string; payload: unknown }> = [];
    const svc = retentionFromConfig(
      { retentionDays: 30, quotaGb: 0.000_000_5, minFreeDiskPct: 0, checkEveryMin: 5 },
      root,
      { raiseAlert: (a) => { alerts.push(a); return Promise.resolve({ ...a, id: 'x', atMs: a.atMs ?? 0 }); } },
    );
    const r = await svc.runOnce(NOW);
    expect(r!.deleted.map((s) => s.file)).toEqual([name(NOW - 3000), name(NOW - 2000)]);
    expect(alerts.map((a) => [a.kind, a.severity])).toEqual([['disk_full', 'warning']]);
    await svc.runOnce(NOW + 1000); // still pressed? no: under the quota now, and at most one alert an hour anyway
    expect(alerts).toHaveLength(1);
  });

  it('prunes plate crops by the same age in the same pass, and never the evidence beside them', async () => {
    const data = await mkdtemp(join(tmpdir(), 'argus-ret-data-'));
    dirs.push(data);
    const root = join(data, 'recordings');
    await mkdir(join(data, 'crops', '2026-10-01'), { recursive: true });
    await mkdir(join(data, 'crops', '2026-11-21'), { recursive: true });
    await writeFile(join(data, 'crops', '2026-10-01', 's-old.jpg'), 'old crop');
    await writeFile(join(data, 'crops', '2026-11-21', 's-new.jpg'), 'new crop');
    await mkdir(join(data, 'evidence', '2026-10-01'), { recursive: true });
    await writeFile(join(data, 'evidence', '2026-10-01', 'composite.jpg'), 'evidence');
    const svc = retentionFromConfig({ retentionDays: 30, minFreeDiskPct: 0, checkEveryMin: 5 }, root, { raiseAlert: () => Promise.reject(new Error('no alert expected')) }, undefined, join(data, 'crops'));
    expect(await svc.runOnce(NOW)).not.toBeNull();
    expect(await readdir(join(data, 'crops'))).toEqual(['2026-11-21']);
    expect(await readdir(join(data, 'evidence', '2026-10-01'))).toEqual(['composite.jpg']);
  });

  it("prunes the store's heatmap buckets by the same age in the same pass", async () => {
    const data = await mkdtemp(join(tmpdir(), 'argus-ret-heat-'));
    dirs.push(data);
    const store = await openSqliteStore({ path: join(data, 'argus.db') });
    try {
      const b = (id: string, startMs: number) => ({ id, cameraId: 'c', bucketStartMs: startMs, bucketMs: 300_000, cls: 'person', cols: 1, rows: 1, cells: [1], seconds: 300, objectSeconds: 1, maxCount: 1 });
      await store.insertHeatmapBuckets([b('old', NOW - 31 * DAY), b('new', NOW - 29 * DAY)]);
      const svc = retentionFromConfig({ retentionDays: 30, minFreeDiskPct: 0, checkEveryMin: 5 }, join(data, 'recordings'), { raiseAlert: () => Promise.reject(new Error('no alert expected')) }, undefined, undefined, store);
      expect(await svc.runOnce(NOW)).not.toBeNull();
      expect((await store.heatmapWindow({ cameraId: 'c', cls: 'person', fromMs: 0, toMs: NOW })).buckets.map((x) => x.startMs)).toEqual([NOW - 29 * DAY]);
    } finally {
      await store.close();
    }
  });
});
