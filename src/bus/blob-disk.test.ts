import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isArgusError } from '../core/errors.js';
import { DiskBlobStore } from './blob-disk.js';
import { runBlobStoreConformance } from './testing/blob-conformance.js';

runBlobStoreConformance('local disk', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'argus-blobs-'));
  return { store: new DiskBlobStore(dir), dispose: () => rm(dir, { recursive: true, force: true }) };
});

describe('the local-disk blob store', () => {
  it('hashes a file put under its own path without copying it (evidence written in place)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'argus-blobs-'));
    try {
      const store = new DiskBlobStore(dir);
      await mkdir(join(dir, 'v1'));
      await writeFile(join(dir, 'v1', 'manifest.json'), '{"files":[]}\n');
      const ref = await store.putFile('v1/manifest.json', join(dir, 'v1', 'manifest.json'));
      expect([ref.bytes, store.pathOf('v1/manifest.json')]).toEqual([13, join(dir, 'v1', 'manifest.json')]);
      expect(await readFile(join(dir, 'v1', 'manifest.json'), 'utf8')).toBe('{"files":[]}\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('does not follow a link out of its folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'argus-blobs-'));
    const outside = await mkdtemp(join(tmpdir(), 'argus-outside-'));
    try {
      await writeFile(join(outside, 'secret.txt'), 'not yours');
      await symlink(outside, join(dir, 'link'));
      const store = new DiskBlobStore(dir);
      await expect(store.get('link/secret.txt')).rejects.toSatisfy((e) => isArgusError(e, 'forbidden'));
      await expect(store.put('link/new.jpg', Uint8Array.from([1]))).rejects.toSatisfy((e) => isArgusError(e, 'forbidden'));
    } finally {
      await rm(dir, { recursive: true, force: true });
      await rm(outside, { recursive: true, force: true });
    }
  });
});
