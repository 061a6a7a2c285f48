/**
 * Retention inside the running service, on a disk that really fills: a small tmpfs mounted as the data
 * directory (needs root; skipped with the reason otherwise) filled with copies of a real recorded segment until
 * the kernel says ENOSPC, and — everywhere — a quota on the ordinary disk. The service's own RetentionService
 * (started by buildServer) must prune oldest first, keep the newest segment of each camera, leave the evidence
 * untouched, and raise a `disk_full` alert that is stored and pushed live.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, statfs, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, type RecordingsConfig } from '../src/config/schema.js';
import { startTestServer, TestClient, type TestServer } from '../src/server/testing/harness.js';
import { segmentStartMs } from '../src/video/segment-names.js';
import { video } from './assets.js';
import { sse, waitFor } from './sse-client.js';

const cleanup: Array<() => Promise<void>> = [];
let work = '';
let segment = '';
let still = '';

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'argus-retention-'));
  cleanup.push(() => rm(work, { recursive: true, force: true }));
  // A real 2 s segment (stream copy of a road video, ~220 kB) and a real still.
  segment = join(work, 'segment.mp4');
  execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-i', video('intel_car-detection.mp4'), '-t', '2', '-c', 'copy', segment]);
  still = join(work, 'moment.jpg');
  execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-i', video('intel_car-detection.mp4'), '-frames:v', '1', still]);
});
afterAll(async () => {
  for (const f of cleanup.reverse()) await f();
});

/** Mounts a tmpfs of `mb` MB at a fresh folder, or says why it cannot. */
function mountTmpfs(mb: number): { dir: string; unmount: () => Promise<void> } | { why: string } {
  const dir = join(tmpdir(), `argus-tmpfs-${process.pid}-${Date.now()}`);
  execFileSync('mkdir', ['-p', dir]);
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${mb}m,mode=0755`, 'argus-test', dir], { encoding: 'utf8' });
  if (r.status !== 0) {
    execFileSync('rmdir', [dir]);
    return { why: (r.stderr || r.error?.message || 'mount failed').trim() };
  }
  return {
    dir,
    unmount: async () => {
      spawnSync('umount', [dir]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
const probeMount = process.getuid?.() === 0 ? mountTmpfs(1) : { why: 'not root: cannot mount a tmpfs' };
if ('dir' in probeMount) await probeMount.unmount();
const tmpfsWhy = 'why' in probeMount ? probeMount.why : undefined;

const segName = (ms: number): string => `${new Date(ms).toISOString().replace(/[-:]/g, '').slice(0, 15)}Z.mp4`;
const sha = async (f: string): Promise<string> => createHash('sha256').update(await readFile(f)).digest('hex');

interface Written { readonly cam: string; readonly file: string; readonly startMs: number }

/** Copies the real segment into cam-a / cam-b, one minute apart, alternating, until `stop` says so (or the disk is full). */
async function fill(recDir: string, stop: (n: number) => boolean): Promise<{ written: Written[]; enospc: boolean }> {
  const written: Written[] = [];
  const t0 = Date.UTC(2026, 10, 20, 0, 0, 0);
  for (const cam of ['cam-a', 'cam-b']) await mkdir(join(recDir, cam), { recursive: true });
  for (let i = 0; !stop(i); i++) {
    const cam = i % 2 === 0 ? 'cam-a' : 'cam-b';
    const file = segName(t0 + i * 60_000);
    try {
      await copyFile(segment, join(recDir, cam, file));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
      await unlink(join(recDir, cam, file)).catch(() => undefined); // the torn last write, as a crashed writer leaves it
      return { written, enospc: true };
    }
    written.push({ cam, file, startMs: t0 + i * 60_000 });
  }
  return { written, enospc: false };
}

/** Evidence of a violation (real files), with their hashes. */
async function writeEvidence(dataDir: string): Promise<Map<string, string>> {
  const dir = join(dataDir, 'evidence', 'v-01');
  await mkdir(dir, { recursive: true });
  await copyFile(segment, join(dir, 'clip.mp4'));
  await copyFile(still, join(dir, '2-moment.jpg'));
  const hashes = new Map<string, string>();
  for (const f of await readdir(dir)) hashes.set(f, await sha(join(dir, f)));
  return hashes;
}

async function startService(dataDir: string, recordings: Partial<RecordingsConfig>): Promise<{ t: TestServer; live: ReturnType<typeof sse> }> {
  const config = configSchema.parse({ version: 1, sites: [{ id: 'dn', name: 'Công an thành phố Đà Nẵng' }], recordings });
  const t = await startTestServer('sqlite', { config, footage: { dataDir } });
  cleanup.push(() => t.dispose());
  const admin = await TestClient.login(t.url, 'admin');
  const live = sse(`${t.url}/api/live`, admin.cookie);
  cleanup.push(() => Promise.resolve(live.close()));
  return { t, live };
}

/** What is left of the written segments; checks oldest-first and the newest of each camera. */
async function checkPruned(recDir: string, written: readonly Written[]): Promise<{ deleted: Written[]; kept: Written[] }> {
  const present = new Set<string>();
  for (const cam of ['cam-a', 'cam-b']) for (const f of await readdir(join(recDir, cam))) present.add(`${cam}/${f}`);
  const kept = written.filter((w) => present.has(`${w.cam}/${w.file}`));
  const deleted = written.filter((w) => !present.has(`${w.cam}/${w.file}`));
  expect(deleted.length).toBeGreaterThan(0);
  for (const cam of ['cam-a', 'cam-b']) {
    const mine = written.filter((w) => w.cam === cam);
    expect(present.has(`${cam}/${mine[mine.length - 1]!.file}`)).toBe(true); // the newest survives
  }
  const newest = new Set(['cam-a', 'cam-b'].map((cam) => written.filter((w) => w.cam === cam).at(-1)!.file));
  const oldestKept = Math.min(...kept.filter((w) => !newest.has(w.file)).map((w) => w.startMs), Number.POSITIVE_INFINITY);
  const newestDeleted = Math.max(...deleted.map((w) => w.startMs));
  expect(newestDeleted).toBeLessThan(oldestKept); // every deleted segment is older than every kept one
  for (const w of kept) expect(segmentStartMs(w.file)).toBe(w.startMs);
  return { deleted, kept };
}

async function expectAlert(t: TestServer, live: ReturnType<typeof sse>): Promise<Record<string, unknown>> {
  const pushed = await waitFor('a disk_full alert on the live stream', () => live.messages.find((m) => m.event === 'alert' && m.data.kind === 'disk_full'), 15_000);
  const stored = (await t.store.listAlerts({})).items.filter((a) => a.kind === 'disk_full');
  expect(stored).toHaveLength(1);
  expect(stored[0]!.id).toBe(pushed.data.id);
  return stored[0]!.payload as Record<string, unknown>;
}

describe('retention in the running service', () => {
  it.skipIf(tmpfsWhy !== undefined)(`prunes a really full disk (tmpfs) down to the free-space minimum${tmpfsWhy ? ` — skipped: ${tmpfsWhy}` : ''}`, async () => {
    const mount = mountTmpfs(8);
    if (!('dir' in mount)) throw new Error(mount.why);
    const dataDir = mount.dir;
    const { t, live } = await startService(dataDir, { minFreeDiskPct: 25, checkEveryMin: 0.02 }); // a pass every 1.2 s
    cleanup.push(mount.unmount);
    const evidence = await writeEvidence(dataDir);
    const recDir = join(dataDir, 'recordings');
    const { written, enospc } = await fill(recDir, (n) => n > 200);
    expect(enospc).toBe(true); // the disk really was full
    const payload = await expectAlert(t, live);
    const { deleted } = await checkPruned(recDir, written);
    expect(payload['deleted']).toBeGreaterThan(0);
    expect(payload['deleted']).toBeLessThanOrEqual(deleted.length);
    const fs = await statfs(dataDir);
    expect((fs.bavail * fs.bsize) / (fs.blocks * fs.bsize)).toBeGreaterThanOrEqual(0.25);
    for (const [f, h] of evidence) expect(await sha(join(dataDir, 'evidence', 'v-01', f))).toBe(h);
  }, 60_000);

  it('prunes to the quota on an ordinary disk', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'argus-retention-quota-'));
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    const bytes = 12 * (await readFile(segment)).length;
    const quotaGb = (bytes * 0.4) / 1e9;
    const { t, live } = await startService(dataDir, { quotaGb, minFreeDiskPct: 0, checkEveryMin: 0.02 });
    const evidence = await writeEvidence(dataDir);
    const recDir = join(dataDir, 'recordings');
    const { written } = await fill(recDir, (n) => n >= 12);
    const payload = await expectAlert(t, live);
    const { kept } = await checkPruned(recDir, written);
    expect(kept.length * (bytes / 12)).toBeLessThanOrEqual(quotaGb * 1e9);
    expect(payload['quotaBytes']).toBe(Math.round(quotaGb * 1e9));
    for (const [f, h] of evidence) expect(await sha(join(dataDir, 'evidence', 'v-01', f))).toBe(h);
  }, 60_000);
});
