/**
 * A minimal POSIX ustar writer for downloading an evidence package as one file (`tar -xf` gives the folder back,
 * ready for `argus evidence verify`). Regular files only, streamed, with the exact length known beforehand.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { ArgusError } from '../core/errors.js';

export interface TarFile {
  /** Name inside the folder (≤ 100 ASCII characters, no slash). */
  readonly name: string;
  readonly path: string;
  readonly bytes: number;
  readonly mtimeMs: number;
}

const BLOCK = 512;
const padOf = (n: number): number => (BLOCK - (n % BLOCK)) % BLOCK;

/** The 512-byte ustar header of `folder/name`. */
export function tarHeader(folder: string, name: string, bytes: number, mtimeMs: number): Buffer {
  if (!/^[\x21-\x7e]{1,100}$/.test(name) || name.includes('/')) throw new ArgusError('invalid_argument', `cannot put "${name}" in a tar header`);
  if (!/^[\x21-\x7e]{0,155}$/.test(folder)) throw new ArgusError('invalid_argument', `cannot put the folder "${folder}" in a tar header`);
  const h = Buffer.alloc(BLOCK);
  const put = (s: string, at: number, len: number): void => void h.write(s, at, len, 'ascii');
  const octal = (n: number, len: number): string => `${n.toString(8).padStart(len - 1, '0')}\0`;
  put(name, 0, 100);
  put(octal(0o644, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(bytes, 12), 124, 12);
  put(octal(Math.floor(mtimeMs / 1000), 12), 136, 12);
  h.fill(0x20, 148, 156); // the checksum counts its own field as spaces
  put('0', 156, 1);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  put(folder, 345, 155);
  const sum = h.reduce((a, b) => a + b, 0);
  put(octal(sum, 7), 148, 7);
  return h;
}

/** Length of the archive of these files, bytes. */
export const tarLength = (files: readonly TarFile[]): number => files.reduce((n, f) => n + BLOCK + f.bytes + padOf(f.bytes), 0) + 2 * BLOCK;

async function* entries(folder: string, files: readonly TarFile[]): AsyncGenerator<Buffer> {
  for (const f of files) {
    yield tarHeader(folder, f.name, f.bytes, f.mtimeMs);
    let read = 0;
    if (f.bytes > 0) {
      for await (const chunk of createReadStream(f.path, { start: 0, end: f.bytes - 1 })) {
        read += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
    }
    if (read !== f.bytes) throw new ArgusError('io_failed', `${f.name} changed while it was archived`);
    const pad = padOf(f.bytes);
    if (pad > 0) yield Buffer.alloc(pad);
  }
  yield Buffer.alloc(2 * BLOCK);
}

/** The archive as a stream: every file under `folder/`. */
export const tarStream = (folder: string, files: readonly TarFile[]): Readable => Readable.from(entries(folder, files));
