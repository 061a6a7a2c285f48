import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ArgusError } from '../core/errors.js';

/**
 * A key directory holds one Ed25519 pair per purpose, by name: `evidence` signs evidence manifests, `audit` signs
 * the checkpoints of the audit chain (src/store/audit-seal.ts). One handling for all of them: created on first use,
 * the private key mode 0600 and refused when group/others can read it, the public PEM written beside it.
 */
export type KeyName = 'evidence' | 'audit';

/** File names of a named key pair inside a key directory. */
export const keyFiles = (name: KeyName): { readonly privateKey: string; readonly publicKey: string } =>
  ({ privateKey: `${name}-ed25519.key`, publicKey: `${name}-ed25519.pub.pem` });
export const PRIVATE_KEY_FILE = keyFiles('evidence').privateKey;
export const PUBLIC_KEY_FILE = keyFiles('evidence').publicKey;

/** An Ed25519 signing key pair (evidence manifests, audit checkpoints). */
export interface EvidenceKeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** First 16 hex digits of the SHA-256 of the public key (SPKI DER). */
  readonly keyId: string;
  /** The public key in PEM (SPKI), for verifiers. */
  readonly publicKeyPem: string;
}

/** Key id: first 16 hex digits of SHA-256 over the SPKI DER of the public key. */
export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

function assertEd25519(key: KeyObject, what: string): void {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new ArgusError('invalid_argument', `${what} is a ${key.asymmetricKeyType ?? 'non-asymmetric'} key, expected Ed25519`);
  }
}

function pairFromPrivate(privateKey: KeyObject, name: KeyName = 'evidence'): EvidenceKeyPair {
  assertEd25519(privateKey, `the ${name} private key`);
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicKey,
    keyId: keyIdOf(publicKey),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

const isErrno = (e: unknown, code: string): boolean => (e as NodeJS.ErrnoException | undefined)?.code === code;

async function loadPrivate(path: string, name: KeyName): Promise<EvidenceKeyPair> {
  const st = await stat(path);
  if ((st.mode & 0o077) !== 0) {
    throw new ArgusError('forbidden', `${name} private key ${path} is readable by group/others (mode ${(st.mode & 0o777).toString(8)}); chmod 600 it`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(await readFile(path));
  } catch (e) {
    throw new ArgusError('invalid_argument', `cannot parse the ${name} private key ${path}`, { cause: e });
  }
  return pairFromPrivate(key, name);
}

/**
 * Loads the signing key pair `name` (default: the evidence key) from `keyDir`, creating it (Ed25519, private key
 * mode 0600) when the directory holds none. The public key PEM is (re)written beside it for verifiers.
 */
export async function loadOrCreateKeyPair(keyDir: string, name: KeyName = 'evidence'): Promise<EvidenceKeyPair> {
  const files = keyFiles(name);
  const privPath = join(keyDir, files.privateKey);
  const pubPath = join(keyDir, files.publicKey);
  let pair: EvidenceKeyPair;
  try {
    pair = await loadPrivate(privPath, name);
  } catch (e) {
    if (!isErrno(e, 'ENOENT')) throw e;
    await mkdir(keyDir, { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' });
    try {
      // 'wx': never overwrite a key another process created meanwhile.
      await writeFile(privPath, pem, { mode: 0o600, flag: 'wx' });
      await chmod(privPath, 0o600);
      pair = pairFromPrivate(privateKey, name);
    } catch (we) {
      if (!isErrno(we, 'EEXIST')) throw new ArgusError('io_failed', `cannot write the ${name} key ${privPath}`, { cause: we });
      pair = await loadPrivate(privPath, name);
    }
  }
  await writePublicPem(pubPath, pair.publicKeyPem);
  return pair;
}

async function writePublicPem(path: string, pem: string): Promise<void> {
  try {
    const existing = await readFile(path, 'utf8');
    if (existing === pem) return;
  } catch (e) {
    if (!isErrno(e, 'ENOENT')) throw new ArgusError('io_failed', `cannot read ${path}`, { cause: e });
  }
  await writeFile(path, pem, { mode: 0o644 });
}

/** The public key (PEM) of the key pair `name` in `keyDir`, for handing to verifiers. Fails when none exists. */
export async function exportPublicKeyPem(keyDir: string, name: KeyName = 'evidence'): Promise<string> {
  try {
    return (await loadPrivate(join(keyDir, keyFiles(name).privateKey), name)).publicKeyPem;
  } catch (e) {
    if (isErrno(e, 'ENOENT')) throw new ArgusError('not_found', `no ${name} key in ${keyDir}`, { cause: e });
    throw e;
  }
}

/** Parses an Ed25519 public key from PEM text (SPKI) or a Buffer holding it. */
export function parsePublicKey(pem: string | Buffer): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (e) {
    throw new ArgusError('invalid_argument', 'cannot parse the public key (expected an Ed25519 SPKI PEM)', { cause: e });
  }
  assertEd25519(key, 'the public key');
  return key;
}

/** Reads and parses a public key PEM file. */
export async function readPublicKeyFile(path: string): Promise<KeyObject> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ArgusError(isErrno(e, 'ENOENT') ? 'not_found' : 'io_failed', `cannot read the public key ${path}`, { cause: e });
  }
  return parsePublicKey(text);
}
