import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ArgusError, errorMessage } from '../core/errors.js';
import { DEFAULT_MODEL, findFileIn, getModelEntry, MODEL_CATALOG, type ModelEntry } from './models.js';

export interface InstallOptions {
  /** A folder (flat or with sub-folders), an http(s) URL (a base URL, or one `.onnx` file), or `upstream`. */
  readonly from: string;
  /** Models to install. Default: from a folder, every catalogued model found there; from a URL, the default model. */
  readonly names?: readonly string[];
  /** Destination models directory. */
  readonly dir: string;
}

export type InstallStatus = 'installed' | 'already_installed';

export interface InstallResult {
  readonly name: string;
  readonly path: string;
  readonly status: InstallStatus;
  readonly source: string;
}

const isUrl = (s: string): boolean => /^https?:\/\//i.test(s);

/** sha256 of a file, hex. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/**
 * Copy or download models into `dir/<subdir>/<file>`, checking each one's sha256 against the catalogue. A file is
 * written to a temporary name beside its destination and renamed only once verified: on a mismatch
 * (`checksum_mismatch`) or a failed download (`io_failed`/`not_found`) nothing is left behind.
 */
export async function installModels(opts: InstallOptions): Promise<InstallResult[]> {
  const entries = pickEntries(opts);
  const results: InstallResult[] = [];
  for (const entry of entries) results.push(await installOne(entry, opts));
  return results;
}

function pickEntries(opts: InstallOptions): ModelEntry[] {
  if (opts.names && opts.names.length > 0) return opts.names.map(getModelEntry);
  if (isUrl(opts.from) || opts.from === 'upstream') return [getModelEntry(DEFAULT_MODEL)];
  const found = MODEL_CATALOG.filter((m) => findFileIn(opts.from, m.file) !== undefined);
  if (found.length === 0) throw new ArgusError('not_found', `no catalogued model file found in ${opts.from}`);
  return found;
}

async function installOne(entry: ModelEntry, opts: InstallOptions): Promise<InstallResult> {
  const dest = join(opts.dir, entry.subdir, entry.file);
  const existing = findFileIn(opts.dir, entry.file);
  if (existing && (await sha256File(existing)) === entry.sha256) {
    return { name: entry.name, path: existing, status: 'already_installed', source: existing };
  }
  await mkdir(dirname(dest), { recursive: true });
  const tmp = `${dest}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const source = await writeVerified(entry, opts.from, tmp);
    await rename(tmp, dest);
    return { name: entry.name, path: dest, status: 'installed', source };
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** Stream the model into `tmp`, hashing on the way; returns where it came from. */
async function writeVerified(entry: ModelEntry, from: string, tmp: string): Promise<string> {
  const { stream, source } = await openSource(entry, from);
  const hash = createHash('sha256');
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  try {
    await pipeline(stream, tap, createWriteStream(tmp));
  } catch (e) {
    throw new ArgusError('io_failed', `copying ${entry.name} from ${source} failed: ${errorMessage(e)}`, { cause: e });
  }
  const got = hash.digest('hex');
  if (got !== entry.sha256) {
    throw new ArgusError('checksum_mismatch', `${entry.name}: sha256 of ${source} is ${got}, expected ${entry.sha256}; nothing installed`);
  }
  return source;
}

async function openSource(entry: ModelEntry, from: string): Promise<{ stream: Readable; source: string }> {
  if (from === 'upstream') return download(entry.sourceUrl);
  if (!isUrl(from)) {
    const path = findFileIn(from, entry.file);
    if (!path) throw new ArgusError('not_found', `${entry.file} (model ${entry.name}) is not in ${from}`);
    return { stream: createReadStream(path), source: path };
  }
  if (/\.onnx(\?.*)?$/i.test(from)) return download(from);
  const base = from.replace(/\/+$/, '');
  const candidates = [`${base}/${entry.subdir}/${entry.file}`, `${base}/${entry.file}`];
  let last: unknown;
  for (const url of candidates) {
    try {
      return await download(url);
    } catch (e) {
      if (!(e instanceof ArgusError && e.code === 'not_found')) throw e;
      last = e;
    }
  }
  throw new ArgusError('not_found', `${entry.name}: none of ${candidates.join(', ')} exists`, { cause: last });
}

async function download(url: string): Promise<{ stream: Readable; source: string }> {
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'follow' });
  } catch (e) {
    throw new ArgusError('io_failed', `cannot download ${url}: ${errorMessage(e)}`, { cause: e });
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    if (res.status === 404) throw new ArgusError('not_found', `${url}: HTTP 404`);
    throw new ArgusError('io_failed', `cannot download ${url}: HTTP ${res.status}`);
  }
  return { stream: Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>), source: url };
}
