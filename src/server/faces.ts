/**
 * The service's faces: the engine that finds and embeds a face in a photo (enrolment, search by photo), the person
 * search index, where face crops live on disk, and what a list's threshold means (its measured false-match rate).
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import type { Box } from '../core/box.js';
import type { Frame } from '../core/frame.js';
import { probeSource, type SourceInfo } from '../video/probe.js';
import type { PackageFile } from './evidence-files.js';
import { blurClip, blurJpeg, type FaceFinder } from './face-blur.js';
import { FaceMatcher } from './face-matcher.js';
import { ArgusError, errorMessage } from '../core/errors.js';
import { removeCrop, resolveCrop, writeCrop } from './crops.js';
import { FaceIndexSync, type FaceSearchLogger } from './face-search.js';
import type { Store } from '../store/store.js';

/** A face found in a photo: its embedding, its aligned crop (JPEG), its quality. */
export interface PhotoFace {
  readonly embedding: Float32Array;
  readonly alignedJpeg: Uint8Array;
  readonly quality: number;
}

/** Finds the largest good face in a photo and embeds it with the service's model; finds every face of a picture. */
export interface FaceEngine {
  readonly model: string;
  photo(jpegOrPng: Uint8Array): Promise<PhotoFace | null>;
  /** Every face of a picture; the embedding of those big enough to recognise (else null). */
  faces(frame: Frame): Promise<Array<{ box: Box; embedding: Float32Array | null }>>;
  close(): Promise<void>;
}

/** What an export did to protect faces (written as `privacy.json` beside the blurred files). */
export interface PrivacyReport {
  readonly blurred: Record<string, number>;
  readonly keptListed: Record<string, number>;
  /** Pictures no decoder could read (sent as they are: they show nothing). */
  readonly unreadable: string[];
  readonly note: string;
}

export interface FacesServiceOptions {
  /** `<data>/faces` (undefined: no crops kept, every face image is not found). */
  readonly root?: string;
  /** The embedding model of the faces the cameras send (the index and the photos use it). */
  readonly model: string;
  /** Made on first use (models are loaded only when faces are used). */
  readonly engine: () => Promise<FaceEngine>;
  readonly log: FaceSearchLogger;
}

/** Blurred copies are kept this long (a clip being watched), and at most this many. */
const COPY_TTL_MS = 10 * 60_000;
const MAX_COPIES = 32;

const PRIVACY_NOTE = 'Faces of people not on a face watch list are pixelated in this export (Decree 13/2023/ND-CP). The stored evidence package is unchanged and its signature covers the originals: an officer who may read the violation may export them, with a reason that is audited. manifest.json lists the sha256 of the ORIGINAL files, so the blurred pictures here do not match it.';

/**
 * How often a clip is looked through for faces: about every 0.25 s (every 3rd frame at 10 fps, every 6th at 25 fps);
 * the boxes found are held, grown, in between (face-blur.ts), so a face is never sharp between two looks.
 */
export const lookEveryFrames = (fps: number): number => Math.max(1, Math.min(8, Math.round(fps * 0.25)));

export class FacesService {
  readonly index: FaceIndexSync;
  /** The face watch lists, shared with the ingest (one cache, invalidated on every change). */
  readonly matcher: FaceMatcher;
  readonly model: string;
  readonly root: string | undefined;
  private enginePromise: Promise<FaceEngine> | undefined;
  private retention: NodeJS.Timeout | undefined;
  /** Blurred copies of recent exports (a scratch folder each), by what they were made of. */
  private readonly copies = new Map<string, { made: Promise<{ files: PackageFile[]; report: PrivacyReport; dir: string }>; atMs: number; dir: Promise<string | null> }>();

  constructor(store: Pick<Store, 'listFaces' | 'getFaces' | 'activeFaceEnrolments' | 'listFaceLists'>, private readonly opts: FacesServiceOptions) {
    this.model = opts.model;
    this.matcher = new FaceMatcher(store);
    this.root = opts.root;
    this.index = new FaceIndexSync(store, opts.model, opts.log);
  }

  engine(): Promise<FaceEngine> {
    this.enginePromise ??= this.opts.engine().catch((e: unknown) => {
      this.enginePromise = undefined;
      throw new ArgusError('unavailable', `face models could not be loaded: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    });
    return this.enginePromise;
  }

  /** Keeps an enrolment photo's aligned face under `enrol/`; returns its ref (null without a root). */
  async keepEnrolmentFace(id: string, atMs: number, jpeg: Uint8Array): Promise<string | null> {
    if (!this.root) return null;
    const dir = join(this.root, 'enrol');
    await mkdir(dir, { recursive: true });
    return `enrol/${await writeCrop(dir, id, atMs, jpeg)}`;
  }

  /** The bytes of a face crop by its ref (camera faces: `YYYY-MM-DD/x.jpg`; enrolment photos: `enrol/YYYY-MM-DD/x.jpg`). */
  async read(ref: string): Promise<Buffer | null> {
    if (!this.root) return null;
    const enrol = ref.startsWith('enrol/');
    const file = await resolveCrop(enrol ? join(this.root, 'enrol') : this.root, enrol ? ref.slice('enrol/'.length) : ref);
    return file ? readFile(file).catch(() => null) : null;
  }

  /** Removes the crops of faces retention deleted (a crop that is already gone is fine). */
  async removeCrops(refs: readonly string[]): Promise<void> {
    if (!this.root) return;
    for (const ref of refs) await removeCrop(this.root, ref).catch(() => undefined);
  }

  /**
   * Retention by data class, every `everyMs`: faces that matched nothing after `unmatchedDays`, the others after
   * `matchedDays`; their crops go with them and the search index is rebuilt.
   */
  startRetention(store: Pick<Store, 'pruneFaces'>, o: { unmatchedDays: number; matchedDays: number; everyMs?: number }): void {
    const run = async (): Promise<void> => {
      const now = Date.now();
      const refs = await store.pruneFaces(now - o.unmatchedDays * 86_400_000, now - o.matchedDays * 86_400_000);
      if (refs.length === 0) return;
      await this.removeCrops(refs);
      this.index.reset();
    };
    const tick = (): void => void run().catch((err: unknown) => this.opts.log.warn({ err }, 'face retention failed'));
    tick();
    this.retention = setInterval(tick, o.everyMs ?? 3_600_000);
    this.retention.unref();
  }

  /** Finds the faces of a picture and tells which belong to a listed person (they stay sharp in exports). */
  async finder(): Promise<FaceFinder> {
    const engine = await this.engine();
    return {
      find: async (frame) => Promise.all((await engine.faces(frame)).map(async (f) => ({
        box: f.box, listed: f.embedding !== null && (await this.matcher.matches(f.embedding, engine.model)).length > 0,
      }))),
    };
  }

  /**
   * Copies of an export's pictures (JPEG stills, MP4 clips) with every unlisted face pixelated; other files, and
   * pictures without such a face, are given as they are. Returns the files to send (blurred ones in place of the
   * originals, plus `privacy.json` when anything was blurred or could not be read).
   */
  async privacyCopy(files: readonly PackageFile[]): Promise<{ files: PackageFile[]; report: PrivacyReport }> {
    // A player seeking the clip asks again and again: the same files, unchanged lists → the same copies, made once.
    const key = createHash('sha256').update(JSON.stringify([this.matcher.generation, files.map((f) => [f.path, f.bytes, f.mtimeMs])])).digest('hex');
    this.evictCopies();
    let entry = this.copies.get(key);
    if (!entry) {
      const made = this.makeCopy(files);
      entry = { made, atMs: Date.now(), dir: made.then((m) => m.dir, () => null) };
      this.copies.set(key, entry);
      made.catch(() => this.copies.delete(key));
    }
    const { files: out, report } = await entry.made;
    return { files: out, report };
  }

  private evictCopies(): void {
    const now = Date.now();
    for (const [k, e] of this.copies) {
      if (now - e.atMs < COPY_TTL_MS && this.copies.size <= MAX_COPIES) continue;
      this.copies.delete(k);
      void e.dir.then((d) => (d === null ? undefined : rm(d, { recursive: true, force: true })));
    }
  }

  /**
   * As `privacyCopy`, made for one package that is then signed anew (a share to a partner agency): not cached, its
   * copies deleted by `dispose` once the package is written; `note` is what privacy.json says.
   */
  async privateCopy(files: readonly PackageFile[], note: string, onProgress?: (done: number) => void): Promise<{ files: PackageFile[]; report: PrivacyReport; dispose(): Promise<void> }> {
    const made = await this.makeCopy(files, note, onProgress);
    return { files: made.files, report: made.report, dispose: () => rm(made.dir, { recursive: true, force: true }) };
  }

  /** `onProgress`: the share of the work done, 0–1, told as the clips' frames go by (by frames; a still counts as one). */
  private async makeCopy(files: readonly PackageFile[], note = PRIVACY_NOTE, onProgress?: (done: number) => void): Promise<{ files: PackageFile[]; report: PrivacyReport; dir: string }> {
    const work = await mkdtemp(join(tmpdir(), 'argus-privacy-'));
    // The clips are probed first, so that progress counts frames over the whole copy.
    const probed = new Map<string, SourceInfo>();
    let total = 0;
    for (const f of files) {
      const ext = extname(f.name).toLowerCase();
      if (ext === '.jpg' || ext === '.jpeg') total += 1;
      if (ext !== '.mp4') continue;
      const info = await probeSource(f.path).catch(() => undefined);
      if (!info) continue;
      probed.set(f.name, info);
      total += Math.max(1, Math.round((info.durationSec ?? 0) * (info.fps ?? 10)));
    }
    let done = 0;
    const tell = (): void => onProgress?.(total > 0 ? Math.min(1, done / total) : 1);
    // The face models load only when there is a picture to look at.
    let found: FaceFinder | undefined;
    let modelFailure: unknown;
    const finder: FaceFinder = {
      find: async (frame) => {
        try {
          return await (found ??= await this.finder()).find(frame);
        } catch (e) {
          modelFailure = e;
          throw e;
        }
      },
    };
    const report: PrivacyReport = { blurred: {}, keptListed: {}, unreadable: [], note };
    const out: PackageFile[] = [];
    for (const f of files) {
      const ext = extname(f.name).toLowerCase();
      if (ext !== '.jpg' && ext !== '.jpeg' && ext !== '.mp4') {
        out.push(f);
        continue;
      }
      const path = join(work, f.name);
      let count: { blurred: number; kept: number };
      try {
        if (ext === '.mp4') {
          const info = probed.get(f.name) ?? (await probeSource(f.path));
          const before = done;
          const fps = info.fps ?? 10;
          count = await blurClip(finder, f.path, path, { width: info.width, height: info.height }, fps, lookEveryFrames(fps), (frames) => {
            done = before + frames;
            if (frames % 25 === 0) tell();
          });
        } else {
          const r = await blurJpeg(finder, new Uint8Array(await readFile(f.path)));
          await writeFile(path, r.bytes);
          count = r;
          done++;
        }
        tell();
      } catch (e) {
        // No face model to look with: nothing leaves unblurred because of it; the export fails and says why.
        if (modelFailure !== undefined) {
          await rm(work, { recursive: true, force: true });
          throw new ArgusError('model_missing', `faces cannot be blurred (the face models do not load: ${errorMessage(modelFailure)}); nothing was exported`, { cause: modelFailure });
        }
        // A picture no decoder reads shows no face to anyone either: it goes as it is, named in privacy.json.
        this.opts.log.warn({ err: e, file: f.name }, 'export: a picture could not be decoded to look for faces; sent as it is');
        report.unreadable.push(f.name);
        out.push(f);
        continue;
      }
      report.blurred[f.name] = count.blurred;
      report.keptListed[f.name] = count.kept;
      if (count.blurred === 0) {
        // No face to hide: the export is the stored file itself (byte for byte, so it still verifies).
        out.push(f);
        continue;
      }
      const st = await stat(path);
      out.push({ name: f.name, path, bytes: st.size, mtimeMs: st.mtimeMs });
    }
    // Nothing blurred and nothing unreadable: the export is the stored package as it is, with nothing added.
    if (Object.values(report.blurred).every((n) => n === 0) && report.unreadable.length === 0) {
      return { files: out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)), report, dir: work };
    }
    const privacy = join(work, 'privacy.json');
    await writeFile(privacy, `${JSON.stringify(report, null, 2)}\n`);
    const st = await stat(privacy);
    out.push({ name: 'privacy.json', path: privacy, bytes: st.size, mtimeMs: st.mtimeMs });
    return { files: out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)), report, dir: work };
  }

  async close(): Promise<void> {
    if (this.retention) clearInterval(this.retention);
    for (const e of this.copies.values()) await e.dir.then((d) => (d === null ? undefined : rm(d, { recursive: true, force: true })));
    this.copies.clear();
    this.index.close();
    if (this.enginePromise) await (await this.enginePromise.catch(() => null))?.close();
  }
}
