/** Typed errors: a stable `code` callers switch on, a human message, and the cause. */
export type ErrorCode =
  | 'config_invalid'
  | 'model_missing'
  | 'model_invalid'
  | 'source_auth_failed'
  | 'source_not_found'
  | 'source_refused'
  | 'source_timeout'
  | 'source_unsupported_codec'
  | 'source_corrupt'
  | 'source_not_video'
  | 'source_stalled'
  | 'source_exited'
  | 'ffmpeg_missing'
  | 'inference_failed'
  | 'checksum_mismatch'
  | 'invalid_argument'
  | 'io_failed'
  /** A service the process depends on (NATS, the database) is unreachable past a deadline: retry later, buffer or slow down. */
  | 'unavailable'
  | 'not_found'
  | 'conflict'
  | 'forbidden'
  | 'unauthorized';

export class ArgusError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'ArgusError';
  }
}

export const isArgusError = (e: unknown, code?: ErrorCode): e is ArgusError =>
  e instanceof ArgusError && (code === undefined || e.code === code);

/** A message safe to show: the error's own message, or its string form. */
export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));
