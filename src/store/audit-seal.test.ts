import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { checkpointSignatureValid, signCheckpoint } from './audit-hash.js';
import { readAnchor } from './audit-seal.js';

const dir = await mkdtemp(join(tmpdir(), 'argus-anchor-'));
afterAll(() => rm(dir, { recursive: true, force: true }));
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const cp = (seq: number) => signCheckpoint({ seq, headHash: 'ab'.repeat(32), atMs: 1000 + seq, count: seq, keyId: 'k1' }, privateKey);

describe('audit checkpoints', () => {
  it('sign every field: any change breaks the signature', () => {
    const c = cp(7);
    expect(checkpointSignatureValid(c, publicKey)).toBe(true);
    for (const changed of [{ seq: 8 }, { headHash: 'cd'.repeat(32) }, { atMs: 1 }, { count: 6 }, { keyId: 'k2' }, { signature: c.signature.slice(4) }]) {
      expect(checkpointSignatureValid({ ...c, ...changed }, publicKey), JSON.stringify(changed)).toBe(false);
    }
  });

  it('read the anchor from its tail, name a bad line by its byte offset, and pass over a torn last line', async () => {
    const file = join(dir, 'a.jsonl');
    const lines = Array.from({ length: 100 }, (_, i) => JSON.stringify(cp(i + 1)));
    lines.splice(98, 0, 'not a checkpoint');
    await writeFile(file, `${lines.join('\n')}\n{"seq":101,"headHa`);
    const whole = await readAnchor(file);
    expect(whole.checkpoints.map((c) => c.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(whole.badLines).toEqual([lines.slice(0, 98).join('\n').length + 1]);
    const tail = await readAnchor(file, 1000);
    expect(tail.checkpoints.at(-1)?.seq).toBe(100);
    expect(tail.checkpoints.length).toBeLessThan(10);
    expect(tail.badLines).toEqual(whole.badLines);
    expect(await readAnchor(join(dir, 'none.jsonl'))).toMatchObject({ missing: true, checkpoints: [] });
  });
});
