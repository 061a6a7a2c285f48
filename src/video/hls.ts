/**
 * Live view as HLS on demand: an ffmpeg muxer (`-c copy -f hls`) per camera writing a playlist and its segments
 * into a private temp folder. Each segment carries its wall-clock time (EXT-X-PROGRAM-DATE-TIME): the analysis overlay matches frames to it. `HlsSession.touch()` on every request; it stops itself after `idleMs` without one.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArgusError } from '../core/errors.js';
import { buildInputArgs, parseSource, redactUrl, type SourceRef } from './ffmpeg-args.js';
import { endingWithParent, spawnManaged, type ManagedProcess } from './supervisor.js';

/** Names the muxer writes: `index.m3u8` and `seg<N>.ts`. Anything else is refused before touching the disk. */
export const HLS_SEGMENT_NAME = /^seg\d{1,9}\.ts$/;
export const HLS_PLAYLIST = 'index.m3u8';

export interface HlsSpec {
  readonly source: SourceRef;
  readonly dir: string;
  /** Target segment length, s (default 2). */
  readonly segmentSeconds?: number;
  /** Segments in the playlist (default 6). */
  readonly listSize?: number;
  readonly realtime?: boolean;
  readonly loop?: boolean;
}

/** Probe of a live source for the HLS muxer: enough for the video's parameters (stream copy), ~0.3 s of stream. */
const LIVE_PROBE = ['-analyzeduration', '300000', '-probesize', '131072'];

/** ffmpeg arguments of an HLS copy muxer. Pure. */
export function buildHlsArgs(spec: HlsSpec): string[] {
  const t = spec.segmentSeconds ?? 2;
  const n = spec.listSize ?? 6;
  if (!Number.isInteger(t) || t < 1 || t > 30) throw new ArgusError('invalid_argument', `HLS segment length must be 1–30 s, got ${t}`);
  if (!Number.isInteger(n) || n < 2 || n > 60) throw new ArgusError('invalid_argument', `HLS list size must be 2–60, got ${n}`);
  return [
    '-nostdin', '-hide_banner', '-loglevel', 'error',
    // A live source is muxed from its first packets: a long probe (ffmpeg's 5 s default) would stamp the first segment's
    // program date time seconds after the picture in it arrived, and the analysis overlay would run ahead of the video.
    ...(spec.source.kind === 'file' ? [] : LIVE_PROBE),
    ...buildInputArgs({ source: spec.source, ...(spec.realtime !== undefined ? { realtime: spec.realtime } : {}), ...(spec.loop !== undefined ? { loop: spec.loop } : {}) }),
    '-map', '0:v:0', '-c', 'copy',
    '-f', 'hls', '-hls_time', String(t), '-hls_list_size', String(n), '-hls_flags', 'delete_segments+omit_endlist+program_date_time',
    '-hls_segment_filename', join(spec.dir, 'seg%d.ts'),
    join(spec.dir, HLS_PLAYLIST),
  ];
}

export interface HlsSessionOptions {
  readonly url: string;
  /** Stop after this long without a request (default 30 s). */
  readonly idleMs?: number;
  readonly ffmpegPath?: string;
  readonly onStop?: () => void;
}

export class HlsSession {
  private proc: ManagedProcess | undefined;
  private lastTouchMs = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private stopping: Promise<void> | undefined;

  private constructor(readonly dir: string, private readonly opts: HlsSessionOptions) {}

  static async start(opts: HlsSessionOptions): Promise<HlsSession> {
    const source = parseSource(opts.url);
    const dir = await mkdtemp(join(tmpdir(), 'argus-hls-'));
    const s = new HlsSession(dir, opts);
    const live = source.kind === 'file';
    // Files, not a pipe: without a parent-death signal a live muxer would outlive a killed Argus for ever.
    const cmd = endingWithParent(opts.ffmpegPath ?? 'ffmpeg', buildHlsArgs({ source, dir, realtime: live, loop: live }));
    s.proc = spawnManaged(cmd.command, cmd.args, { ownGroup: cmd.ownGroup });
    const idleMs = opts.idleMs ?? 30_000;
    s.timer = setInterval(() => {
      if (Date.now() - s.lastTouchMs > idleMs) void s.stop();
    }, Math.min(1000, idleMs));
    s.timer.unref();
    void s.proc.exited.then(() => s.stop());
    return s;
  }

  get alive(): boolean {
    return this.stopping === undefined;
  }

  touch(): void {
    this.lastTouchMs = Date.now();
  }

  /** Waits until the playlist exists (ffmpeg wrote its first segment); fails when ffmpeg ends first. */
  async waitForPlaylist(timeoutMs = 15_000): Promise<string> {
    const file = join(this.dir, HLS_PLAYLIST);
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (!this.alive) break;
      const st = await stat(file).catch(() => null);
      if (st && st.size > 0) return file;
      await new Promise((r) => setTimeout(r, 100));
    }
    const why = this.proc ? redactUrl(this.proc.stderrTail().slice(-2).join(' | ')) : '';
    throw new ArgusError(this.alive ? 'source_timeout' : 'source_exited', `no live stream from the camera${why ? `: ${why}` : ''}`);
  }

  /** Path of a segment or the playlist, or null for any other name (no traversal possible). */
  fileFor(name: string): string | null {
    return name === HLS_PLAYLIST || HLS_SEGMENT_NAME.test(name) ? join(this.dir, name) : null;
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.timer) clearInterval(this.timer);
      await this.proc?.stop(2000);
      await rm(this.dir, { recursive: true, force: true });
      this.opts.onStop?.();
    })();
    return this.stopping;
  }
}
