import { fileURLToPath } from 'node:url';
import { ArgusError } from '../core/errors.js';

/**
 * Pure builders of ffmpeg/ffprobe argument arrays (table-tested in ffmpeg-args.test.ts). Nothing here spawns.
 * Checked against Debian bookworm's ffmpeg 5.1: the RTSP socket timeout is `-timeout` in µs (`-stimeout` was
 * removed in 5.0); HTTP uses the generic `-rw_timeout` (µs) plus the reconnect flags.
 *
 * Every input gets a `-protocol_whitelist` fitting its kind, so a source can only ever open what its scheme
 * needs: a file source cannot reach the network (a local playlist naming http:// segments), a network source
 * cannot read local files (a playlist or a redirect naming file:, concat:, subfile:). HTTP sources follow no
 * redirect (`-max_redirects 0`): a redirect would lead past the camera network allow-list.
 */

export type SourceKind = 'file' | 'rtsp' | 'http';

/** A parsed source: `input` is a local path for files, the URL for network sources. */
export interface SourceRef {
  readonly kind: SourceKind;
  readonly input: string;
}

/** Parse a camera source (rtsp://, rtsps://, http(s)://, file: URL or a plain path). */
export function parseSource(url: string): SourceRef {
  const trimmed = url.trim();
  if (trimmed === '') throw new ArgusError('invalid_argument', 'video source is empty');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === 'rtsp' || scheme === 'rtsps') return { kind: 'rtsp', input: trimmed };
  if (scheme === 'http' || scheme === 'https') return { kind: 'http', input: trimmed };
  if (scheme === 'file') {
    try {
      return { kind: 'file', input: fileURLToPath(trimmed) };
    } catch (cause) {
      throw new ArgusError('invalid_argument', `bad file URL "${trimmed}"`, { cause });
    }
  }
  // A Windows drive letter ("C:") or no scheme at all: a plain path.
  if (scheme === undefined || scheme.length === 1 || !/^[a-z]+:\/\//i.test(trimmed)) return { kind: 'file', input: trimmed };
  throw new ArgusError('invalid_argument', `unsupported source scheme "${scheme}:" (use rtsp://, http(s)://, file: or a path)`);
}

/** Hide credentials (rtsp://user:pass@host → rtsp://user:***@host) in a URL or any text, before a log or an error. */
export function redactUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)([^\s/@:]*):([^\s/@]*)@/gi, (_m, scheme: string, user: string) => `${scheme}${user}:***@`);
}

/** Is this a live (network) source, supervised with reconnects? */
export const isLiveKind = (kind: SourceKind): boolean => kind !== 'file';

export interface InputSpec {
  readonly source: SourceRef;
  /** Files: read at native speed (`-re`), like a live camera. */
  readonly realtime?: boolean;
  /** Files: loop forever (`-stream_loop -1`). */
  readonly loop?: boolean;
  /** Network sources: socket I/O timeout (default 5000 ms). */
  readonly socketTimeoutMs?: number;
}

export type FfmpegLogLevel = 'error' | 'warning';

export interface DecodeSpec extends InputSpec {
  /** Output frames per second (fps filter). */
  readonly fps: number;
  /** Output size in pixels. */
  readonly width: number;
  readonly height: number;
  /** Decoder threads (`-threads`); ffmpeg's default when omitted. */
  readonly threads?: number;
  /** `error` (default) still prints every message the classifier needs. */
  readonly logLevel?: FfmpegLogLevel;
}

export const DEFAULT_SOCKET_TIMEOUT_MS = 5000;

const BASE = ['-nostdin', '-hide_banner'] as const;

function num(n: number, what: string): string {
  if (!Number.isFinite(n) || n <= 0) throw new ArgusError('invalid_argument', `${what} must be a positive number, got ${n}`);
  // Never exponent notation: ffmpeg parses "1e-7" differently per option.
  return Number.isInteger(n) ? String(n) : n.toFixed(6).replace(/0+$/, '');
}

function int(n: number, what: string): string {
  if (!Number.isInteger(n) || n <= 0) throw new ArgusError('invalid_argument', `${what} must be a positive integer, got ${n}`);
  return String(n);
}

const micros = (ms: number): string => int(Math.round(ms * 1000), 'socket timeout');

/**
 * The protocols ffmpeg may open for each kind of source (the input and anything it opens in turn). RTSP runs
 * interleaved over TCP (`-rtsp_transport tcp`), so no rtp/udp; rtsps and https need tls.
 */
export const PROTOCOL_WHITELIST: Readonly<Record<SourceKind, string>> = {
  file: 'file',
  rtsp: 'rtsp,rtsps,tcp,tls',
  http: 'http,https,tcp,tls',
};

/** The protocol options and `-i` for one input (ffmpeg and ffprobe share them). */
export function buildInputArgs(spec: InputSpec): string[] {
  const timeout = micros(spec.socketTimeoutMs ?? DEFAULT_SOCKET_TIMEOUT_MS);
  const { kind, input } = spec.source;
  const only = ['-protocol_whitelist', PROTOCOL_WHITELIST[kind]];
  switch (kind) {
    case 'file':
      return [
        ...only,
        ...(spec.realtime === true ? ['-re'] : []),
        ...(spec.loop === true ? ['-stream_loop', '-1'] : []),
        // "file:" keeps ffmpeg from reading "a:b.mp4" as protocol "a" or "-x.mp4" as an option.
        '-i',
        input.startsWith('file:') ? input : `file:${input}`,
      ];
    case 'rtsp':
      return [...only, '-rtsp_transport', 'tcp', '-timeout', timeout, '-i', input];
    case 'http':
      return [...only, '-max_redirects', '0', '-rw_timeout', timeout, '-reconnect', '1', '-reconnect_streamed', '1', '-reconnect_delay_max', '2', '-i', input];
  }
}

/** ffmpeg → raw RGB24 frames of exactly width×height×3 bytes on stdout. */
export function buildDecodeArgs(spec: DecodeSpec): string[] {
  const filter = `fps=${num(spec.fps, 'fps')},scale=${int(spec.width, 'width')}:${int(spec.height, 'height')}:flags=bilinear`;
  return [
    ...BASE,
    '-loglevel',
    spec.logLevel ?? 'error',
    ...(spec.threads !== undefined ? ['-threads', int(spec.threads, 'threads')] : []),
    ...buildInputArgs(spec),
    '-map',
    '0:v:0',
    '-an',
    '-sn',
    '-dn',
    '-vf',
    filter,
    '-pix_fmt',
    'rgb24',
    '-f',
    'rawvideo',
    'pipe:1',
  ];
}

/** ffprobe → JSON with the first video stream and the container. */
export function buildProbeArgs(spec: InputSpec): string[] {
  return [
    '-hide_banner',
    '-v',
    'error',
    '-show_entries',
    'format=duration,format_name:stream=codec_type,codec_name,width,height,avg_frame_rate,r_frame_rate,nb_frames',
    '-of',
    'json',
    ...buildInputArgs({ ...spec, realtime: false, loop: false }),
  ];
}

export type VideoCodec = 'libx264' | 'mpeg4';

export interface EncodeSpec {
  readonly file: string;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly codec: VideoCodec;
  /** libx264 quality (0–51, default 23). */
  readonly crf?: number;
}

/** ffmpeg ← raw RGB24 frames on stdin → an mp4 (yuv420p, even size padded). */
export function buildEncodeArgs(spec: EncodeSpec): string[] {
  const w = int(spec.width, 'width');
  const h = int(spec.height, 'height');
  const odd = spec.width % 2 === 1 || spec.height % 2 === 1;
  const codecArgs =
    spec.codec === 'libx264'
      ? ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', String(spec.crf ?? 23)]
      : ['-c:v', 'mpeg4', '-q:v', '4'];
  return [
    ...BASE,
    '-loglevel',
    'error',
    '-y',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    '-s',
    `${w}x${h}`,
    '-r',
    num(spec.fps, 'fps'),
    '-i',
    'pipe:0',
    ...(odd ? ['-vf', 'pad=ceil(iw/2)*2:ceil(ih/2)*2'] : []),
    ...codecArgs,
    '-pix_fmt',
    'yuv420p',
    '-movflags',
    '+faststart',
    spec.file.startsWith('file:') ? spec.file : `file:${spec.file}`,
  ];
}
