/**
 * Plate crops on disk: the best crop of each plate read as `<root>/<YYYY-MM-DD>/<name>.jpg` (the UTC day of the read;
 * the name is the sha256 of the sighting id and the crop's bytes), written by the ingest BEFORE the batch that stores
 * its sighting commits; the sighting's `cropRef` is the path relative to the root. A write never replaces another
 * sighting's crop, nor another crop of the same sighting: a batch that repeats a stored id (a retry, or a forger)
 * writes its own file, which the ingest route removes when the stored row does not name it. Crops are thumbnails for
 * plate search and trace, not evidence (an evidence package keeps its own crop): retention prunes them by age with
 * the recordings, one whole day folder at a time.
 */
import { createHash, randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveEvidencePath } from './evidence-files.js';

const DAY_MS = 86_400_000;
const DAY_DIR = /^(\d{4})-(\d{2})-(\d{2})$/;
/** A stored crop reference: a day folder and a plain file name — nothing else is ever opened. */
const CROP_REF = /^\d{4}-\d{2}-\d{2}\/[A-Za-z0-9_-]{1,64}\.jpg$/;

/** Day folders this process made or found (a mkdir per crop cost more than the crop's own write). Bounded: one per day and root. */
const madeDays = new Set<string>();

/** Largest crop accepted from a partner (decoded bytes); a plate crop is a few KB. */
export const MAX_CROP_BYTES = 64 * 1024;

/** JPEG files start with the SOI marker and the first marker's 0xFF. */
export const isJpeg = (b: Uint8Array): boolean => b.length >= 4 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

/** The crop's path relative to the root: the UTC day of the read, and a name that only this sighting with these bytes has. */
export function cropRefOf(sightingId: string, atMs: number, jpeg: Uint8Array): string {
  const day = new Date(atMs).toISOString().slice(0, 10);
  const name = createHash('sha256').update(sightingId).update('\0').update(jpeg).digest('hex');
  return `${day}/${name}.jpg`;
}

/**
 * Writes the crop (to a temporary name, then renamed: a reader never sees half a file); returns its `cropRef`. The
 * name is fixed by the id and the bytes, so a rename can only replace the same bytes (a retried batch).
 */
export async function writeCrop(root: string, sightingId: string, atMs: number, jpeg: Uint8Array): Promise<string> {
  const ref = cropRefOf(sightingId, atMs, jpeg);
  const file = join(root, ref);
  const day = join(root, ref.slice(0, 10));
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    if (!madeDays.has(day)) {
      await mkdir(day, { recursive: true });
      madeDays.add(day);
    }
    await writeFile(tmp, jpeg).catch(async (e: unknown) => {
      // The day folder went since (retention pruned it, or someone removed it): made again, once.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      await mkdir(day, { recursive: true });
      await writeFile(tmp, jpeg);
    });
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  return ref;
}

/** Removes a crop this ingest wrote for a row that was not stored (its id existed); a reference of another shape is left alone. */
export async function removeCrop(root: string, cropRef: string): Promise<void> {
  if (!CROP_REF.test(cropRef)) return;
  await rm(join(root, cropRef), { force: true });
}

/**
 * The real path of a stored crop reference, or null: the reference must be `<day>/<name>.jpg` and resolve — after
 * following links — to a regular file inside the root.
 */
export async function resolveCrop(root: string, cropRef: string): Promise<string | null> {
  if (!CROP_REF.test(cropRef)) return null;
  const abs = await resolveEvidencePath(root, cropRef);
  if (!abs) return null;
  const st = await lstat(abs).catch(() => null);
  return st?.isFile() ? abs : null;
}

/**
 * Deletes the day folders whose whole day is older than `retentionDays` (a crop is kept at most a day longer than
 * that). Only real folders named `YYYY-MM-DD` directly under the root are removed; returns their names.
 */
export async function pruneCrops(root: string, retentionDays: number, nowMs = Date.now()): Promise<string[]> {
  if (!(retentionDays > 0)) return [];
  const cutoffMs = nowMs - retentionDays * DAY_MS;
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const removed: string[] = [];
  for (const e of entries) {
    const m = DAY_DIR.exec(e.name);
    if (!m || !e.isDirectory()) continue;
    const dayEndMs = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) + DAY_MS;
    if (dayEndMs > cutoffMs) continue;
    await rm(join(root, e.name), { recursive: true, force: true });
    removed.push(e.name);
  }
  return removed.sort();
}
