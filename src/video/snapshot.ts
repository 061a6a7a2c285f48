/**
 * One JPEG frame of a source by a single ffmpeg grab (`-frames:v 1 -f image2pipe -c:v mjpeg`), bounded in time.
 */
import { ArgusError } from '../core/errors.js';
import { buildInputArgs, parseSource, redactUrl, type SourceRef } from './ffmpeg-args.js';
import { spawnManaged } from './supervisor.js';

export interface SnapshotSpec {
  readonly source: SourceRef;
  /** Output width in pixels (height keeps the aspect); the source size when omitted. */
  readonly width?: number;
  /** mjpeg quality 2 (best) – 31 (default 4). */
  readonly quality?: number;
}

/** ffmpeg arguments of a one-frame JPEG grab to stdout. Pure. */
export function buildSnapshotArgs(spec: SnapshotSpec): string[] {
  const q = spec.quality ?? 4;
  if (!Number.isInteger(q) || q < 2 || q > 31) throw new ArgusError('invalid_argument', `JPEG quality must be 2–31, got ${q}`);
  if (spec.width !== undefined && (!Number.isInteger(spec.width) || spec.width < 16 || spec.width > 7680)) throw new ArgusError('invalid_argument', `snapshot width must be 16–7680, got ${spec.width}`);
  return [
    '-nostdin', '-hide_banner', '-loglevel', 'error',
    ...buildInputArgs({ source: spec.source }),
    '-map', '0:v:0', '-frames:v', '1',
    ...(spec.width !== undefined ? ['-vf', `scale=${spec.width}:-2`] : []),
    '-c:v', 'mjpeg', '-q:v', String(q), '-f', 'image2pipe', 'pipe:1',
  ];
}

/** Grabs one frame of `url` as JPEG bytes; fails with `source_timeout` after `timeoutMs` (default 10 s). */
export async function grabJpeg(url: string, opts: { width?: number; timeoutMs?: number; ffmpegPath?: string } = {}): Promise<Buffer> {
  const args = buildSnapshotArgs({ source: parseSource(url), ...(opts.width !== undefined ? { width: opts.width } : {}) });
  const proc = spawnManaged(opts.ffmpegPath ?? 'ffmpeg', args);
  const chunks: Buffer[] = [];
  proc.stdout.on('data', (c: Buffer) => chunks.push(c));
  const timer = setTimeout(() => void proc.stop(500), opts.timeoutMs ?? 10_000);
  const exit = await proc.exited;
  clearTimeout(timer);
  const spawnError = proc.spawnError();
  if (spawnError) throw spawnError;
  const jpeg = Buffer.concat(chunks);
  if (exit.code === 0 && jpeg.length > 2 && jpeg[0] === 0xff && jpeg[1] === 0xd8) return jpeg;
  if (exit.signal !== null) throw new ArgusError('source_timeout', `no frame from ${redactUrl(url)} within ${opts.timeoutMs ?? 10_000} ms`);
  throw new ArgusError('source_exited', `no frame from ${redactUrl(url)}: ${redactUrl(proc.stderrTail().slice(-2).join(' | '))}`);
}
