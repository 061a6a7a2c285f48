import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterAll, describe, expect, it } from 'vitest';
import { tarHeader, tarLength, tarStream, type TarFile } from './tar.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('tarStream', () => {
  it('writes an archive GNU tar lists and extracts byte for byte, of the announced length', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'argus-tar-'));
    dirs.push(dir);
    const contents: Record<string, Buffer> = { 'a.json': Buffer.from('{"x":1}\n'), 'empty.txt': Buffer.alloc(0), 'block.bin': Buffer.alloc(512, 7), 'odd.bin': Buffer.alloc(1025, 9) };
    const files: TarFile[] = [];
    for (const [name, data] of Object.entries(contents)) {
      await writeFile(join(dir, name), data);
      files.push({ name, path: join(dir, name), bytes: data.length, mtimeMs: Date.UTC(2026, 10, 22) });
    }
    const tar = await buffer(tarStream('V01', files));
    expect(tar.length).toBe(tarLength(files));
    await writeFile(join(dir, 'x.tar'), tar);
    const listing = execFileSync('tar', ['-tvf', join(dir, 'x.tar')], { encoding: 'utf8' });
    expect(listing).toMatch(/V01\/a\.json/);
    const out = join(dir, 'out');
    execFileSync('mkdir', [out]);
    execFileSync('tar', ['-xf', join(dir, 'x.tar'), '-C', out]);
    for (const [name, data] of Object.entries(contents)) expect(await readFile(join(out, 'V01', name))).toEqual(data);
    expect((await stat(join(out, 'V01', 'a.json'))).mtimeMs).toBe(Date.UTC(2026, 10, 22));
  });

  it('fails when a file changed size after it was listed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'argus-tar-'));
    dirs.push(dir);
    await writeFile(join(dir, 'f'), 'short');
    await expect(buffer(tarStream('V', [{ name: 'f', path: join(dir, 'f'), bytes: 99, mtimeMs: 0 }]))).rejects.toThrow(/changed/);
  });

  it.each(['a/b', '', 'x'.repeat(101), 'é.jpg'])('refuses the name %j in a header', (name) => {
    expect(() => tarHeader('V', name, 1, 0)).toThrow(/tar header/);
  });
});
