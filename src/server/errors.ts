/** HTTP errors of the API: `{ error: { code, message } }` with an explicit status. */
import type { FastifyReply } from 'fastify';

/** An error with an explicit HTTP status and a code outside the core set (e.g. `locked`, `rate_limited`). */
export class HttpError extends Error {
  /** `retryAfterSec`: sent as the Retry-After header (429, 503). */
  constructor(readonly statusCode: number, readonly code: string, message: string, readonly retryAfterSec?: number) {
    super(message);
  }
}

export const sendError = (reply: FastifyReply, status: number, code: string, message: string): FastifyReply =>
  reply.status(status).send({ error: { code, message } });
