/**
 * Evidence packages of the scaled mode stay in the NATS object store (`argus-evidence`, one object per file under
 * the package key, as the worker put them). A replica that must serve one copies it into its own
 * `<data>/evidence/<key>` on first need, checked on the way: manifest.json must hash to the manifest digest the
 * violation was stored with, each file it lists must match its entry (the object store's digest and the bytes
 * both, blob-nats.ts), and the package appears at once (written aside, then renamed). The evidence routes then serve
 * it from disk as on the single box, with the same permissions and audit.
 */
import { createHash } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { BlobStore } from '../../bus/blobs.js';
import { ArgusError } from '../../core/errors.js';
import { ulid } from '../../core/ids.js';
import { MANIFEST_FILE, parseManifest, SIGNATURE_FILE } from '../../evidence/manifest.js';
import { PACKAGE_FILE } from '../evidence-files.js';

export type EvidenceMaterialiser = (storedPath: string, manifestSha256: string) => Promise<void>;

const exists = (p: string): Promise<boolean> => stat(p).then(() => true, () => false);

export function evidenceMaterialiser(blobs: Pick<BlobStore, 'get'>, evidenceRoot: string): EvidenceMaterialiser {
  const root = resolve(evidenceRoot);
  const pending = new Map<string, Promise<void>>();
  const copy = async (key: string, manifestSha256: string): Promise<void> => {
    const dir = join(root, key);
    if (await exists(dir)) return;
    const manifestBytes = await blobs.get(`${key}/${MANIFEST_FILE}`);
    if (!manifestBytes) return; // not in the object store either: the route answers 404
    const digest = createHash('sha256').update(manifestBytes).digest('hex');
    if (manifestSha256 && digest !== manifestSha256) throw new ArgusError('checksum_mismatch', `evidence ${key}: manifest.json is not the one stored with the violation`);
    const manifest = parseManifest(Buffer.from(manifestBytes));
    if (!manifest) throw new ArgusError('checksum_mismatch', `evidence ${key}: manifest.json is not a well-formed manifest`);
    const tmp = join(root, `.incoming-${key}-${ulid()}`);
    await mkdir(tmp, { recursive: true });
    try {
      await writeFile(join(tmp, MANIFEST_FILE), manifestBytes);
      for (const f of manifest.files) {
        const bytes = await blobs.get({ key: `${key}/${f.path}`, sha256: f.sha256, bytes: f.bytes });
        if (!bytes) throw new ArgusError('not_found', `evidence ${key}: ${f.path} is missing from the object store`);
        await writeFile(join(tmp, f.path), bytes);
      }
      // The signature is checked against the manifest by whoever verifies the package (argus evidence verify).
      const sig = await blobs.get(`${key}/${SIGNATURE_FILE}`);
      if (sig) await writeFile(join(tmp, SIGNATURE_FILE), sig);
      await rename(tmp, dir).catch(async (e: unknown) => {
        if (!(await exists(dir))) throw e; // another request made it meanwhile: theirs is the same package
      });
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  };
  return async (storedPath, manifestSha256) => {
    // Only a package key as the consumer stores it (one plain name): anything else is not ours to fetch.
    if (!PACKAGE_FILE.test(storedPath)) return;
    let p = pending.get(storedPath);
    if (!p) {
      p = copy(storedPath, manifestSha256).finally(() => pending.delete(storedPath));
      pending.set(storedPath, p);
    }
    await p;
  };
}
