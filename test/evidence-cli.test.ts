import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { evidence } from '../src/cli/commands/evidence.js';
import type { EvidenceKeyPair } from '../src/evidence/keys.js';
import { newKeys, tempDir, writeSpeedingEvidence } from '../src/evidence/testing/fixture.js';
import type { WrittenEvidence } from '../src/evidence/types.js';

/** Runs `argus evidence ARGS`, capturing what it prints. */
async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    return { code: await evidence(args), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('argus evidence verify', () => {
  let keys: EvidenceKeyPair;
  let parent: string;
  let ref: WrittenEvidence;
  let pubPath: string;

  beforeAll(async () => {
    keys = await newKeys();
    parent = await tempDir('cli');
    ref = await writeSpeedingEvidence(parent, keys, 'CLI-A');
    await writeSpeedingEvidence(parent, keys, 'CLI-B');
    pubPath = join(await tempDir('pub'), 'pub.pem');
    await writeFile(pubPath, keys.publicKeyPem);
  });

  afterEach(() => vi.restoreAllMocks());

  it('exits 0 on intact evidence, for one directory and for a parent of several', async () => {
    const one = await run(['verify', ref.dir, '--key', pubPath]);
    expect(one.code).toBe(0);
    expect(one.out).toMatch(/OK \(1 evidence set/);
    const all = await run(['verify', parent, '--key', pubPath]);
    expect(all).toMatchObject({ code: 0 });
    expect(all.out).toMatch(/OK \(2 evidence set/);
  });

  it('exits 1 with one line per problem', async () => {
    const other = await newKeys();
    const otherPub = join(await tempDir('pub'), 'other.pem');
    await writeFile(otherPub, other.publicKeyPem);
    const wrongKey = await run(['verify', ref.dir, '--key', otherPub]);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.out.trim().split('\n')).toEqual([`${join(ref.dir, 'manifest.sig')}: bad_signature`]);

    await rm(join(parent, 'CLI-B', '1-approach.jpg'));
    await writeFile(join(parent, 'CLI-B', 'note.txt'), 'added');
    const r = await run(['verify', parent]);
    expect(r.code).toBe(1);
    expect(r.out.trim().split('\n')).toEqual([`${join(parent, 'CLI-B', '1-approach.jpg')}: missing`, `${join(parent, 'CLI-B', 'note.txt')}: unexpected`]);
  });

  it('prints the public key of a key directory', async () => {
    const dir = await tempDir('keydir');
    const r = await run(['key', dir]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(r.err).toMatch(/^key id [0-9a-f]{16}/);
  });

  it('exits 2 on a usage error', async () => {
    expect((await run(['verify'])).code).toBe(2);
    expect((await run(['sign', 'x'])).code).toBe(2);
  });
});
