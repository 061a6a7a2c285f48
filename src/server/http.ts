/**
 * One way to declare a route: zod schemas for params, query and body (strict) validate the request AND feed the
 * OpenAPI document; a permission from rbac.ts guards it; its `response` — a schema of src/contract, or the content
 * type of a file or stream — says what it answers: it types the handler's return, feeds OpenAPI, and is checked
 * on every answer when the server runs with `checkResponses` (the tests; response-check.ts). Errors leave as
 * `{ error: { code, message } }`.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ArgusError, isArgusError, type ErrorCode } from '../core/errors.js';
import { requirePermission, type Permission } from './rbac.js';
import { HttpError } from './errors.js';
import type { Principal } from './rbac.js';
import { badText } from './text-guard.js';
import type { ResponseCheck, RouteResponse } from './response-check.js';

export { HttpError, sendError } from './errors.js';
import { sendError } from './errors.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type { RouteResponse } from './response-check.js';

/**
 * What a JSON route's handler may return for its response schema's type T: the same shape, with arrays readonly,
 * string enums as plain strings and `true`/`false` as boolean (the store's records carry `string` kinds, and a
 * literal in a handler widens; the tests check the values at run time).
 */
export type Served<T> = T extends string ? string
  : T extends boolean ? boolean
  : T extends readonly (infer U)[] ? readonly Served<U>[]
  : T extends object ? { readonly [K in keyof T]: Served<T[K]> }
  : T;
/** A handler's answer: the served shape of a JSON route (or a reply it sent itself); anything for a file or stream. */
export type Answer<R extends RouteResponse> = R extends z.ZodType ? Served<z.output<R>> | FastifyReply : unknown;

export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends RouteResponse> {
  readonly method: Method;
  readonly url: string;
  readonly summary: string;
  readonly tag: string;
  /** `public`: no session needed (login, health). Otherwise the permission the caller must hold. */
  readonly permission: Permission | 'public' | 'authenticated';
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  readonly bodyLimit?: number;
  /** What a 2xx answer is: a response schema of src/contract, or `content(type, what)` for a file or a stream. */
  readonly response: R;
  readonly handler: (ctx: {
    req: FastifyRequest;
    reply: FastifyReply;
    principal: Principal | null;
    params: z.output<P>;
    query: z.output<Q>;
    body: z.output<B>;
  }) => Promise<Answer<R>>;
}

export interface RouteDoc {
  readonly method: Method;
  readonly url: string;
  readonly summary: string;
  readonly tag: string;
  readonly permission: string;
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  readonly response: RouteResponse;
}

/** HTTP status of each error code. */
const STATUS: Record<ErrorCode, number> = {
  config_invalid: 400, invalid_argument: 400, not_found: 404, conflict: 409, forbidden: 403, unauthorized: 401,
  model_missing: 503, model_invalid: 503, unavailable: 503, io_failed: 500, inference_failed: 500, checksum_mismatch: 500,
  source_auth_failed: 502, source_not_found: 502, source_refused: 502, source_timeout: 504, source_unsupported_codec: 502,
  source_corrupt: 502, source_not_video: 502, source_stalled: 502, source_exited: 502, ffmpeg_missing: 500,
};

function zodMessage(where: string, e: z.ZodError): string {
  return e.issues
    .slice(0, 5)
    .map((i) => {
      const path = [where, ...i.path.map(String)].join('.');
      return i.code === 'unrecognized_keys' ? `${path}: unknown field(s) ${i.keys.join(', ')}` : `${path}: ${i.message}`;
    })
    .join('; ');
}

export function parseWith<S extends z.ZodType>(schema: S | undefined, value: unknown, where: string): z.output<S> {
  if (!schema) return undefined as z.output<S>;
  const r = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (!r.success) throw new HttpError(400, 'invalid_request', zodMessage(where, r.error));
  const bad = badText(r.data, where);
  if (bad !== null) throw new HttpError(400, 'invalid_text', `${bad}: text with a NUL character or a lone surrogate (not well-formed Unicode)`);
  return r.data;
}

/** The fastify error handler: every failure becomes `{ error: { code, message } }`; 5xx hide their details. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | Error, req, reply) => {
    if (err instanceof HttpError) {
      if (err.retryAfterSec !== undefined) reply.header('retry-after', String(err.retryAfterSec));
      return sendError(reply, err.statusCode, err.code, err.message);
    }
    if (isArgusError(err)) {
      const status = STATUS[err.code];
      if (status >= 500) req.log.error({ err }, 'request failed');
      return sendError(reply, status, err.code, status >= 500 ? 'internal error' : err.message);
    }
    const status = (err as FastifyError).statusCode ?? 500;
    if (status < 500) {
      const fe = err as FastifyError;
      const code = fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'body_too_large'
        : fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'unsupported_media_type'
        : err instanceof SyntaxError || fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'invalid_json'
        : 'bad_request';
      return sendError(reply, status, code, err.message);
    }
    req.log.error({ err }, 'request failed');
    return sendError(reply, 500, 'internal', 'internal error');
  });
}

export class Router {
  readonly docs: RouteDoc[] = [];
  /** `check`: check every answer against its route's response (the tests); none in production. */
  constructor(private readonly app: FastifyInstance, readonly check?: ResponseCheck) {}

  add<P extends z.ZodType = z.ZodUndefined, Q extends z.ZodType = z.ZodUndefined, B extends z.ZodType = z.ZodUndefined, R extends RouteResponse = RouteResponse>(spec: RouteSpec<P, Q, B, R>): void {
    this.docs.push({ method: spec.method, url: spec.url, summary: spec.summary, tag: spec.tag, permission: spec.permission, params: spec.params, query: spec.query, body: spec.body, response: spec.response });
    this.app.route({
      method: spec.method,
      url: spec.url,
      ...(spec.bodyLimit !== undefined ? { bodyLimit: spec.bodyLimit } : {}),
      ...(this.check ? this.check.hooks(spec.method, spec.url, spec.response) : {}),
      handler: async (req, reply) => {
        const principal = req.principal ?? null;
        if (spec.permission !== 'public') {
          if (!principal) throw new HttpError(401, 'unauthorized', 'sign in or send an API key');
          if (spec.permission !== 'authenticated') requirePermission(principal, spec.permission);
        }
        const params = parseWith(spec.params, req.params, 'params');
        const query = parseWith(spec.query, req.query, 'query');
        const body = parseWith(spec.body, req.body, 'body');
        // A handler that sends its answer itself returns the reply, which resolves once the response is over: sent
        // whole, or cut off by a client that went away (a player seeking drops its range requests). Either way the
        // answer is given: nothing more may be sent, least of all the JSON default.
        const out = await spec.handler({ req, reply, principal, params, query, body });
        if (reply.sent || reply.raw.headersSent || reply.raw.destroyed || req.socket.destroyed) return reply;
        return out ?? { ok: true };
      },
    });
  }
}

export const notFound = (what: string): ArgusError => new ArgusError('not_found', `${what} not found`);
