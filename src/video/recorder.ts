/**
 * Continuous recording by ffmpeg segment copy (no re-encode): one ffmpeg per camera writes mp4 segments named by
 * their UTC start time (`20261122T003000Z.mp4`) into `<dir>/`, supervised with restart + capped backoff.
 * Only video is kept (`-map 0:v:0`): audio codecs of cameras (e.g. vorbis) do not always fit in mp4.
 * ffmpeg prints the name of each finished segment on stdout (`-segment_list pipe:1`): that is the recorder's
 * health (segments written, the last one and when).
 */
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { ArgusError, errorMessage } from '../core/errors.js';
import { buildInputArgs, parseSource, redactUrl, type SourceRef } from './ffmpeg-args.js';
import { backoffDelayMs, cancellableSleep, DEFAULT_BACKOFF, lineSplitter, spawnManaged, type BackoffPolicy, type ManagedProcess } from './supervisor.js';

/** `YYYYMMDDTHHMMSSZ.mp4`: the UTC start of a segment. */
export const SEGMENT_NAME = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z\.mp4$/;
/** strftime pattern of the segment names (ffmpeg `-strftime 1` formats in local time: run it with TZ=UTC). */
export const SEGMENT_PATTERN = '%Y%m%dT%H%M%SZ.mp4';

/** The UTC start (ms) of a segment file name, or null when the name is not one of ours. */
export function segmentStartMs(name: string): number | null {
  const m = SEGMENT_NAME.exec(name);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  return Number.isFinite(ms) && new Date(ms).getUTCDate() === d ? ms : null;
}

export interface RecordSpec {
  readonly source: SourceRef;
  /** Folder of the segments (one per camera). */
  readonly dir: string;
  /** Segment length, seconds (default 60). */
  readonly segmentSeconds?: number;
  /** Files: read at native speed and loop (a file posing as a live camera). */
  readonly realtime?: boolean;
  readonly loop?: boolean;
  readonly socketTimeoutMs?: number;
}

/** ffmpeg arguments of a segment-copy recorder. Pure. */
export function buildRecordArgs(spec: RecordSpec): string[] {
  const seconds = spec.segmentSeconds ?? 60;
  if (!Number.isInteger(seconds) || seconds <= 0 || seconds > 3600) throw new ArgusError('invalid_argument', `segment length must be 1–3600 s, got ${seconds}`);
  if (spec.dir.trim() === '') throw new ArgusError('invalid_argument', 'recording folder is empty');
  return [
    '-nostdin', '-hide_banner', '-loglevel', 'error',
    ...buildInputArgs({ source: spec.source, ...(spec.realtime !== undefined ? { realtime: spec.realtime } : {}), ...(spec.loop !== undefined ? { loop: spec.loop } : {}), ...(spec.socketTimeoutMs !== undefined ? { socketTimeoutMs: spec.socketTimeoutMs } : {}) }),
    '-map', '0:v:0', '-c', 'copy',
    '-f', 'segment', '-segment_time', String(seconds), '-segment_format', 'mp4', '-reset_timestamps', '1', '-strftime', '1',
    '-segment_list', 'pipe:1', '-segment_list_type', 'flat',
    `file:${join(spec.dir, SEGMENT_PATTERN)}`,
  ];
}

export interface RecorderOptions {
  readonly cameraId: string;
  /** Camera source URL or path. */
  readonly url: string;
  readonly dir: string;
  readonly segmentSeconds?: number;
  readonly backoff?: BackoffPolicy;
  readonly ffmpegPath?: string;
  readonly logger?: { warn(o: object, m: string): void; info(o: object, m: string): void };
  /** Called with the file name of each finished segment. */
  readonly onSegment?: (file: string) => void;
}

export interface RecorderStatus {
  readonly cameraId: string;
  readonly running: boolean;
  readonly restarts: number;
  readonly lastError: string | null;
  /** Segments finished since start. */
  readonly segments: number;
  /** File name of the last finished segment, and when it was finished (ms), null before the first. */
  readonly lastSegment: string | null;
  readonly lastSegmentAtMs: number | null;
}

/** A supervised recorder: `start()` returns at once; `stop()` ends ffmpeg (the open segment is finalised by SIGTERM). */
export class Recorder {
  private proc: ManagedProcess | undefined;
  private sleeper: { cancel(): void } | undefined;
  private stopped = false;
  private loopDone: Promise<void> = Promise.resolve();
  private restarts = 0;
  private lastError: string | null = null;
  private segments = 0;
  private lastSegment: string | null = null;
  private lastSegmentAtMs: number | null = null;
  private readonly source: SourceRef;

  constructor(private readonly opts: RecorderOptions) {
    this.source = parseSource(opts.url);
  }

  start(): void {
    this.stopped = false;
    this.loopDone = this.loop().catch((e: unknown) => {
      this.lastError = errorMessage(e);
      this.opts.logger?.warn({ cameraId: this.opts.cameraId, err: this.lastError }, 'recorder stopped');
    });
  }

  status(): RecorderStatus {
    return {
      cameraId: this.opts.cameraId, running: this.proc !== undefined && !this.stopped, restarts: this.restarts, lastError: this.lastError,
      segments: this.segments, lastSegment: this.lastSegment, lastSegmentAtMs: this.lastSegmentAtMs,
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.sleeper?.cancel();
    await this.proc?.stop(3000);
    await this.loopDone;
  }

  private async loop(): Promise<void> {
    await mkdir(this.opts.dir, { recursive: true });
    const isFile = this.source.kind === 'file';
    const args = buildRecordArgs({ source: this.source, dir: this.opts.dir, ...(this.opts.segmentSeconds !== undefined ? { segmentSeconds: this.opts.segmentSeconds } : {}), realtime: isFile, loop: isFile });
    let failures = 0;
    while (!this.stopped) {
      const began = Date.now();
      // -strftime formats in local time: run under TZ=UTC (through env(1)) so the names are UTC starts.
      const proc = spawnManaged('env', ['TZ=UTC', this.opts.ffmpegPath ?? 'ffmpeg', ...args]);
      this.proc = proc;
      this.watchSegments(proc);
      const exit = await proc.exited;
      this.proc = undefined;
      const spawnError = proc.spawnError();
      if (spawnError) throw spawnError;
      if (exit.code === 127) throw new ArgusError('ffmpeg_missing', 'ffmpeg was not found on PATH: install ffmpeg (apt-get install ffmpeg)');
      if (this.stopped) break;
      this.lastError = redactUrl(`ffmpeg exited (${exit.code ?? exit.signal ?? '?'}): ${proc.stderrTail().slice(-3).join(' | ')}`);
      const policy = this.opts.backoff ?? DEFAULT_BACKOFF;
      failures = Date.now() - began > policy.resetAfterMs ? 1 : failures + 1;
      this.restarts++;
      const delayMs = backoffDelayMs(policy, failures);
      this.opts.logger?.warn({ cameraId: this.opts.cameraId, err: this.lastError, delayMs }, 'recorder restarting');
      const s = cancellableSleep(delayMs);
      this.sleeper = s;
      await s.done;
    }
  }

  /**
   * Segment names ffmpeg prints as each one is finished. ffmpeg prints the name after writing the trailer but before
   * it closes (flushes) the file, so a segment is reported only once it reads as a complete mp4 (in order).
   */
  private watchSegments(proc: ManagedProcess): void {
    let reported = Promise.resolve();
    const lines = lineSplitter((line) => {
      const file = line.trim();
      if (segmentStartMs(file) === null) return;
      reported = reported.then(async () => {
        // A segment that never completes (ffmpeg killed while closing it) is not a finished segment: it stays on disk
        // for the listing, but is neither counted nor offered as the last one.
        if (!(await waitComplete(join(this.opts.dir, file)))) {
          this.opts.logger?.warn({ cameraId: this.opts.cameraId, file }, 'segment left incomplete');
          return;
        }
        this.segments++;
        this.lastSegment = file;
        this.lastSegmentAtMs = Date.now();
        this.opts.onSegment?.(file);
      }).catch((e: unknown) => this.opts.logger?.warn({ cameraId: this.opts.cameraId, err: errorMessage(e) }, 'segment report failed'));
    });
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => lines.push(chunk));
    proc.stdout.once('end', () => lines.flush());
  }
}

/**
 * Whether an mp4 file is complete: its top-level boxes (`ftyp`, `mdat`, `moov`…) add up exactly to the file's size
 * and the index (`moov`) is there. A segment still being flushed fails this.
 */
export async function isCompleteMp4(path: string): Promise<boolean> {
  const fh = await open(path, 'r').catch(() => null);
  if (!fh) return false;
  try {
    const size = (await fh.stat()).size;
    const head = Buffer.alloc(16);
    let at = 0;
    let moov = false;
    while (at + 8 <= size) {
      const { bytesRead } = await fh.read(head, 0, 16, at);
      if (bytesRead < 8) return false;
      let box = head.readUInt32BE(0);
      const type = head.toString('latin1', 4, 8);
      if (box === 1) {
        if (bytesRead < 16) return false;
        box = Number(head.readBigUInt64BE(8));
      } else if (box === 0) box = size - at; // to the end of the file
      if (box < 8) return false;
      if (type === 'moov') moov = true;
      at += box;
    }
    return moov && at === size;
  } finally {
    await fh.close();
  }
}

/** Waits (polling, at most `maxMs`) until a just-finished segment reads as a complete mp4; false if it never does. */
async function waitComplete(path: string, maxMs = 5000): Promise<boolean> {
  const until = Date.now() + maxMs;
  for (;;) {
    if (await isCompleteMp4(path)) return true;
    if (Date.now() >= until) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}
