import { execFile } from 'node:child_process';
import { ArgusError, errorMessage } from '../core/errors.js';
import { buildEncodeArgs, type VideoCodec } from './ffmpeg-args.js';
import { spawnManaged } from './supervisor.js';

/** Encodes RGB24 frames into a video file with ffmpeg (libx264 when this ffmpeg has it, else mpeg4). */

export interface VideoWriterOptions {
  /** Output path (.mp4). Overwritten if it exists. */
  readonly file: string;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  /** Force a codec (default: libx264 if available, else mpeg4). */
  readonly codec?: VideoCodec;
  /** libx264 quality, 0–51 (default 23). */
  readonly crf?: number;
  readonly ffmpegPath?: string;
}

export interface VideoWriter {
  readonly codec: VideoCodec;
  /** Queue one frame (width×height×3 bytes); resolves when ffmpeg can take more (back-pressure). */
  write(rgb: Uint8Array): Promise<void>;
  /** Finish the file; rejects with `io_failed` when ffmpeg failed. */
  close(): Promise<void>;
  readonly framesWritten: () => number;
}

const encoderCache = new Map<string, Promise<Set<string>>>();

/** Video encoders this ffmpeg offers (cached per binary). */
export function availableEncoders(ffmpegPath = 'ffmpeg'): Promise<Set<string>> {
  let cached = encoderCache.get(ffmpegPath);
  if (!cached) {
    cached = new Promise((resolve, reject) => {
      execFile(ffmpegPath, ['-hide_banner', '-encoders'], { maxBuffer: 4_000_000 }, (err, stdout) => {
        if (err) {
          encoderCache.delete(ffmpegPath);
          const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
          reject(new ArgusError(missing ? 'ffmpeg_missing' : 'io_failed', `cannot list ffmpeg encoders: ${err.message}`, { cause: err }));
          return;
        }
        const names = new Set<string>();
        for (const line of stdout.split('\n')) {
          const m = /^\s*V\S*\s+(\S+)/.exec(line);
          if (m?.[1] !== undefined) names.add(m[1]);
        }
        resolve(names);
      });
    });
    encoderCache.set(ffmpegPath, cached);
  }
  return cached;
}

export async function openVideoWriter(opts: VideoWriterOptions): Promise<VideoWriter> {
  const codec: VideoCodec = opts.codec ?? ((await availableEncoders(opts.ffmpegPath)).has('libx264') ? 'libx264' : 'mpeg4');
  const frameBytes = opts.width * opts.height * 3;
  const args = buildEncodeArgs({ file: opts.file, width: opts.width, height: opts.height, fps: opts.fps, codec, crf: opts.crf });
  const proc = spawnManaged(opts.ffmpegPath ?? 'ffmpeg', args, { stdin: true });
  const stdin = proc.stdin;
  if (!stdin) throw new ArgusError('io_failed', 'cannot open a pipe to ffmpeg');
  let pipeError: Error | undefined;
  stdin.on('error', (e) => {
    pipeError = e;
  });
  let exited = false;
  void proc.exited.then(() => {
    exited = true;
  });
  let frames = 0;
  let closing: Promise<void> | undefined;

  const failure = (what: string): ArgusError => {
    const spawnError = proc.spawnError();
    if (spawnError) return spawnError;
    const last = proc.stderrTail().at(-1);
    const why = last ?? (pipeError ? errorMessage(pipeError) : 'ffmpeg exited');
    return new ArgusError('io_failed', `video writer ${opts.file}: ${what}: ${why}`, { cause: pipeError });
  };

  const write = async (rgb: Uint8Array): Promise<void> => {
    if (rgb.length !== frameBytes) {
      throw new ArgusError('invalid_argument', `frame has ${rgb.length} bytes, expected ${frameBytes} (${opts.width}×${opts.height}×3)`);
    }
    if (closing) throw new ArgusError('invalid_argument', `video writer ${opts.file} is closed`);
    if (exited || pipeError) throw failure('encoder stopped');
    frames++;
    if (stdin.write(rgb)) return;
    await new Promise<void>((resolve, reject) => {
      const done = (): void => {
        stdin.off('drain', done);
        stdin.off('close', done);
        if (pipeError || exited) reject(failure('encoder stopped'));
        else resolve();
      };
      stdin.on('drain', done);
      stdin.on('close', done);
    });
  };

  const close = (): Promise<void> => {
    closing ??= (async () => {
      stdin.end();
      const exit = await proc.exited;
      if (proc.spawnError() || exit.code !== 0) throw failure(`ffmpeg failed (exit ${exit.code ?? exit.signal ?? '?'})`);
    })();
    return closing;
  };

  return { codec, write, close, framesWritten: () => frames };
}
