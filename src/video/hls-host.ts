/**
 * The live HLS muxers of one process, one per camera, started on the first request and stopped after `idleMs`
 * without one (HlsSession). The service's live view, a worker's and a district's live relays (bus/live-relay.ts) all
 * go through one: a camera watched by several people, or from several places, is opened once.
 */
import { open, readFile } from 'node:fs/promises';
import { ArgusError } from '../core/errors.js';
import { HLS_PLAYLIST, HLS_SEGMENT_NAME, HlsSession } from './hls.js';

/** Every host of this process (stopped by {@link closeAllHls}, e.g. at shutdown). */
const ALL = new Set<HlsHost>();

export async function closeAllHls(): Promise<void> {
  await Promise.all([...ALL].map((h) => h.stopAll()));
}

export interface HlsHostOptions {
  /** A muxer stops after this long without a request (default 30 s). */
  readonly idleMs?: number;
  readonly ffmpegPath?: string;
}

export class HlsHost {
  private readonly sessions = new Map<string, Promise<HlsSession>>();

  constructor(private readonly o: HlsHostOptions = {}) {
    ALL.add(this);
  }

  private session(cameraId: string, url: string): Promise<HlsSession> {
    let s = this.sessions.get(cameraId);
    if (!s) {
      const started = HlsSession.start({ url, idleMs: this.o.idleMs ?? 30_000, ...(this.o.ffmpegPath ? { ffmpegPath: this.o.ffmpegPath } : {}), onStop: () => {
        if (this.sessions.get(cameraId) === started) this.sessions.delete(cameraId);
      } });
      started.catch(() => {
        if (this.sessions.get(cameraId) === started) this.sessions.delete(cameraId);
      });
      this.sessions.set(cameraId, started);
      s = started;
    }
    return s;
  }

  /** The camera's playlist as ffmpeg writes it (segment names `seg<N>.ts`), starting its muxer if needed. */
  async playlist(cameraId: string, url: string): Promise<string> {
    const s = await this.session(cameraId, url);
    s.touch();
    return readFile(await s.waitForPlaylist(), 'utf8');
  }

  /**
   * Bytes `[offset, offset + length)` of a segment of a running muxer (all of it without `length`); `not_found` when
   * the camera has no muxer here or the segment is gone (the playlist moved on).
   */
  async segment(cameraId: string, name: string, offset = 0, length?: number): Promise<Uint8Array> {
    if (!HLS_SEGMENT_NAME.test(name) || name === HLS_PLAYLIST) throw new ArgusError('invalid_argument', `not a segment name: ${name.slice(0, 40)}`);
    if (!Number.isInteger(offset) || offset < 0 || (length !== undefined && (!Number.isInteger(length) || length < 1))) throw new ArgusError('invalid_argument', 'offset and length: whole numbers ≥ 0 and ≥ 1');
    const s = await this.sessions.get(cameraId)?.catch(() => undefined);
    const file = s?.alive ? s.fileFor(name) : null;
    if (!s || !file) throw new ArgusError('not_found', `no live stream of camera ${cameraId} here`);
    s.touch();
    const fh = await open(file, 'r').catch(() => null);
    if (!fh) throw new ArgusError('not_found', `segment ${name} of camera ${cameraId} is gone`);
    try {
      const size = (await fh.stat()).size;
      const n = Math.max(0, Math.min(length ?? size, size - offset));
      const buf = Buffer.alloc(n);
      const { bytesRead } = n > 0 ? await fh.read(buf, 0, n, offset) : { bytesRead: 0 };
      return new Uint8Array(buf.buffer, buf.byteOffset, bytesRead);
    } finally {
      await fh.close();
    }
  }

  /** Whether a muxer runs here for the camera (tests, status). */
  has(cameraId: string): boolean {
    return this.sessions.has(cameraId);
  }

  async stopAll(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map(async (s) => (await s.catch(() => null))?.stop()));
  }
}
