/**
 * One conformance suite for every BlobStore adapter (the local disk now; the JetStream object store runs the same):
 * what is put comes back byte for byte with its digest, a digest that does not match is refused, keys are plain
 * relative names, and put/delete behave.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isArgusError } from '../../core/errors.js';
import type { BlobStore } from '../blobs.js';

/** A fresh, empty store; `dispose` removes it. */
export type BlobStoreFactory = () => Promise<{ store: BlobStore; dispose(): Promise<void> }>;

const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, ...Array.from({ length: 500 }, (_, i) => i % 251), 0xff, 0xd9]);
const digest = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

export function runBlobStoreConformance(name: string, factory: BlobStoreFactory): void {
  describe(`BlobStore conformance: ${name}`, () => {
    const open: Array<() => Promise<void>> = [];
    const fresh = async (): Promise<BlobStore> => {
      const f = await factory();
      open.push(f.dispose);
      return f.store;
    };
    afterEach(async () => {
      for (const d of open.splice(0)) await d();
    });

    it('gives back what was put, with its SHA-256 and size, and checks it against the reference', async () => {
      const s = await fresh();
      const ref = await s.put('cam-1/01J0ABC.jpg', JPEG);
      expect(ref).toEqual({ key: 'cam-1/01J0ABC.jpg', sha256: digest(JPEG), bytes: JPEG.byteLength });
      expect(await s.get(ref)).toEqual(JPEG);
      expect(await s.get('cam-1/01J0ABC.jpg')).toEqual(JPEG);
      expect(await s.stat('cam-1/01J0ABC.jpg')).toEqual(ref);
    });

    it('refuses bytes that do not match the digest they were sent with', async () => {
      const s = await fresh();
      const ref = await s.put('a/b.jpg', JPEG);
      await s.put('a/b.jpg', Uint8Array.from([1, 2, 3]));
      await expect(s.get(ref)).rejects.toSatisfy((e) => isArgusError(e, 'checksum_mismatch'));
    });

    it('stores a file by streaming it', async () => {
      const s = await fresh();
      const dir = await mkdtemp(join(tmpdir(), 'argus-blob-src-'));
      try {
        await writeFile(join(dir, 'clip.mp4'), JPEG);
        const ref = await s.putFile('pkg/01J0XYZ/clip.mp4', join(dir, 'clip.mp4'));
        expect(ref.sha256).toBe(digest(JPEG));
        expect(await s.get(ref)).toEqual(JPEG);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('says when a key holds nothing, and deletes', async () => {
      const s = await fresh();
      expect(await s.get('none/here.jpg')).toBeUndefined();
      expect(await s.stat('none/here.jpg')).toBeUndefined();
      await s.put('x.jpg', JPEG);
      expect([await s.delete('x.jpg'), await s.delete('x.jpg')]).toEqual([true, false]);
      expect(await s.get('x.jpg')).toBeUndefined();
    });

    it.each(['../escape.jpg', 'a/../../b', '/abs/path', '.hidden', 'a//b', '', 'a\\b', 'a/.git/config'])('refuses the key %j', async (key) => {
      const s = await fresh();
      await expect(s.put(key, JPEG)).rejects.toSatisfy((e) => isArgusError(e, 'invalid_argument'));
      await expect(s.get(key)).rejects.toSatisfy((e) => isArgusError(e, 'invalid_argument'));
    });
  });
}
