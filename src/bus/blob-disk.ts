/**
 * The BlobStore on a local folder (the single box): `<root>/<key>`, written to a temporary name and renamed (a
 * reader never sees half a file), read back with the digest checked. A key never leaves the root: keys are plain
 * names (checkBlobKey) and the resolved path is checked to stay inside, links followed. A file put under its own
 * path (the evidence writer already wrote the package into the evidence folder) is only hashed, not copied.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { BlobRef } from '../core/blob.js';
import { ArgusError } from '../core/errors.js';
import { checkBlobKey, type BlobStore } from './blobs.js';

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

const isInside = (root: string, path: string): boolean => {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep);
};

export class DiskBlobStore implements BlobStore {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** The file of a key on this disk (for a server that serves it, or a command that prints it). */
  pathOf(key: string): string {
    return join(this.root, checkBlobKey(key));
  }

  async put(key: string, data: Uint8Array): Promise<BlobRef> {
    const file = await this.writablePath(key);
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, data);
      await rename(tmp, file);
    } catch (e) {
      await rm(tmp, { force: true });
      throw new ArgusError('io_failed', `blob ${key}: cannot write`, { cause: e });
    }
    return { key, sha256: sha256(data), bytes: data.byteLength };
  }

  async putFile(key: string, path: string): Promise<BlobRef> {
    const file = await this.writablePath(key);
    const [from, to] = await Promise.all([realpath(path), realpath(file).catch(() => undefined)]);
    if (from !== to) {
      const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        await copyFile(from, tmp);
        await rename(tmp, file);
      } catch (e) {
        await rm(tmp, { force: true });
        throw new ArgusError('io_failed', `blob ${key}: cannot copy ${path}`, { cause: e });
      }
    }
    return { key, sha256: await sha256File(file), bytes: (await stat(file)).size };
  }

  async get(ref: BlobRef | string): Promise<Uint8Array | undefined> {
    const key = typeof ref === 'string' ? ref : ref.key;
    const file = await this.readablePath(key);
    if (!file) return undefined;
    const data = new Uint8Array(await readFile(file));
    if (typeof ref !== 'string' && (sha256(data) !== ref.sha256 || data.byteLength !== ref.bytes)) {
      throw new ArgusError('checksum_mismatch', `blob ${key}: its bytes do not match the digest it was sent with`);
    }
    return data;
  }

  async stat(key: string): Promise<BlobRef | undefined> {
    const file = await this.readablePath(key);
    if (!file) return undefined;
    return { key, sha256: await sha256File(file), bytes: (await stat(file)).size };
  }

  async delete(key: string): Promise<boolean> {
    const file = await this.readablePath(key);
    if (!file) return false;
    await rm(file, { force: true });
    return true;
  }

  /** The key's path, its folders made, checked to stay inside the root once links are followed. */
  private async writablePath(key: string): Promise<string> {
    const file = this.pathOf(key);
    await mkdir(dirname(file), { recursive: true });
    const [root, dir] = await Promise.all([realpath(this.root), realpath(dirname(file))]);
    if (dir !== root && !isInside(root, dir)) throw new ArgusError('forbidden', `blob ${key}: outside the store`);
    return file;
  }

  /** The key's existing regular file inside the root, or undefined. */
  private async readablePath(key: string): Promise<string | undefined> {
    const file = this.pathOf(key);
    let real: string;
    try {
      real = await realpath(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new ArgusError('io_failed', `blob ${key}: cannot read`, { cause: e });
    }
    if (!isInside(await realpath(this.root).catch(() => this.root), real)) throw new ArgusError('forbidden', `blob ${key}: outside the store`);
    const st = await stat(real);
    return st.isFile() ? real : undefined;
  }
}
