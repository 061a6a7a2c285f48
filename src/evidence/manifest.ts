import { createHash, sign, type KeyObject } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { ArgusError } from '../core/errors.js';
import { keyIdOf } from './keys.js';

export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.sig';
export const MANIFEST_FORMAT = 'argus-evidence-manifest/1';
export const SIGNATURE_FORMAT = 'argus-evidence-signature/1';

export interface ManifestEntry {
  /** File name inside the evidence directory (no directories). */
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
}

/** manifest.json: the SHA-256 of every other file. The file holds exactly `canonicalJson(manifest)`. */
export interface Manifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly violationId: string;
  readonly createdAt: string;
  readonly algorithm: 'sha256';
  readonly files: readonly ManifestEntry[];
}

/** manifest.sig: an Ed25519 signature over the bytes of manifest.json. */
export interface ManifestSignature {
  readonly format: typeof SIGNATURE_FORMAT;
  readonly algorithm: 'Ed25519';
  readonly keyId: string;
  /** The signer's public key (SPKI PEM). Only trusted when it matches a key the verifier holds. */
  readonly publicKeyPem: string;
  /** Base64 signature of the manifest.json bytes. */
  readonly signature: string;
}

/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, UTF-8. Arrays keep their order. Only
 * JSON values (no undefined, functions, NaN or Infinity).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ArgusError('invalid_argument', 'canonical JSON cannot hold a non-finite number');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new ArgusError('invalid_argument', `canonical JSON cannot hold a ${typeof value}`);
}

/** SHA-256 (hex) and size of a file, streamed. */
export async function hashFile(path: string): Promise<{ sha256: string; bytes: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  try {
    for await (const chunk of createReadStream(path)) {
      const buf = chunk as Buffer;
      bytes += buf.length;
      h.update(buf);
    }
  } catch (e) {
    throw new ArgusError('io_failed', `cannot read ${path}`, { cause: e });
  }
  return { sha256: h.digest('hex'), bytes };
}

export const sha256Hex = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');

/** The bytes of manifest.json for these entries. */
export function manifestBytes(violationId: string, createdAt: string, files: readonly ManifestEntry[]): Buffer {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const manifest: Manifest = { format: MANIFEST_FORMAT, violationId, createdAt, algorithm: 'sha256', files: sorted };
  return Buffer.from(canonicalJson(manifest), 'utf8');
}

/** The bytes of manifest.sig: signs `manifest` (the exact manifest.json bytes) with Ed25519. */
export function signatureBytes(manifest: Buffer, privateKey: KeyObject, publicKey: KeyObject): Buffer {
  const sig: ManifestSignature = {
    format: SIGNATURE_FORMAT,
    algorithm: 'Ed25519',
    keyId: keyIdOf(publicKey),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    signature: sign(null, manifest, privateKey).toString('base64'),
  };
  return Buffer.from(`${JSON.stringify(sig, null, 2)}\n`, 'utf8');
}

/** A file name the manifest may list: one plain name, no separators, not hidden, not the manifest itself. */
export const isPlainFileName = (name: string): boolean =>
  /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(name) && name !== MANIFEST_FILE && name !== SIGNATURE_FILE;

/** Parses manifest.json bytes; undefined when they are not a well-formed manifest in canonical form. */
export function parseManifest(bytes: Buffer): Manifest | undefined {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined; // not JSON: reported by the caller as a modified manifest
  }
  const m = value as Partial<Manifest> | null;
  if (!m || m.format !== MANIFEST_FORMAT || m.algorithm !== 'sha256' || !Array.isArray(m.files)) return undefined;
  const okEntries = m.files.every(
    (f: Partial<ManifestEntry>) =>
      typeof f.path === 'string' && isPlainFileName(f.path) && typeof f.sha256 === 'string' && /^[0-9a-f]{64}$/.test(f.sha256) && typeof f.bytes === 'number',
  );
  if (!okEntries || canonicalJson(value) !== bytes.toString('utf8')) return undefined;
  return m as Manifest;
}

/** Parses manifest.sig bytes; undefined when malformed. */
export function parseSignature(bytes: Buffer): ManifestSignature | undefined {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined; // not JSON: reported by the caller as a bad signature
  }
  const s = value as Partial<ManifestSignature> | null;
  if (!s || s.format !== SIGNATURE_FORMAT || s.algorithm !== 'Ed25519') return undefined;
  if (typeof s.keyId !== 'string' || typeof s.publicKeyPem !== 'string' || typeof s.signature !== 'string') return undefined;
  return s as ManifestSignature;
}
