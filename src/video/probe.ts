import { open, stat } from 'node:fs/promises';
import { ArgusError, isArgusError } from '../core/errors.js';
import { buildProbeArgs, DEFAULT_SOCKET_TIMEOUT_MS, parseSource, redactUrl, type SourceKind, type SourceRef } from './ffmpeg-args.js';
import { ffmpegFailure, looksLikeVideo } from './ffmpeg-errors.js';
import { spawnManaged } from './supervisor.js';

/** What ffprobe tells about a source's first video stream. */
export interface SourceInfo {
  readonly kind: SourceKind;
  readonly width: number;
  readonly height: number;
  /** Frames per second of the stream (average; undefined when the container does not say). */
  readonly fps: number | undefined;
  /** Files: length in seconds; live sources: undefined. */
  readonly durationSec: number | undefined;
  /** ffmpeg codec name, e.g. "h264", "hevc". */
  readonly codec: string;
  /** ffmpeg container name(s), e.g. "mov,mp4,m4a,3gp,3g2,mj2", "rtsp". */
  readonly format: string;
}

export interface ProbeOptions {
  /** Hard limit for the whole probe (ms, default 8000): every failure comes back within it. */
  readonly timeoutMs?: number;
  /** Network socket timeout (ms, default 5000). */
  readonly socketTimeoutMs?: number;
  /** ffprobe binary (default "ffprobe"). */
  readonly ffprobePath?: string;
  /** Abort: stops ffprobe and rejects with the signal's reason (or an `io_failed` error). */
  readonly signal?: AbortSignal;
}

interface ProbeJson {
  streams?: { codec_type?: string; codec_name?: string; width?: number; height?: number; avg_frame_rate?: string; r_frame_rate?: string }[];
  format?: { duration?: string; format_name?: string };
}

/** ffmpeg "decodes" text files as ANSI art video (tty demuxer): those are not camera video. */
const TEXT_ART_CODECS = new Set(['ansi', 'bintext', 'xbin', 'idf']);

/** "30000/1001" → 29.97; "0/0" → undefined. */
export function parseRate(rate: string | undefined): number | undefined {
  if (rate === undefined) return undefined;
  const [n, d] = rate.split('/').map(Number);
  const value = d === undefined ? n : n !== undefined && d !== 0 ? n / d : undefined;
  return value !== undefined && Number.isFinite(value) && value > 0 && value < 1000 ? value : undefined;
}

/** ffprobe JSON → SourceInfo, or the typed reason it is not a usable video. Pure. */
export function interpretProbe(json: ProbeJson, url: string, kind: SourceKind): SourceInfo {
  const where = redactUrl(url);
  const video = json.streams?.find((s) => s.codec_type === 'video' && !TEXT_ART_CODECS.has(s.codec_name ?? ''));
  if (!video) throw new ArgusError('source_not_video', `video source ${where}: contains no video stream`);
  if (video.codec_name === undefined || video.codec_name === 'none' || video.codec_name === 'unknown') {
    throw new ArgusError('source_unsupported_codec', `video source ${where}: unsupported or unknown video codec`);
  }
  if (!video.width || !video.height) {
    throw new ArgusError('source_corrupt', `video source ${where}: the video stream has no picture size (damaged header)`);
  }
  const duration = Number(json.format?.duration);
  return {
    kind,
    width: video.width,
    height: video.height,
    fps: parseRate(video.avg_frame_rate) ?? parseRate(video.r_frame_rate),
    durationSec: kind === 'file' && Number.isFinite(duration) && duration > 0 ? duration : undefined,
    codec: video.codec_name,
    format: json.format?.format_name ?? 'unknown',
  };
}

/** Fast local checks before ffprobe: missing, a directory, and whether the bytes look like a video container. */
async function checkFile(ref: SourceRef, url: string): Promise<boolean> {
  const where = redactUrl(url);
  try {
    const st = await stat(ref.input);
    if (st.isDirectory()) throw new ArgusError('source_not_video', `video source ${where}: is a directory, not a video file`);
    if (st.size === 0) throw new ArgusError('source_corrupt', `video source ${where}: the file is empty`);
    const fh = await open(ref.input, 'r');
    try {
      const head = new Uint8Array(512);
      const { bytesRead } = await fh.read(head, 0, head.length, 0);
      return looksLikeVideo(ref.input, head.subarray(0, bytesRead));
    } finally {
      await fh.close();
    }
  } catch (e) {
    if (isArgusError(e)) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new ArgusError('source_not_found', `video source ${where}: no such file`, { cause: e });
    if (code === 'EACCES') throw new ArgusError('source_not_found', `video source ${where}: cannot be read (permission denied)`, { cause: e });
    throw new ArgusError('io_failed', `video source ${where}: cannot read the file (${code ?? 'error'})`, { cause: e });
  }
}

/**
 * Probe a source with ffprobe. Fails with a typed ArgusError (source_not_found, source_not_video,
 * source_corrupt, source_refused, source_timeout, source_auth_failed, source_unsupported_codec) carrying one
 * human line, always within `timeoutMs`.
 */
export async function probeSource(url: string, opts: ProbeOptions = {}): Promise<SourceInfo> {
  const ref = parseSource(url);
  const timeoutMs = opts.timeoutMs ?? 8000;
  const socketTimeoutMs = Math.min(opts.socketTimeoutMs ?? DEFAULT_SOCKET_TIMEOUT_MS, Math.max(500, timeoutMs - 1000));
  const looksVideo = ref.kind === 'file' ? await checkFile(ref, url) : undefined;
  const started = Date.now();
  const proc = spawnManaged(opts.ffprobePath ?? 'ffprobe', buildProbeArgs({ source: ref, socketTimeoutMs }));
  let out = '';
  proc.stdout.setEncoding('utf8');
  proc.stdout.on('data', (chunk: string) => {
    if (out.length < 1_000_000) out += chunk;
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void proc.stop(500);
  }, timeoutMs);
  const onAbort = (): void => void proc.stop(500);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const exit = await proc.exited;
  clearTimeout(timer);
  opts.signal?.removeEventListener('abort', onAbort);
  if (opts.signal?.aborted === true) throw new ArgusError('io_failed', `probe of ${redactUrl(url)} was cancelled`, { cause: opts.signal.reason });
  const spawnError = proc.spawnError();
  if (spawnError) throw spawnError;
  if (timedOut) {
    throw new ArgusError('source_timeout', `video source ${redactUrl(url)}: timed out: no answer within ${Math.round(timeoutMs / 1000)} s`);
  }
  if (exit.code !== 0) {
    throw ffmpegFailure(proc.stderrTail(), {
      url,
      kind: ref.kind,
      looksLikeVideo: looksVideo,
      elapsedMs: Date.now() - started,
      socketTimeoutMs,
      exitCode: exit.code,
      signal: exit.signal,
    });
  }
  let json: ProbeJson;
  try {
    json = JSON.parse(out) as ProbeJson;
  } catch (cause) {
    throw new ArgusError('source_corrupt', `video source ${redactUrl(url)}: ffprobe gave no readable answer`, { cause });
  }
  return interpretProbe(json, url, ref.kind);
}
