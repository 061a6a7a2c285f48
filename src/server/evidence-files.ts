/**
 * Evidence files on disk, for download: a stored evidence path is only ever opened when it resolves — lexically
 * AND after following links — inside the evidence root; file names inside a package are plain names of regular
 * files (no links, no folders). Content types and download names for the `content-disposition` header.
 */
import { lstat, readdir, realpath } from 'node:fs/promises';
import { basename, extname, isAbsolute, join, relative, resolve } from 'node:path';

/** Whether `abs` lies strictly inside `root` (both absolute). */
export const inside = (root: string, abs: string): boolean => {
  const rel = relative(root, abs);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
};

/**
 * The real absolute path of a stored evidence path (relative to `root`, or absolute), or null when it is empty,
 * leads outside the root (`..`, another absolute path, a link pointing out) or does not exist.
 */
export async function resolveEvidencePath(root: string, stored: string): Promise<string | null> {
  if (stored.trim() === '' || stored.includes('\0')) return null;
  const rootAbs = resolve(root);
  const abs = resolve(rootAbs, stored);
  if (!inside(rootAbs, abs)) return null; // decided before anything touches the disk
  try {
    const [realRoot, real] = await Promise.all([realpath(rootAbs), realpath(abs)]);
    return inside(realRoot, real) ? real : null;
  } catch (e) {
    if (['ENOENT', 'ENOTDIR', 'ELOOP'].includes((e as NodeJS.ErrnoException).code ?? '')) return null;
    throw e;
  }
}

/** A file name inside a package: letters, digits, `.`, `_`, `-`, not starting with a dot. */
export const PACKAGE_FILE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export interface PackageFile {
  readonly name: string;
  readonly path: string;
  readonly bytes: number;
  readonly mtimeMs: number;
}

/** One regular file of a package folder (already resolved inside the root), or null (bad name, link, missing). */
export async function packageFile(dir: string, name: string): Promise<PackageFile | null> {
  if (!PACKAGE_FILE.test(name) || name.includes('..')) return null;
  const path = join(dir, name);
  const st = await lstat(path).catch(() => null);
  return st?.isFile() ? { name, path, bytes: st.size, mtimeMs: st.mtimeMs } : null;
}

/** The regular files of a package folder with plain names, sorted (links and sub-folders are left out). */
export async function packageFiles(dir: string): Promise<PackageFile[]> {
  const out: PackageFile[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (!e.isFile()) continue;
    const f = await packageFile(dir, e.name);
    if (f) out.push(f);
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const TYPES: Readonly<Record<string, string>> = {
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.mp4': 'video/mp4', '.json': 'application/json',
  '.sig': 'application/json', '.pdf': 'application/pdf', '.tar': 'application/x-tar', '.txt': 'text/plain; charset=utf-8',
};

export const contentTypeOf = (name: string): string => TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
/** Every type an evidence download can have (its route's declared response). */
export const EVIDENCE_CONTENT_TYPES: readonly string[] = [...new Set([...Object.values(TYPES).map((t) => t.split(';')[0]!), 'application/octet-stream'])];

/** `attachment; filename="…"` with a safe ASCII name (anything else becomes `_`). */
export function attachment(name: string): string {
  const safe = basename(name).replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_').slice(0, 150) || 'evidence';
  return `attachment; filename="${safe}"`;
}
