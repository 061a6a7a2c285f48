/**
 * A signed package of shared material (requests between agencies): any plain files, with a manifest.json in the
 * evidence format (`argus-evidence-manifest/1`: the SHA-256 of every file) that also names what was shared, to whom
 * and until when (`share`), signed by the evidence key in manifest.sig. `argus evidence verify` (verifyEvidence)
 * checks it like any evidence package. Written into a temporary folder and renamed into place.
 */
import { copyFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ArgusError } from '../core/errors.js';
import type { EvidenceKeyPair } from './keys.js';
import { canonicalJson, hashFile, isPlainFileName, MANIFEST_FILE, MANIFEST_FORMAT, sha256Hex, SIGNATURE_FILE, signatureBytes, type ManifestEntry } from './manifest.js';
import { TEMP_DIR_PREFIX } from './verify.js';

/** One file of the package: its bytes, or a file on disk copied in. */
export type PackageInput = { readonly name: string; readonly content: Uint8Array } | { readonly name: string; readonly from: string };

export interface SignedPackage {
  readonly dir: string;
  /** SHA-256 of manifest.json. */
  readonly manifestSha256: string;
  readonly files: readonly ManifestEntry[];
}

/**
 * Writes `files` into `dir` (which must not exist yet) with manifest.json (`subject` names the package: the
 * manifest's `violationId` field, kept for the verifier; `share`: the request, reason, legal basis, approver, expiry)
 * and its Ed25519 signature.
 */
export async function writeSharePackage(dir: string, subject: string, share: Record<string, unknown>, files: readonly PackageInput[], keys: EvidenceKeyPair, createdAt = new Date()): Promise<SignedPackage> {
  const names = new Set<string>();
  for (const f of files) {
    if (!isPlainFileName(f.name) || names.has(f.name)) throw new ArgusError('invalid_argument', `cannot put "${f.name}" in a package`);
    names.add(f.name);
  }
  const tmp = join(dirname(dir), `${TEMP_DIR_PREFIX}${subject}-${process.pid}-${Date.now()}`);
  await mkdir(tmp, { recursive: true });
  try {
    const entries: ManifestEntry[] = [];
    for (const f of files) {
      const path = join(tmp, f.name);
      if ('content' in f) await writeFile(path, f.content);
      else await copyFile(f.from, path);
      entries.push({ path: f.name, ...(await hashFile(path)) });
    }
    entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const manifest = Buffer.from(canonicalJson({ format: MANIFEST_FORMAT, violationId: subject, createdAt: createdAt.toISOString(), algorithm: 'sha256', share, files: entries }), 'utf8');
    await writeFile(join(tmp, MANIFEST_FILE), manifest);
    await writeFile(join(tmp, SIGNATURE_FILE), signatureBytes(manifest, keys.privateKey, keys.publicKey));
    await rename(tmp, dir);
    return { dir, manifestSha256: sha256Hex(manifest), files: entries };
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e instanceof ArgusError ? e : new ArgusError('io_failed', `cannot write the package ${dir}`, { cause: e });
  }
}
