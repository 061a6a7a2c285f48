/**
 * The service's faces: the engine that finds and embeds a face in a photo (enrolment, search by photo), the person
 * search index, where face crops live on disk, and what a list's threshold means (its measured false-match rate).
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ArgusError } from '../core/errors.js';
import { removeCrop, resolveCrop, writeCrop } from './crops.js';
import { FaceIndexSync, type FaceSearchLogger } from './face-search.js';
import type { Store } from '../store/store.js';

/** A face found in a photo: its embedding, its aligned crop (JPEG), its quality. */
export interface PhotoFace {
  readonly embedding: Float32Array;
  readonly alignedJpeg: Uint8Array;
  readonly quality: number;
}

/** Finds the largest good face in a photo and embeds it with the service's model. */
export interface FaceEngine {
  readonly model: string;
  photo(jpegOrPng: Uint8Array): Promise<PhotoFace | null>;
  close(): Promise<void>;
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

export class FacesService {
  readonly index: FaceIndexSync;
  readonly model: string;
  readonly root: string | undefined;
  private enginePromise: Promise<FaceEngine> | undefined;
  private retention: NodeJS.Timeout | undefined;

  constructor(store: Pick<Store, 'listFaces' | 'getFaces'>, private readonly opts: FacesServiceOptions) {
    this.model = opts.model;
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

  async close(): Promise<void> {
    if (this.retention) clearInterval(this.retention);
    this.index.close();
    if (this.enginePromise) await (await this.enginePromise.catch(() => null))?.close();
  }
}
