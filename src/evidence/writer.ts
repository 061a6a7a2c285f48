import { createPublicKey } from 'node:crypto';
import { constants } from 'node:fs';
import { access, chmod, copyFile, mkdir, mkdtemp, open, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { scaleBox, type Box } from '../core/box.js';
import { ArgusError, errorMessage } from '../core/errors.js';
import { probeDurationSec } from './clip.js';
import { renderComposite } from './composite.js';
import { hashFile, isPlainFileName, MANIFEST_FILE, manifestBytes, sha256Hex, SIGNATURE_FILE, signatureBytes } from './manifest.js';
import { buildMetadata, noticeText, softwareVersion, vehicleLabel, violationFacts } from './metadata.js';
import { closeUp, drawScene, encodeJpeg, enlarge, renderStill, toRaw, type NoticeText, type Raw } from './render.js';
import { localTime } from './text.js';
import { TEMP_DIR_PREFIX } from './verify.js';
import type { EvidenceFrame, WrittenEvidence, WriteEvidenceInput } from './types.js';

/** File names inside an evidence directory. */
export const EVIDENCE_FILES = {
  approach: '1-approach.jpg',
  moment: '2-moment.jpg',
  after: '3-after.jpg',
  plate: '4-plate.jpg',
  composite: 'composite.jpg',
  metadata: 'metadata.json',
} as const;

const ROLES = [
  { key: 'approach', vi: 'Tiếp cận', en: 'approach' },
  { key: 'moment', vi: 'Thời điểm vi phạm', en: 'moment' },
  { key: 'after', vi: 'Sau vi phạm', en: 'after' },
] as const;

export const DEFAULT_TIMEZONE = 'Asia/Ho_Chi_Minh';
const VIOLATION_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

const exists = (p: string): Promise<boolean> =>
  access(p).then(
    () => true,
    () => false,
  );

function boxInFrame(b: Box | undefined, f: EvidenceFrame, space: WriteEvidenceInput['boxSpace']): Box | undefined {
  if (!b) return undefined;
  return space ? scaleBox(b, f.width / space.width, f.height / space.height) : b;
}

/** The plate close-up: the given crop, or cut from the moment frame by the plate box, else the vehicle box. */
async function plateImage(input: WriteEvidenceInput, moment: Raw): Promise<Raw> {
  if (input.plateCrop) return enlarge(toRaw(input.plateCrop), 160);
  const f = input.frames.moment;
  const plate = boxInFrame(input.plateBox, f, input.boxSpace);
  if (plate) return closeUp(moment, plate, 0.15, 160);
  const vehicle = boxInFrame(f.vehicleBox ?? input.violation.box, f, input.boxSpace);
  if (vehicle) return closeUp(moment, vehicle, 0.1, 320);
  throw new ArgusError('invalid_argument', 'evidence needs a plate crop, a plate box or the vehicle box on the moment frame');
}

/** Copies the clip in and checks its length. Returns the file name and duration. */
async function copyClip(input: WriteEvidenceInput, tmp: string): Promise<{ file: string; durationSec: number } | undefined> {
  if (!input.clipPath) return undefined;
  const durationSec = await probeDurationSec(input.clipPath);
  const minSec = input.minClipSec ?? 5;
  if (durationSec + 0.05 < minSec) {
    throw new ArgusError('invalid_argument', `evidence clip ${input.clipPath} lasts ${durationSec.toFixed(2)} s, needs ≥ ${minSec} s`);
  }
  const ext = extname(input.clipPath).toLowerCase();
  const file = `clip${/^\.[a-z0-9]{1,5}$/.test(ext) ? ext : '.mp4'}`;
  try {
    await copyFile(input.clipPath, join(tmp, file), constants.COPYFILE_EXCL);
  } catch (e) {
    throw new ArgusError('io_failed', `cannot copy the clip ${input.clipPath}: ${errorMessage(e)}`, { cause: e });
  }
  return { file, durationSec };
}

/** Renders and writes the three stills, the plate close-up and the composite. Returns the file names. */
async function writePictures(input: WriteEvidenceInput, tmp: string, t: NoticeText, timezone: string): Promise<string[]> {
  const v = input.violation;
  const tag = `${v.trackId === undefined ? '' : `#${v.trackId} `}${vehicleLabel(v).vi}`;
  const tiles = [];
  for (const role of ROLES) {
    const f = input.frames[role.key];
    const raw = toRaw(f);
    const vehicleBox = f.vehicleBox ?? (role.key === 'moment' ? v.box : undefined);
    const scened = await drawScene(raw, input.scene, boxInFrame(vehicleBox, f, input.boxSpace), tag);
    const lt = localTime(f.capturedAtMs, timezone);
    const still = await renderStill(scened, t, { index: tiles.length + 1, vi: role.vi, en: role.en, time: `${lt.display} (${lt.offsetLabel})` });
    await writeFile(join(tmp, EVIDENCE_FILES[role.key]), still, { flag: 'wx' });
    tiles.push({ image: scened, vi: role.vi, en: role.en, time: lt.display.slice(11) });
  }
  const plate = await plateImage(input, toRaw(input.frames.moment));
  await writeFile(join(tmp, EVIDENCE_FILES.plate), await encodeJpeg(plate), { flag: 'wx' });
  const [a, m, b] = tiles;
  const closeUpLabel = input.plateCrop || input.plateBox ? { vi: 'Ảnh biển số', en: 'plate close-up' } : { vi: 'Ảnh cận cảnh phương tiện', en: 'vehicle close-up' };
  const composite = await renderComposite([a!, m!, b!], { image: plate, ...closeUpLabel }, t);
  await writeFile(join(tmp, EVIDENCE_FILES.composite), composite, { flag: 'wx' });
  return [EVIDENCE_FILES.approach, EVIDENCE_FILES.moment, EVIDENCE_FILES.after, EVIDENCE_FILES.plate, EVIDENCE_FILES.composite];
}

/** Hashes every file, writes manifest.json and its Ed25519 signature. */
async function seal(tmp: string, input: WriteEvidenceInput, files: readonly string[], createdAt: string): Promise<{ manifestSha256: string; keyId: string }> {
  const entries = [];
  for (const path of files) {
    if (!isPlainFileName(path)) throw new ArgusError('invalid_argument', `bad evidence file name ${path}`);
    entries.push({ path, ...(await hashFile(join(tmp, path))) });
  }
  const manifest = manifestBytes(input.violation.id, createdAt, entries);
  const publicKey = createPublicKey(input.signer.privateKey);
  const sig = signatureBytes(manifest, input.signer.privateKey, publicKey);
  await writeFile(join(tmp, MANIFEST_FILE), manifest, { flag: 'wx' });
  await writeFile(join(tmp, SIGNATURE_FILE), sig, { flag: 'wx' });
  return { manifestSha256: sha256Hex(manifest), keyId: input.signer.keyId };
}

/** Flushes files (and directories) to disk, so a power cut cannot leave a renamed but empty evidence set. */
async function fsyncAll(paths: readonly string[]): Promise<void> {
  for (const p of paths) {
    const h = await open(p, 'r');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  }
}

/**
 * Writes the evidence of one violation into `input.dir/<violation.id>/`: three stills with overlays, the
 * plate close-up, the composite notice picture, the clip (copied), metadata.json, manifest.json (SHA-256 of
 * every file) and manifest.sig (Ed25519). Atomic: built in a temporary sibling directory and renamed into
 * place; an existing evidence directory is never overwritten (`conflict`).
 */
export async function writeEvidence(input: WriteEvidenceInput): Promise<WrittenEvidence> {
  const v = input.violation;
  if (!VIOLATION_ID.test(v.id) || v.id.includes('..')) throw new ArgusError('invalid_argument', `violation id "${v.id}" cannot name a directory`);
  violationFacts(v);
  const parent = resolve(input.dir);
  const final = join(parent, v.id);
  if (await exists(final)) throw new ArgusError('conflict', `evidence for ${v.id} already exists at ${final}`);
  await mkdir(parent, { recursive: true });
  const tmp = await mkdtemp(join(parent, `${TEMP_DIR_PREFIX}${v.id}-`));
  let built: { files: string[]; manifestSha256: string; keyId: string };
  try {
    built = await buildInto(tmp, input);
    if (await exists(final)) throw new ArgusError('conflict', `evidence for ${v.id} already exists at ${final}`);
    await rename(tmp, final);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTEMPTY') throw new ArgusError('conflict', `evidence for ${v.id} already exists at ${final}`, { cause: e });
    if (e instanceof ArgusError) throw e;
    // The cause in the message (ENOSPC, EACCES…): it is what an operator reads in the alert.
    throw new ArgusError('io_failed', `cannot write the evidence of ${v.id} into ${parent}: ${errorMessage(e)}`, { cause: e });
  }
  await fsyncAll([parent]);
  return { uri: final, violationId: v.id, dir: final, ...built };
}

/** Writes every file into the temporary directory `tmp`, seals and flushes it. */
async function buildInto(tmp: string, input: WriteEvidenceInput): Promise<{ files: string[]; manifestSha256: string; keyId: string }> {
  const timezone = input.place.timezone ?? DEFAULT_TIMEZONE;
  const createdAt = new Date().toISOString();
  const clip = await copyClip(input, tmp);
  const facts = violationFacts(input.violation);
  const text = noticeText(input, facts, timezone);
  const pictures = await writePictures(input, tmp, text, timezone);
  const media = clip ? [...pictures, clip.file] : pictures;
  const metadata = buildMetadata(input, facts, { timezone, createdAt, files: media, clip, software: input.versions?.software ?? (await softwareVersion()) });
  await writeFile(join(tmp, EVIDENCE_FILES.metadata), `${JSON.stringify(metadata, null, 2)}\n`, { flag: 'wx' });
  const files = [...media, EVIDENCE_FILES.metadata];
  const sealed = await seal(tmp, input, files, createdAt);
  const all = [...files, MANIFEST_FILE, SIGNATURE_FILE];
  await chmod(tmp, 0o750);
  await fsyncAll([...all.map((f) => join(tmp, f)), tmp]);
  return { files: all, ...sealed };
}

/**
 * Removes the temporary directories (`.tmp-<id>-…`) that writes interrupted by a crash left in an evidence folder,
 * when older than `olderThanMs` (a write in progress elsewhere is never that old). They are never evidence (the
 * verifier skips them) and only take space on a disk that may be full. Returns what was removed; never throws.
 */
export async function removeStaleTemps(dir: string, olderThanMs: number, nowMs = Date.now()): Promise<{ removed: string[]; failed: string[] }> {
  const removed: string[] = [];
  const failed: string[] = [];
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.startsWith(TEMP_DIR_PREFIX))) {
    try {
      if (nowMs - (await stat(join(dir, name))).mtimeMs < olderThanMs) continue;
      await rm(join(dir, name), { recursive: true, force: true });
      removed.push(name);
    } catch {
      failed.push(name); // removed by another writer meanwhile, or not ours to remove: left for the next start
    }
  }
  return { removed, failed };
}
