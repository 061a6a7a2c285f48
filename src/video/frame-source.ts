import { ArgusError, errorMessage, isArgusError } from '../core/errors.js';
import type { Frame } from '../core/frame.js';
import type { FrameSize } from '../core/geometry.js';
import { buildDecodeArgs, DEFAULT_SOCKET_TIMEOUT_MS, isLiveKind, parseSource, redactUrl, type SourceRef } from './ffmpeg-args.js';
import { DecodeDamage } from './decode-damage.js';
import { ffmpegFailure } from './ffmpeg-errors.js';
import { BoundedQueue, FrameAssembler } from './frame-reader.js';
import { probeSource, type SourceInfo } from './probe.js';
import type { FrameSource, FrameSourceEvent, FrameSourceOptions, FrameSourceStats, SourceHealth } from './source.js';
import {
  backoffDelayMs,
  cancellableSleep,
  DEFAULT_BACKOFF,
  spawnManaged,
  type BackoffPolicy,
  type ManagedProcess,
  type ProcessExit,
} from './supervisor.js';

/** Default analysis width cap when no size is given. */
export const MAX_DEFAULT_WIDTH = 1280;

const even = (n: number): number => Math.max(2, 2 * Math.round(n / 2));

/** The delivered frame size: explicit, one side derived keeping the aspect, or the source capped at 1280 wide. */
export function chooseOutputSize(source: FrameSize, width?: number, height?: number): FrameSize {
  if (width !== undefined && height !== undefined) return { width, height };
  if (width !== undefined) return { width, height: even((width * source.height) / source.width) };
  if (height !== undefined) return { width: even((height * source.width) / source.height), height };
  if (source.width <= MAX_DEFAULT_WIDTH) return { width: source.width, height: source.height };
  return { width: MAX_DEFAULT_WIDTH, height: even((MAX_DEFAULT_WIDTH * source.height) / source.width) };
}

/**
 * Open a supervised ffmpeg frame source (file, RTSP or HTTP). ffmpeg starts at once; iterate the result to get
 * frames. Live sources reconnect with capped backoff and a stall watchdog; files end at EOF (or loop).
 */
export function openFrameSource(opts: FrameSourceOptions): FrameSource {
  return new FfmpegFrameSource(opts);
}

interface Pending {
  readonly rgb: Uint8Array;
  readonly ptsSec: number;
  readonly capturedAtMs: number;
}

type Outcome =
  | { readonly kind: 'eof'; readonly healthyMs: number }
  | { readonly kind: 'closed' }
  | { readonly kind: 'error'; readonly error: ArgusError; readonly healthyMs: number; readonly fatal?: boolean };

const FATAL_CODES = new Set(['ffmpeg_missing', 'invalid_argument']);

class FfmpegFrameSource implements FrameSource {
  private readonly ref: SourceRef;
  private readonly live: boolean;
  private readonly retry: boolean;
  private readonly drop: boolean;
  private readonly policy: BackoffPolicy;
  private readonly stallMs: number;
  private readonly socketTimeoutMs: number;
  private readonly queue: BoundedQueue<Pending>;
  private startTimeMs: number;
  /** A file played at real time without a given start: its clock starts when its first frame arrives. */
  private readonly anchorOnFirstFrame: boolean;
  private readonly abort = new AbortController();
  private readonly runDone: Promise<void>;
  private state: SourceHealth = 'starting';
  private info: SourceInfo | undefined;
  private outSize: FrameSize | undefined;
  private proc: ManagedProcess | undefined;
  private paused = false;
  private closed = false;
  private sleeper: { cancel(): void } | undefined;
  private err: ArgusError | undefined;
  private counters = { framesDelivered: 0, framesDropped: 0, restarts: 0, stderrLines: 0 };
  private lastFrameAtMs: number | undefined;
  private lastPtsSec: number | undefined;
  private firstFrameAtMs: number | undefined;
  private lastProgressMs = 0;
  private stderrLoggedAtMs = 0;
  private stderrSuppressed = 0;
  /** Decoder errors of the stream; `damaged` while they keep coming (health degraded, frames still delivered). */
  private readonly damage = new DecodeDamage();
  private damaged = false;
  /** The last stderr line that says something (not ffmpeg's "Last message repeated"). */
  private lastErrorLine = '';

  constructor(private readonly opts: FrameSourceOptions) {
    if (!(opts.fps > 0)) throw new ArgusError('invalid_argument', `fps must be > 0, got ${opts.fps}`);
    this.ref = parseSource(opts.url);
    this.live = isLiveKind(this.ref.kind);
    this.retry = opts.reconnect ?? this.live;
    this.drop = opts.dropWhenBehind ?? this.live;
    this.policy = { ...DEFAULT_BACKOFF, ...opts.backoff };
    this.stallMs = opts.stallTimeoutMs ?? 10_000;
    this.socketTimeoutMs = opts.socketTimeoutMs ?? DEFAULT_SOCKET_TIMEOUT_MS;
    this.startTimeMs = opts.startTimeMs ?? Date.now();
    this.anchorOnFirstFrame = !this.live && opts.realtime === true && opts.startTimeMs === undefined;
    this.queue = new BoundedQueue<Pending>(Math.max(1, opts.maxQueuedFrames ?? 3), this.drop, () => this.resume());
    this.runDone = this.run().catch((e: unknown) => this.end(toArgusError(e)));
  }

  readonly sourceSize = (): FrameSize | undefined => (this.info ? { width: this.info.width, height: this.info.height } : undefined);
  readonly outputSize = (): FrameSize | undefined => this.outSize;
  readonly health = (): SourceHealth => this.state;
  readonly lastError = (): ArgusError | undefined => this.err;
  readonly stats = (): FrameSourceStats => ({ ...this.counters, lastFrameAtMs: this.lastFrameAtMs });

  [Symbol.asyncIterator](): AsyncIterator<Frame> {
    return {
      next: async () => {
        const r = await this.queue.next();
        return r.done === true ? { value: undefined, done: true } : { value: this.toFrame(r.value), done: false };
      },
      return: async () => {
        await this.close();
        return { value: undefined, done: true };
      },
    };
  }

  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.abort.abort();
      this.sleeper?.cancel();
      this.queue.clear();
      await this.proc?.stop();
    }
    await this.runDone;
    this.setHealth('ended');
  }

  private toFrame(p: Pending): Frame {
    const size = this.outSize!;
    return {
      index: this.counters.framesDelivered++,
      ptsSec: p.ptsSec,
      capturedAtMs: p.capturedAtMs,
      size,
      sourceSize: this.sourceSize() ?? size,
      rgb: p.rgb,
    };
  }

  private async run(): Promise<void> {
    let failures = 0;
    for (let attempt = 1; !this.closed; attempt++) {
      if (attempt > 1) {
        this.counters.restarts++;
        this.emit({ type: 'restart', attempt, atMs: Date.now() });
      }
      const outcome = await this.attempt();
      if (outcome.kind === 'closed' || this.closed) break;
      if (outcome.kind === 'eof' && !this.live && !this.retry) return this.end();
      const error =
        outcome.kind === 'error'
          ? outcome.error
          : new ArgusError('source_exited', `video source ${redactUrl(this.opts.url)}: the stream ended`);
      this.err = error;
      if (!this.retry || (outcome.kind === 'error' && outcome.fatal === true)) {
        this.emit({ type: 'error', error, atMs: Date.now() });
        this.opts.logger?.error({ code: error.code, err: error.message }, 'video source failed');
        return this.end(error);
      }
      failures = outcome.healthyMs >= this.policy.resetAfterMs ? 1 : failures + 1;
      const retryInMs = backoffDelayMs(this.policy, failures);
      this.emit({ type: 'error', error, retryInMs, atMs: Date.now() });
      this.opts.logger?.warn({ code: error.code, err: error.message, retryInMs, failures }, 'video source failed, retrying');
      this.setHealth(failures >= (this.opts.offlineAfterFailures ?? 3) ? 'offline' : 'degraded');
      const sleep = cancellableSleep(retryInMs);
      this.sleeper = sleep;
      await sleep.done;
      this.sleeper = undefined;
    }
    this.end();
  }

  private async attempt(): Promise<Outcome> {
    let info: SourceInfo;
    try {
      // The caller's probe serves the first attempt; a restart probes again (the stream may have changed).
      info = this.info === undefined && this.opts.probed ? this.opts.probed : await probeSource(this.opts.url, {
        socketTimeoutMs: this.socketTimeoutMs,
        ffprobePath: this.opts.ffprobePath,
        signal: this.abort.signal,
      });
    } catch (e) {
      if (this.closed) return { kind: 'closed' };
      const error = toArgusError(e);
      return { kind: 'error', error, healthyMs: 0, fatal: FATAL_CODES.has(error.code) };
    }
    if (this.closed) return { kind: 'closed' };
    this.info = info;
    this.outSize ??= chooseOutputSize(info, this.opts.width, this.opts.height);
    this.emit({ type: 'probed', info, atMs: Date.now() });
    return this.decode(this.outSize);
  }

  /** One ffmpeg run: frames until it exits, stalls or the source is closed. */
  private async decode(size: FrameSize): Promise<Outcome> {
    const args = buildDecodeArgs({
      source: this.ref,
      realtime: this.opts.realtime,
      loop: this.opts.loop,
      socketTimeoutMs: this.socketTimeoutMs,
      fps: this.opts.fps,
      width: size.width,
      height: size.height,
      threads: this.opts.decodeThreads,
    });
    const started = Date.now();
    const proc = spawnManaged(this.opts.ffmpegPath ?? 'ffmpeg', args, { onStderrLine: (l) => this.onStderr(l) });
    this.proc = proc;
    this.paused = false;
    this.lastProgressMs = started;
    const assembler = new FrameAssembler(size.width * size.height * 3);
    const sink = this.frameSink(proc);
    proc.stdout.on('data', (chunk: Buffer) => assembler.push(chunk, sink.onRgb));
    let stalled = false;
    const watchdog = setInterval(
      () => {
        if (this.paused || Date.now() - this.lastProgressMs <= this.stallMs) return;
        stalled = true;
        void proc.stop();
      },
      Math.min(1000, Math.max(50, this.stallMs / 4)),
    );
    const exit = await proc.exited;
    clearInterval(watchdog);
    this.proc = undefined;
    const firstAt = sink.firstAt();
    const healthyMs = firstAt === undefined ? 0 : Date.now() - firstAt;
    if (this.closed) return { kind: 'closed' };
    return this.outcomeOf(proc, exit, { stalled, healthyMs, elapsedMs: Date.now() - started });
  }

  /** Receives the frames of one run: timestamps them, queues them, pauses ffmpeg when the queue is full. */
  private frameSink(proc: ManagedProcess): { onRgb: (rgb: Uint8Array) => void; firstAt: () => number | undefined } {
    const fps = this.opts.fps;
    let runFrames = 0;
    let offsetSec = 0;
    let firstAt: number | undefined;
    const onRgb = (rgb: Uint8Array): void => {
      if (this.closed) return;
      const now = Date.now();
      if (firstAt === undefined) {
        firstAt = now;
        offsetSec = this.segmentOffsetSec(now);
        // A file posing as a camera is stamped as a camera's frames are (on arrival): not from when it was opened,
        // which would count ffmpeg's start (about a second) as time its first frames already existed.
        if (this.anchorOnFirstFrame && this.firstFrameAtMs === undefined) this.startTimeMs = now - offsetSec * 1000;
        this.firstFrameAtMs ??= now;
        if (!this.damaged) this.setHealth('online');
      }
      if (this.damaged && this.damage.count(now) === 0) {
        this.damaged = false;
        this.setHealth('online');
      }
      const ptsSec = offsetSec + runFrames / fps;
      runFrames++;
      this.lastPtsSec = ptsSec;
      this.lastFrameAtMs = now;
      this.lastProgressMs = now;
      const capturedAtMs = this.live ? now : this.startTimeMs + ptsSec * 1000;
      this.counters.framesDropped += this.queue.push({ rgb, ptsSec, capturedAtMs });
      if (!this.drop && this.queue.full && !this.paused) {
        this.paused = true;
        proc.stdout.pause();
      }
    };
    return { onRgb, firstAt: () => firstAt };
  }

  /** How a run ended, as a typed outcome. */
  private outcomeOf(proc: ManagedProcess, exit: ProcessExit, run: { stalled: boolean; healthyMs: number; elapsedMs: number }): Outcome {
    const { healthyMs } = run;
    const spawnError = proc.spawnError();
    if (spawnError) return { kind: 'error', error: spawnError, healthyMs, fatal: true };
    if (run.stalled) {
      const msg = `video source ${redactUrl(this.opts.url)}: no frame for ${(this.stallMs / 1000).toFixed(1)} s (stalled)`;
      return { kind: 'error', error: new ArgusError('source_stalled', msg), healthyMs };
    }
    if (exit.code === 0) return { kind: 'eof', healthyMs };
    const error = ffmpegFailure(proc.stderrTail(), {
      url: this.opts.url,
      kind: this.ref.kind,
      elapsedMs: run.elapsedMs,
      socketTimeoutMs: this.socketTimeoutMs,
      exitCode: exit.code,
      signal: exit.signal,
    });
    return { kind: 'error', error, healthyMs };
  }

  /** pts of the first frame of a run: 0 at first; after a restart, continuing (live: the wall time elapsed). */
  private segmentOffsetSec(nowMs: number): number {
    if (this.lastPtsSec === undefined) return 0;
    const next = this.lastPtsSec + 1 / this.opts.fps;
    return this.live && this.firstFrameAtMs !== undefined ? Math.max(next, (nowMs - this.firstFrameAtMs) / 1000) : next;
  }

  private resume(): void {
    if (!this.paused || !this.proc) return;
    this.paused = false;
    this.lastProgressMs = Date.now();
    this.proc.stdout.resume();
  }

  /** ffmpeg stderr during a run (decode warnings on a damaged stream): counted, logged at most every 30 s. */
  private onStderr(line: string): void {
    this.counters.stderrLines++;
    const now = Date.now();
    if (!/^\s*Last message repeated/.test(line)) this.lastErrorLine = line;
    if (this.damage.error(now) && !this.damaged && this.state !== 'ended') this.onDamaged(now, this.lastErrorLine);
    if (now - this.stderrLoggedAtMs < 30_000) {
      this.stderrSuppressed++;
      return;
    }
    this.opts.logger?.debug({ line: redactUrl(line), suppressed: this.stderrSuppressed }, 'ffmpeg stderr');
    this.stderrLoggedAtMs = now;
    this.stderrSuppressed = 0;
  }

  /** The decoder keeps failing: the stream is damaged. Frames go on; the health and the last error say so. */
  private onDamaged(now: number, line: string): void {
    this.damaged = true;
    const n = this.damage.count(now);
    const error = new ArgusError('source_corrupt', `video source ${redactUrl(this.opts.url)}: the stream is damaged: ${n} decoder errors in ${this.damage.windowMs / 1000} s (last: ${redactUrl(line).slice(0, 160)})`);
    this.err = error;
    this.opts.logger?.warn({ code: error.code, err: error.message }, 'video source damaged');
    this.emit({ type: 'error', error, atMs: now });
    this.setHealth('degraded');
  }

  private end(error?: ArgusError): void {
    if (error) this.err = error;
    this.queue.finish(error);
    this.setHealth('ended');
  }

  private setHealth(next: SourceHealth): void {
    const previous = this.state;
    if (previous === next || previous === 'ended') return;
    this.state = next;
    this.opts.logger?.info({ health: next, previous }, 'video source health');
    this.emit({ type: 'health', health: next, previous, atMs: Date.now() });
  }

  private emit(event: FrameSourceEvent): void {
    try {
      this.opts.onEvent?.(event);
    } catch (e) {
      this.opts.logger?.error({ err: errorMessage(e) }, 'video source event handler threw');
    }
  }
}

function toArgusError(e: unknown): ArgusError {
  return isArgusError(e) ? e : new ArgusError('source_exited', `video source failed: ${errorMessage(e)}`, { cause: e });
}
