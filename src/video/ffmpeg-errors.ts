import { ArgusError, type ErrorCode } from '../core/errors.js';
import { redactUrl, type SourceKind } from './ffmpeg-args.js';

/**
 * ffmpeg/ffprobe stderr → a typed error. Pure. The table was built from messages provoked with Debian's
 * ffmpeg 5.1 (see ffmpeg-errors.test.ts for the real lines).
 */

export type SourceErrorCode = Extract<
  ErrorCode,
  | 'source_auth_failed'
  | 'source_not_found'
  | 'source_refused'
  | 'source_timeout'
  | 'source_unsupported_codec'
  | 'source_corrupt'
  | 'source_not_video'
>;

/** One recognised stderr line: the code and a short human reason. */
export interface FfmpegIssue {
  readonly code: SourceErrorCode;
  readonly reason: string;
  /** Higher wins when several lines match (specific beats generic). */
  readonly rank: number;
}

interface Rule {
  readonly re: RegExp;
  readonly code: SourceErrorCode;
  readonly reason: string | ((m: RegExpExecArray) => string);
  readonly rank: number;
}

const RULES: readonly Rule[] = [
  { re: /\b401 Unauthorized|authorization failed/i, code: 'source_auth_failed', reason: 'authentication failed (401): check the user name and password', rank: 90 },
  { re: /\b403 Forbidden|access denied/i, code: 'source_auth_failed', reason: 'access denied (403)', rank: 90 },
  { re: /\b404 Not Found/i, code: 'source_not_found', reason: 'not found on the server (404): check the stream path', rank: 90 },
  { re: /No such file or directory/i, code: 'source_not_found', reason: 'no such file', rank: 90 },
  { re: /Is a directory/i, code: 'source_not_video', reason: 'is a directory, not a video file', rank: 90 },
  { re: /Permission denied/i, code: 'source_not_found', reason: 'cannot be read (permission denied)', rank: 90 },
  { re: /Failed to resolve hostname|Name or service not known|Temporary failure in name resolution/i, code: 'source_not_found', reason: 'host name not found (DNS)', rank: 85 },
  { re: /Decoder \(codec (\S+)\) not found|unknown codec|Unsupported codec|codec not currently supported|No decoder for/i, code: 'source_unsupported_codec', reason: (m) => (m[1] !== undefined && m[1] !== 'none' ? `unsupported video codec "${m[1]}"` : 'unsupported or unknown video codec'), rank: 80 },
  { re: /Stream map '[^']*' matches no streams|does not contain any stream|no video stream/i, code: 'source_not_video', reason: 'contains no video stream', rank: 80 },
  { re: /Connection refused/i, code: 'source_refused', reason: 'connection refused: is the camera on and the port right?', rank: 70 },
  { re: /No route to host|Network is unreachable|Host is unreachable/i, code: 'source_refused', reason: 'host unreachable (network)', rank: 70 },
  { re: /Connection reset by peer|Broken pipe/i, code: 'source_refused', reason: 'the server closed the connection', rank: 60 },
  { re: /Server returned 5\d\d|5XX Server Error/i, code: 'source_refused', reason: 'server error (5xx)', rank: 60 },
  { re: /Connection timed out|Operation timed out|timed out/i, code: 'source_timeout', reason: 'timed out: no answer from the source', rank: 60 },
  { re: /moov atom not found|Invalid NAL unit size|error while decoding|invalid frame size|corrupt|truncat/i, code: 'source_corrupt', reason: 'the file is damaged (truncated or corrupt)', rank: 50 },
  { re: /Invalid data found when processing input|could not find codec parameters/i, code: 'source_corrupt', reason: 'unreadable data', rank: 10 },
];

/** Classify one stderr line, or undefined when it says nothing we know. */
export function classifyFfmpegLine(line: string): FfmpegIssue | undefined {
  for (const rule of RULES) {
    const m = rule.re.exec(line);
    if (m) return { code: rule.code, reason: typeof rule.reason === 'string' ? rule.reason : rule.reason(m), rank: rule.rank };
  }
  return undefined;
}

export interface ClassifyContext {
  /** The source as the user gave it (credentials are redacted in the message). */
  readonly url: string;
  readonly kind: SourceKind;
  /** For files: does the file look like a video container (extension or magic bytes)? */
  readonly looksLikeVideo?: boolean;
  /** How long the attempt ran and the socket timeout it had: separates a time-out from a refusal. */
  readonly elapsedMs?: number;
  readonly socketTimeoutMs?: number;
  /** The process exit code / signal, for the fallback message. */
  readonly exitCode?: number | null;
  readonly signal?: string | null;
}

/** The best issue among lines (highest rank; on ties the first). */
export function classifyFfmpegLines(lines: readonly string[]): FfmpegIssue | undefined {
  let best: FfmpegIssue | undefined;
  for (const line of lines) {
    const issue = classifyFfmpegLine(line);
    if (issue && (best === undefined || issue.rank > best.rank)) best = issue;
  }
  return best;
}

/** Refine a generic "invalid data" answer with what we know about the source. */
function refine(issue: FfmpegIssue, ctx: ClassifyContext): Pick<FfmpegIssue, 'code' | 'reason'> {
  if (issue.rank > 10) return issue;
  if (ctx.kind === 'file') {
    return ctx.looksLikeVideo === false
      ? { code: 'source_not_video', reason: 'is not a video file (unrecognised format)' }
      : { code: 'source_corrupt', reason: 'the file is damaged (unreadable container)' };
  }
  // RTSP answers "Invalid data" both when the socket timed out and when the peer hung up without speaking RTSP.
  const timedOut = ctx.elapsedMs !== undefined && ctx.socketTimeoutMs !== undefined && ctx.elapsedMs >= ctx.socketTimeoutMs * 0.9;
  return timedOut
    ? { code: 'source_timeout', reason: `timed out: no answer within ${Math.round(ctx.socketTimeoutMs! / 1000)} s` }
    : { code: 'source_refused', reason: 'the server did not answer as a video stream (closed the connection)' };
}

/**
 * One clear human line as a typed ArgusError, from the stderr lines of a failed ffmpeg/ffprobe run.
 * Falls back to `source_exited` with the last stderr line when nothing is recognised.
 */
export function ffmpegFailure(lines: readonly string[], ctx: ClassifyContext, cause?: unknown): ArgusError {
  const where = redactUrl(ctx.url);
  const issue = classifyFfmpegLines(lines);
  if (issue) {
    const { code, reason } = refine(issue, ctx);
    return new ArgusError(code, `video source ${where}: ${reason}`, { cause });
  }
  const last = [...lines].reverse().find((l) => l.trim() !== '');
  const how = ctx.signal ? `killed by ${ctx.signal}` : `exit code ${ctx.exitCode ?? 'unknown'}`;
  const detail = last !== undefined ? `: ${redactUrl(last.trim()).slice(0, 200)}` : '';
  return new ArgusError('source_exited', `video source ${where}: ffmpeg stopped (${how})${detail}`, { cause });
}

/** Extensions and magic numbers of video containers: a failing file that has one is corrupt, not "not a video". */
const VIDEO_EXT = /\.(mp4|m4v|mov|mkv|webm|avi|ts|mts|m2ts|flv|mpg|mpeg|3gp|h264|264|h265|hevc|mjpeg|wmv|asf|ogv|dav)$/i;

export function looksLikeVideo(path: string, head: Uint8Array): boolean {
  if (VIDEO_EXT.test(path)) return true;
  const ascii = (from: number, to: number): string => String.fromCharCode(...head.subarray(from, to));
  if (head.length >= 8 && ['ftyp', 'moov', 'mdat', 'free', 'wide'].includes(ascii(4, 8))) return true; // ISO BMFF
  if (head.length >= 4 && head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return true; // Matroska
  if (head.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'AVI ') return true;
  if (head.length >= 3 && ascii(0, 3) === 'FLV') return true;
  if (head.length >= 189 && head[0] === 0x47 && head[188] === 0x47) return true; // MPEG-TS sync bytes
  if (head.length >= 4 && head[0] === 0 && head[1] === 0 && head[2] === 1 && head[3] === 0xba) return true; // MPEG-PS
  return false;
}
