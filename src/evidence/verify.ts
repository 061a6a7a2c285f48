import { verify as edVerify, type KeyObject } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ArgusError } from '../core/errors.js';
import { keyIdOf, parsePublicKey } from './keys.js';
import { hashFile, MANIFEST_FILE, parseManifest, parseSignature, SIGNATURE_FILE, type Manifest } from './manifest.js';
import type { EvidenceProblem, VerifyResult } from './types.js';

/** Prefix of the temporary directories the writer renames into place (skipped when verifying a parent). */
export const TEMP_DIR_PREFIX = '.tmp-';

const isErrno = (e: unknown, code: string): boolean => (e as NodeJS.ErrnoException | undefined)?.code === code;

async function readOptional(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return undefined;
    if (isErrno(e, 'EISDIR')) return Buffer.alloc(0);
    throw new ArgusError('io_failed', `cannot read ${path}`, { cause: e });
  }
}

async function listDir(dir: string): Promise<Map<string, boolean>> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return new Map(entries.map((e) => [e.name, e.isFile()]));
  } catch (e) {
    if (isErrno(e, 'ENOENT') || isErrno(e, 'ENOTDIR')) throw new ArgusError('not_found', `no evidence directory at ${dir}`, { cause: e });
    throw new ArgusError('io_failed', `cannot list ${dir}`, { cause: e });
  }
}

const toKey = (k: KeyObject | string | Buffer): KeyObject => (typeof k === 'string' || Buffer.isBuffer(k) ? parsePublicKey(k) : k);

/** Checks manifest.sig over the manifest bytes; returns the key id named and whether it holds. */
function checkSignature(manifest: Buffer, sigBytes: Buffer, trusted: KeyObject | undefined): { keyId?: string; ok: boolean } {
  const sig = parseSignature(sigBytes);
  if (!sig) return { ok: false };
  let key: KeyObject;
  if (trusted) {
    key = trusted;
  } else {
    try {
      key = parsePublicKey(sig.publicKeyPem);
    } catch {
      return { keyId: sig.keyId, ok: false }; // an unparseable embedded key is a bad signature
    }
  }
  if (keyIdOf(key) !== sig.keyId) return { keyId: sig.keyId, ok: false };
  const ok = edVerify(null, manifest, key, Buffer.from(sig.signature, 'base64'));
  return { keyId: sig.keyId, ok };
}

async function checkFiles(dir: string, manifest: Manifest, present: Map<string, boolean>): Promise<EvidenceProblem[]> {
  const problems: EvidenceProblem[] = [];
  const listed = new Set<string>();
  for (const entry of manifest.files) {
    listed.add(entry.path);
    const isFile = present.get(entry.path);
    if (isFile === undefined) {
      problems.push({ file: entry.path, problem: 'missing' });
      continue;
    }
    const h = isFile ? await hashFile(join(dir, entry.path)) : undefined;
    if (!h || h.sha256 !== entry.sha256 || h.bytes !== entry.bytes) problems.push({ file: entry.path, problem: 'modified' });
  }
  for (const name of [...present.keys()].sort()) {
    if (name === MANIFEST_FILE || name === SIGNATURE_FILE || listed.has(name)) continue;
    problems.push({ file: present.get(name) ? name : `${name}/`, problem: 'unexpected' });
  }
  return problems;
}

/**
 * Verifies one evidence directory: the Ed25519 signature of manifest.json, then every file's SHA-256, and
 * that no file was added or removed. With `publicKey` (PEM or KeyObject) the signer must be that key;
 * without it the key embedded in manifest.sig is used, which proves integrity but not who signed.
 */
export async function verifyEvidence(dir: string, publicKey?: KeyObject | string | Buffer): Promise<VerifyResult> {
  const trusted = publicKey === undefined ? undefined : toKey(publicKey);
  const present = await listDir(dir);
  const problems: EvidenceProblem[] = [];
  const manifestRaw = present.get(MANIFEST_FILE) ? await readOptional(join(dir, MANIFEST_FILE)) : undefined;
  const sigRaw = present.get(SIGNATURE_FILE) ? await readOptional(join(dir, SIGNATURE_FILE)) : undefined;
  if (!manifestRaw) problems.push({ file: MANIFEST_FILE, problem: 'missing' });
  if (!sigRaw) problems.push({ file: SIGNATURE_FILE, problem: 'missing' });
  let keyId: string | undefined;
  if (manifestRaw && sigRaw) {
    const s = checkSignature(manifestRaw, sigRaw, trusted);
    keyId = s.keyId;
    if (!s.ok) problems.push({ file: SIGNATURE_FILE, problem: 'bad_signature' });
  }
  const manifest = manifestRaw ? parseManifest(manifestRaw) : undefined;
  if (manifestRaw && !manifest) problems.push({ file: MANIFEST_FILE, problem: 'modified' });
  if (manifest) problems.push(...(await checkFiles(dir, manifest, present)));
  return { ok: problems.length === 0, problems, keyId, keyTrusted: trusted !== undefined };
}

/** One verified directory of a tree. */
export interface TreeEntry {
  /** Path relative to the root ('.' for the root itself). */
  readonly dir: string;
  readonly result: VerifyResult;
}

export interface VerifyTreeResult {
  readonly ok: boolean;
  readonly entries: readonly TreeEntry[];
  /** Every problem, with `file` relative to the root. */
  readonly problems: readonly EvidenceProblem[];
}

/**
 * Verifies `root` when it is an evidence directory (it holds manifest.json, manifest.sig or metadata.json),
 * otherwise every sub-directory of it (hidden ones skipped: the `.keys` of `argus analyze --evidence` and
 * in-progress `.tmp-*` writes). A root with no evidence at all
 * is reported as one `missing` problem.
 */
export async function verifyEvidenceTree(root: string, publicKey?: KeyObject | string | Buffer): Promise<VerifyTreeResult> {
  const key = publicKey === undefined ? undefined : toKey(publicKey);
  const top = await listDir(root);
  const isEvidence = top.has(MANIFEST_FILE) || top.has(SIGNATURE_FILE) || top.has('metadata.json');
  const subdirs = isEvidence ? ['.'] : [...top.entries()].filter(([n, f]) => !f && !n.startsWith(TEMP_DIR_PREFIX) && !n.startsWith('.')).map(([n]) => n).sort();
  const entries: TreeEntry[] = [];
  for (const sub of subdirs) entries.push({ dir: sub, result: await verifyEvidence(sub === '.' ? root : join(root, sub), key) });
  const problems = entries.flatMap((e) => e.result.problems.map((p) => ({ ...p, file: e.dir === '.' ? p.file : `${e.dir}/${p.file}` })));
  if (entries.length === 0) problems.push({ file: '.', problem: 'missing' });
  return { ok: problems.length === 0, entries, problems };
}
