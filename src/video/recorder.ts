/**
 * Continuous recording by ffmpeg segment copy (no re-encode): one ffmpeg per camera writes mp4 segments into
 * `<dir>/`, named by their UTC start to the millisecond (`20261122T003000.250Z.mp4`, see segment-names.ts),
 * supervised with restart + capped backoff. Only video is kept (`-map 0:v:0`): audio codecs of cameras
 * (e.g. vorbis) do not always fit in mp4.
 *
 * ffmpeg writes numbered files into `<dir>/.incoming/` and prints each finished one with its stream times on stdout
 * (`-segment_list pipe:1`, csv). The recorder waits until the file reads as a complete mp4, then moves it to a name
 * no other segment has: two segments can never overwrite each other, whatever the clock or a restart does. That is
 * also the recorder's health (segments written, the last one and when). What a run leaves in the staging folder (the
 * segment open when ffmpeg or Argus died) is moved out under its estimated start as well, so no footage is left
 * where the listing and retention do not see it.
 */
import { mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ArgusError, errorMessage } from '../core/errors.js';
import { buildInputArgs, parseSource, redactUrl, type SourceRef } from './ffmpeg-args.js';
import { freeSegmentName, parseSegmentListLine, SegmentClock, type SegmentListEntry } from './segment-names.js';
import { backoffDelayMs, cancellableSleep, DEFAULT_BACKOFF, endingWithParent, lineSplitter, spawnManaged, type BackoffPolicy, type ManagedProcess } from './supervisor.js';


/** Folder (inside a camera's folder) where ffmpeg writes the segments before they are named. */
export const STAGING_DIR = '.incoming';
/** Staged file names: `<run>-<number>.mp4`. */
const STAGED_NAME = /^([a-z0-9]+)-\d{6,}\.mp4$/;

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
  /** Token of this ffmpeg run, the prefix of its staged files (lower-case letters and digits; default `r`). */
  readonly run?: string;
}

/** ffmpeg arguments of a segment-copy recorder. Pure. */
export function buildRecordArgs(spec: RecordSpec): string[] {
  const seconds = spec.segmentSeconds ?? 60;
  if (!Number.isInteger(seconds) || seconds <= 0 || seconds > 3600) throw new ArgusError('invalid_argument', `segment length must be 1–3600 s, got ${seconds}`);
  if (spec.dir.trim() === '') throw new ArgusError('invalid_argument', 'recording folder is empty');
  const run = spec.run ?? 'r';
  if (!/^[a-z0-9]{1,32}$/.test(run)) throw new ArgusError('invalid_argument', `run token must be 1–32 lower-case letters or digits, got ${JSON.stringify(run)}`);
  return [
    '-nostdin', '-hide_banner', '-loglevel', 'error',
    ...buildInputArgs({ source: spec.source, ...(spec.realtime !== undefined ? { realtime: spec.realtime } : {}), ...(spec.loop !== undefined ? { loop: spec.loop } : {}), ...(spec.socketTimeoutMs !== undefined ? { socketTimeoutMs: spec.socketTimeoutMs } : {}) }),
    '-map', '0:v:0', '-c', 'copy',
    '-f', 'segment', '-segment_time', String(seconds), '-segment_format', 'mp4', '-reset_timestamps', '1',
    '-segment_list', 'pipe:1', '-segment_list_type', 'csv',
    `file:${join(spec.dir, STAGING_DIR, `${run}-%06d.mp4`)}`,
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
  private runs = 0;
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
    const staging = join(this.opts.dir, STAGING_DIR);
    await mkdir(staging, { recursive: true });
    // What a recorder that died (Argus killed) left staged is named first, so a new run never writes over it.
    await this.adoptStaged(null, false);
    const isFile = this.source.kind === 'file';
    let failures = 0;
    while (!this.stopped) {
      const began = Date.now();
      const run: Run = { token: `${began.toString(36)}${(this.runs++).toString(36)}`, clock: new SegmentClock(), last: null, reported: Promise.resolve() };
      const args = buildRecordArgs({ source: this.source, dir: this.opts.dir, ...(this.opts.segmentSeconds !== undefined ? { segmentSeconds: this.opts.segmentSeconds } : {}), realtime: isFile, loop: isFile, run: run.token });
      const cmd = endingWithParent(this.opts.ffmpegPath ?? 'ffmpeg', args);
      const proc = spawnManaged(cmd.command, cmd.args, { ownGroup: cmd.ownGroup });
      this.proc = proc;
      this.watchSegments(proc, run);
      const exit = await proc.exited;
      this.proc = undefined;
      await run.reported;
      await this.adoptStaged(run, true);
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
   * Segments ffmpeg prints as each one is finished. ffmpeg prints the entry after writing the trailer but before
   * it closes (flushes) the file, so a segment is named and reported only once it reads as a complete mp4 (in order).
   */
  private watchSegments(proc: ManagedProcess, run: Run): void {
    const lines = lineSplitter((line) => {
      const entry = parseSegmentListLine(line);
      if (!entry || !entry.file.startsWith(`${run.token}-`)) return;
      const reportedAtMs = Date.now();
      run.reported = run.reported.then(async () => {
        const staged = join(this.opts.dir, STAGING_DIR, entry.file);
        // A segment that never completes (ffmpeg killed while closing it) is not a finished segment: it is moved out
        // with the run's leftovers, for the listing, but neither counted nor offered as the last one.
        if (!(await waitComplete(staged))) return;
        const name = await this.place(staged, run.clock.startOf(entry, reportedAtMs));
        run.last = entry;
        this.segments++;
        this.lastSegment = name;
        this.lastSegmentAtMs = Date.now();
        this.opts.onSegment?.(name);
        await this.adoptStaged(run, false);
      }).catch((e: unknown) => this.opts.logger?.warn({ cameraId: this.opts.cameraId, err: errorMessage(e) }, 'segment report failed'));
    });
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => lines.push(chunk));
    proc.stdout.once('end', () => lines.flush());
  }

  /** Moves a staged file to the free segment name of its start (the first free millisecond from it); the name. */
  private async place(staged: string, startMs: number): Promise<string> {
    const { name } = await freeSegmentName(this.opts.dir, startMs);
    await rename(staged, join(this.opts.dir, name));
    return name;
  }

  /**
   * Names what is left in the staging folder. `current` null (at start): everything earlier runs left. Otherwise the
   * current run's own leftovers once it has `ended` (the segment open when its ffmpeg ended), and files of other runs
   * nobody has written to for two segment lengths (an ffmpeg that outlived a killed Argus writes until its next
   * segment ends). A leftover of the current run starts where its last reported segment ended, any other when the
   * file was created. An empty file (ffmpeg died before writing) is removed once nobody can be writing it. Failures
   * are logged: recording goes on.
   */
  private async adoptStaged(current: Run | null, ended: boolean): Promise<void> {
    const staging = join(this.opts.dir, STAGING_DIR);
    const staleMs = 2 * (this.opts.segmentSeconds ?? 60) * 1000 + 10_000;
    try {
      for (const n of (await readdir(staging)).filter((f) => STAGED_NAME.test(f)).sort()) {
        const mine = current !== null && n.startsWith(`${current.token}-`);
        if (mine && !ended) continue;
        const staged = join(staging, n);
        const st = await stat(staged);
        const stale = Date.now() - st.mtimeMs > staleMs;
        if (!mine && current !== null && !stale) continue;
        if (st.size === 0) {
          if (mine || stale) await unlink(staged);
          continue;
        }
        const complete = await isCompleteMp4(staged);
        const startMs = (mine ? current.clock.after(current.last) : null) ?? (st.birthtimeMs > 0 ? st.birthtimeMs : st.mtimeMs);
        if (mine) current.last = null; // a second leftover of the run would have no known start either
        const name = await this.place(staged, startMs);
        this.opts.logger?.warn({ cameraId: this.opts.cameraId, file: name, complete }, complete ? 'unreported segment recovered' : 'segment left incomplete');
      }
    } catch (e) {
      this.opts.logger?.warn({ cameraId: this.opts.cameraId, err: errorMessage(e) }, 'staged segments not recovered');
    }
  }
}

/** One ffmpeg run of a recorder. */
interface Run {
  readonly token: string;
  readonly clock: SegmentClock;
  /** The last segment of the run named so far. */
  last: SegmentListEntry | null;
  /** Settles when every segment the run reported is handled. */
  reported: Promise<void>;
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
