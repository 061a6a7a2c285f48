import { chmod, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isArgusError } from '../core/errors.js';
import { exportPublicKeyPem, keyIdOf, loadOrCreateKeyPair, parsePublicKey, PRIVATE_KEY_FILE, PUBLIC_KEY_FILE } from './keys.js';
import { tempDir } from './testing/fixture.js';

describe('evidence signing keys', () => {
  it('creates an Ed25519 key pair with a private key readable only by its owner', async () => {
    const dir = await tempDir('keys');
    const pair = await loadOrCreateKeyPair(dir);
    expect(pair.privateKey.asymmetricKeyType).toBe('ed25519');
    expect((await stat(join(dir, PRIVATE_KEY_FILE))).mode & 0o777).toBe(0o600);
    expect(pair.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(await readFile(join(dir, PUBLIC_KEY_FILE), 'utf8')).toBe(pair.publicKeyPem);
  });

  it('loads the same key again instead of making a new one', async () => {
    const dir = await tempDir('keys');
    const first = await loadOrCreateKeyPair(dir);
    const second = await loadOrCreateKeyPair(dir);
    expect(second.keyId).toBe(first.keyId);
    expect(await exportPublicKeyPem(dir)).toBe(first.publicKeyPem);
    expect(keyIdOf(parsePublicKey(first.publicKeyPem))).toBe(first.keyId);
  });

  it('gives different key ids to different keys', async () => {
    const a = await loadOrCreateKeyPair(await tempDir('keys'));
    const b = await loadOrCreateKeyPair(await tempDir('keys'));
    expect(a.keyId).not.toBe(b.keyId);
  });

  it('refuses a private key that group or others can read', async () => {
    const dir = await tempDir('keys');
    await loadOrCreateKeyPair(dir);
    await chmod(join(dir, PRIVATE_KEY_FILE), 0o644);
    await expect(loadOrCreateKeyPair(dir)).rejects.toSatisfy((e) => isArgusError(e, 'forbidden'));
  });

  it('reports a missing key when exporting from an empty directory', async () => {
    await expect(exportPublicKeyPem(await tempDir('keys'))).rejects.toSatisfy((e) => isArgusError(e, 'not_found'));
  });

  it('rejects a public key that is not Ed25519 PEM', () => {
    expect(() => parsePublicKey('not a key')).toThrow(/cannot parse/);
  });
});
