/**
 * Whether a store error means the DATABASE is away (down, restarting, unreachable, out of connections), as opposed
 * to something wrong with what was written. A writer that gets this should wait and try the same write again: the
 * data is good. Looked for along the error's `cause` chain (the adapters wrap driver errors).
 */
const NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** PostgreSQL SQLSTATEs: class 08 (connection exception), 57P01–57P03 (shut down, crash, cannot connect now), 53300 (too many connections). */
const PG_STATES = /^(08...|57P0[123]|53300)$/;
const MESSAGES = /Connection terminated|terminating connection|the database system is (starting up|shutting down|in recovery mode)|Client has encountered a connection error|timeout exceeded when trying to connect|SQLITE_BUSY|database is locked/i;

export function isStoreUnavailable(e: unknown): boolean {
  for (let x: unknown = e, depth = 0; x && depth < 8; depth++) {
    const err = x as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof err.code === 'string' && (NODE_CODES.has(err.code) || PG_STATES.test(err.code))) return true;
    if (typeof err.message === 'string' && MESSAGES.test(err.message)) return true;
    x = err.cause;
  }
  return false;
}
