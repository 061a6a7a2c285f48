import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cropRefOf, isJpeg, pruneCrops, removeCrop, resolveCrop, writeCrop } from './crops.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
const tmp = async (): Promise<string> => {
  const d = await mkdtemp(join(tmpdir(), 'argus-crops-'));
  dirs.push(d);
  return d;
};

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);

describe('plate crops on disk', () => {
  it('names a crop by the UTC day of the read and a hash of the sighting id with the bytes, so no two crops share a name', () => {
    const other = Uint8Array.from([...JPEG, 0]);
    expect(cropRefOf('01JDCROP000000000000000001', Date.UTC(2026, 10, 21, 23, 59, 59), JPEG)).toMatch(/^2026-11-21\/[0-9a-f]{64}\.jpg$/);
    expect(cropRefOf('../../etc/passwd', NOW, JPEG)).toMatch(/^2026-11-22\/[0-9a-f]{64}\.jpg$/);
    expect(cropRefOf('a/b', NOW, JPEG)).not.toBe(cropRefOf('a_b', NOW, JPEG));
    // The same id with other bytes (a repeated id): another file, the first one is never replaced.
    expect(cropRefOf('s-1', NOW, other)).not.toBe(cropRefOf('s-1', NOW, JPEG));
    expect(cropRefOf('s-1', NOW, JPEG)).toBe(cropRefOf('s-1', NOW, JPEG));
  });

  it('recognises JPEG data by its first bytes', () => {
    expect(isJpeg(JPEG)).toBe(true);
    expect(isJpeg(Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'))).toBe(false);
    expect(isJpeg(Uint8Array.from([0xff, 0xd8]))).toBe(false);
  });

  it('writes into a day folder again after retention (or a person) removed it: the folder is made anew', async () => {
    const root = await tmp();
    const first = await writeCrop(root, 's-a', NOW, JPEG);
    await rm(join(root, first.slice(0, 10)), { recursive: true });
    const second = await writeCrop(root, 's-b', NOW, JPEG);
    expect(second.slice(0, 10)).toBe(first.slice(0, 10));
    expect(await readFile(join(root, second))).toEqual(Buffer.from(JPEG));
  });

  it('writes the crop under its day folder, leaves no temporary file, and resolves it back', async () => {
    const root = await tmp();
    const ref = await writeCrop(root, 's-1', NOW, JPEG);
    expect(ref).toBe(cropRefOf('s-1', NOW, JPEG));
    expect(await readdir(join(root, '2026-11-22'))).toEqual([ref.slice(11)]);
    const abs = await resolveCrop(root, ref);
    expect(abs).not.toBeNull();
    expect(new Uint8Array(await readFile(abs!))).toEqual(JPEG);
  });

  it('removes only a crop file of its own shape', async () => {
    const base = await tmp();
    const root = join(base, 'crops');
    const ref = await writeCrop(root, 's-2', NOW, JPEG);
    await writeFile(join(base, 'keep.jpg'), 'keep');
    await removeCrop(root, '../keep.jpg');
    await removeCrop(root, ref);
    await removeCrop(root, ref);
    expect(await readdir(join(root, '2026-11-22'))).toEqual([]);
    expect(await readFile(join(base, 'keep.jpg'), 'utf8')).toBe('keep');
  });

  it('never resolves a reference that leads outside the root, through a link, or to anything but a crop file', async () => {
    const base = await tmp();
    const root = join(base, 'crops');
    await mkdir(join(root, '2026-11-22', 'dir.jpg'), { recursive: true });
    await writeFile(join(base, 'secret.jpg'), 'secret');
    await symlink(join(base, 'secret.jpg'), join(root, '2026-11-22', 'link.jpg'));
    await symlink(base, join(root, '2026-11-23'));
    await writeFile(join(base, 'x.jpg'), 'x');
    for (const ref of ['../secret.jpg', join(base, 'secret.jpg'), '2026-11-22/link.jpg', '2026-11-23/x.jpg', '2026-11-22/dir.jpg', '2026-11-22/missing.jpg', '2026-11-22/a.png', '', '2026-11-22/../../secret.jpg']) {
      expect(await resolveCrop(root, ref), ref).toBeNull();
    }
  });

  it('prunes whole day folders older than the retention, and nothing else', async () => {
    const root = await tmp();
    for (const ms of [NOW - 40 * DAY, NOW - 31 * DAY, NOW - 30 * DAY, NOW]) await writeCrop(root, 's', ms, JPEG);
    await mkdir(join(root, 'notes'));
    await writeFile(join(root, '2000-01-01'), 'a file, not a day folder');
    const outside = await tmp();
    await mkdir(join(outside, 'keep'));
    await symlink(join(outside, 'keep'), join(root, '2001-01-01'));
    expect(await pruneCrops(root, 30, NOW)).toEqual(['2026-10-13', '2026-10-22']);
    expect((await readdir(root)).sort()).toEqual(['2000-01-01', '2001-01-01', '2026-10-23', '2026-11-22', 'notes']);
    expect(await readdir(outside)).toEqual(['keep']);
    expect(await pruneCrops(root, 0, NOW)).toEqual([]);
    expect(await pruneCrops(join(root, 'absent'), 30, NOW)).toEqual([]);
  });
});
