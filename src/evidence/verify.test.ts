import { createPublicKey } from 'node:crypto';
import { appendFile, cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isArgusError } from '../core/errors.js';
import type { EvidenceKeyPair } from './keys.js';
import { hashFile, manifestBytes, signatureBytes } from './manifest.js';
import { newKeys, tempDir, writeSpeedingEvidence } from './testing/fixture.js';
import { verifyEvidence, verifyEvidenceTree } from './verify.js';
import type { WrittenEvidence } from './types.js';

/** Flips one bit of one byte in the middle of a file. */
async function flipByte(path: string): Promise<void> {
  const buf = await readFile(path);
  const at = Math.floor(buf.length / 2);
  buf[at] = buf[at]! ^ 0x01;
  await writeFile(path, buf);
}

describe('verifyEvidence', () => {
  let keys: EvidenceKeyPair;
  let original: WrittenEvidence;

  beforeAll(async () => {
    keys = await newKeys();
    original = await writeSpeedingEvidence(await tempDir('evidence'), keys);
  });

  /** A fresh copy of the written evidence to tamper with. */
  async function copy(): Promise<string> {
    const dir = join(await tempDir('tamper'), original.violationId);
    await cp(original.dir, dir, { recursive: true });
    return dir;
  }

  it('accepts an untouched copy with the signer key and with the embedded key', async () => {
    const dir = await copy();
    expect((await verifyEvidence(dir, keys.publicKey)).ok).toBe(true);
    const embedded = await verifyEvidence(dir);
    expect(embedded).toMatchObject({ ok: true, keyId: keys.keyId, keyTrusted: false });
  });

  it.each(['2-moment.jpg', '1-approach.jpg', '4-plate.jpg', 'composite.jpg', 'clip.mp4', 'metadata.json'])(
    'detects one flipped byte in %s',
    async (file) => {
      const dir = await copy();
      await flipByte(join(dir, file));
      expect(await verifyEvidence(dir, keys.publicKeyPem)).toMatchObject({ ok: false, problems: [{ file, problem: 'modified' }] });
    },
  );

  it('detects a byte appended to the clip', async () => {
    const dir = await copy();
    await appendFile(join(dir, 'clip.mp4'), Buffer.from([0]));
    expect((await verifyEvidence(dir, keys.publicKeyPem)).problems).toEqual([{ file: 'clip.mp4', problem: 'modified' }]);
  });

  it('detects a deleted file', async () => {
    const dir = await copy();
    await rm(join(dir, '3-after.jpg'));
    expect((await verifyEvidence(dir, keys.publicKeyPem)).problems).toEqual([{ file: '3-after.jpg', problem: 'missing' }]);
  });

  it('detects an added file and an added directory', async () => {
    const dir = await copy();
    await writeFile(join(dir, 'extra.jpg'), 'x');
    await mkdir(join(dir, 'more'));
    expect((await verifyEvidence(dir, keys.publicKeyPem)).problems).toEqual([
      { file: 'extra.jpg', problem: 'unexpected' },
      { file: 'more/', problem: 'unexpected' },
    ]);
  });

  it('detects a changed manifest, even one that stays valid JSON', async () => {
    const dir = await copy();
    const text = await readFile(join(dir, 'manifest.json'), 'utf8');
    await writeFile(join(dir, 'manifest.json'), text.replace(/"bytes":(\d)/, (_m, d: string) => `"bytes":${(Number(d) + 1) % 10}`));
    const r = await verifyEvidence(dir, keys.publicKeyPem);
    expect(r.ok).toBe(false);
    expect(r.problems).toContainEqual({ file: 'manifest.sig', problem: 'bad_signature' });
  });

  it('detects a manifest re-formatted without changing its content', async () => {
    const dir = await copy();
    const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(m, null, 2));
    expect((await verifyEvidence(dir, keys.publicKeyPem)).problems).toEqual([
      { file: 'manifest.sig', problem: 'bad_signature' },
      { file: 'manifest.json', problem: 'modified' },
    ]);
  });

  it('detects a missing manifest or signature', async () => {
    const a = await copy();
    await rm(join(a, 'manifest.json'));
    expect((await verifyEvidence(a, keys.publicKeyPem)).problems).toEqual([{ file: 'manifest.json', problem: 'missing' }]);
    const b = await copy();
    await rm(join(b, 'manifest.sig'));
    expect((await verifyEvidence(b, keys.publicKeyPem)).problems).toEqual([{ file: 'manifest.sig', problem: 'missing' }]);
  });

  it('rejects the evidence when checked against another public key', async () => {
    const other = await newKeys();
    const r = await verifyEvidence(await copy(), other.publicKeyPem);
    expect(r.problems).toEqual([{ file: 'manifest.sig', problem: 'bad_signature' }]);
  });

  it('rejects a forgery: a file replaced, the manifest rebuilt and signed with another key', async () => {
    const dir = await copy();
    const forger = await newKeys();
    await flipByte(join(dir, '2-moment.jpg'));
    const old = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { violationId: string; createdAt: string; files: { path: string }[] };
    const entries = await Promise.all(old.files.map(async (f) => ({ path: f.path, ...(await hashFile(join(dir, f.path))) })));
    const manifest = manifestBytes(old.violationId, old.createdAt, entries);
    await writeFile(join(dir, 'manifest.json'), manifest);
    await writeFile(join(dir, 'manifest.sig'), signatureBytes(manifest, forger.privateKey, createPublicKey(forger.privateKey)));
    // Self-consistent with its embedded key, but not signed by the real key.
    expect(await verifyEvidence(dir)).toMatchObject({ ok: true, keyId: forger.keyId, keyTrusted: false });
    expect((await verifyEvidence(dir, keys.publicKeyPem)).problems).toEqual([{ file: 'manifest.sig', problem: 'bad_signature' }]);
  });

  it('rejects an embedded public key swapped for another (key id mismatch)', async () => {
    const dir = await copy();
    const other = await newKeys();
    const sig = JSON.parse(await readFile(join(dir, 'manifest.sig'), 'utf8'));
    await writeFile(join(dir, 'manifest.sig'), JSON.stringify({ ...sig, publicKeyPem: other.publicKeyPem }));
    expect((await verifyEvidence(dir)).problems).toEqual([{ file: 'manifest.sig', problem: 'bad_signature' }]);
  });

  it('reports a directory that does not exist', async () => {
    await expect(verifyEvidence(join(await tempDir('none'), 'nope'))).rejects.toSatisfy((e) => isArgusError(e, 'not_found'));
  });

  it('verifies every evidence directory under a parent and names the tampered one', async () => {
    const parent = await tempDir('tree');
    await cp(original.dir, join(parent, 'A'), { recursive: true });
    await cp(original.dir, join(parent, 'B'), { recursive: true });
    await mkdir(join(parent, '.tmp-in-progress'));
    const ok = await verifyEvidenceTree(parent, keys.publicKeyPem);
    expect(ok.ok).toBe(true);
    expect(ok.entries.map((e) => e.dir)).toEqual(['A', 'B']);
    await flipByte(join(parent, 'B', 'metadata.json'));
    const bad = await verifyEvidenceTree(parent, keys.publicKeyPem);
    expect(bad.problems).toEqual([{ file: 'B/metadata.json', problem: 'modified' }]);
    expect((await verifyEvidenceTree(original.dir, keys.publicKeyPem)).entries.map((e) => e.dir)).toEqual(['.']);
    expect((await verifyEvidenceTree(await tempDir('empty'))).problems).toEqual([{ file: '.', problem: 'missing' }]);
  });
});
