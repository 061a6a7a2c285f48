/**
 * The check that the service answers as its contract says (src/contract): turned on by the tests (`buildServer`'s
 * `checkResponses`), off in production, where a parse of every page of events would cost for nothing. On, each
 * route checks every answer it sends before it leaves:
 *   - a JSON route: a 2xx body against the route's `response` schema, an error body against the contract's error
 *     shape, and that it is JSON at all;
 *   - a file or stream route: that a 2xx answer has the content type the route declares.
 * An answer that fails is replaced by a 500 `response_contract` naming the route and the first problems, logged,
 * and kept in `failures`, which the test harnesses check when a server is disposed: a drift fails loudly even
 * where a test looks only at a status.
 */
import type { FastifyReply, FastifyRequest, preSerializationAsyncHookHandler, onSendAsyncHookHandler } from 'fastify';
import { z } from 'zod';
import { apiError, type ContentResponse } from '../contract/common.js';
import { HttpError } from './errors.js';

export type RouteResponse = z.ZodType | ContentResponse;

export const isJsonResponse = (r: RouteResponse): r is z.ZodType => r instanceof z.ZodType;

/** The media type of a Content-Type header, without its parameters. */
const mediaType = (header: unknown): string => String(header ?? '').split(';')[0]!.trim().toLowerCase();
const CODE = 'response_contract';

function issues(e: z.ZodError): string {
  return e.issues.slice(0, 5).map((i) => `${i.path.map(String).join('.') || '(body)'}: ${i.message}`).join('; ');
}

export class ResponseCheck {
  /** Every failure seen, as `METHOD url status: problem`. */
  readonly failures: string[] = [];

  /** The hooks of one route (fastify route options). */
  hooks(method: string, url: string, response: RouteResponse): { preSerialization: preSerializationAsyncHookHandler; onSend: onSendAsyncHookHandler } {
    const fail = (req: FastifyRequest, reply: FastifyReply, problem: string): never => {
      const text = `${method} ${url} ${reply.statusCode}: ${problem}`;
      this.failures.push(text);
      req.log.error({ route: `${method} ${url}`, status: reply.statusCode, problem }, 'answer does not match the API contract');
      throw new HttpError(500, CODE, `the answer does not match the API contract: ${text}`);
    };
    const preSerialization: preSerializationAsyncHookHandler = async (req, reply, payload) => {
      const ok = reply.statusCode < 300;
      if (!ok) {
        const r = apiError.safeParse(payload);
        if (!r.success) fail(req, reply, `error body: ${issues(r.error)}`);
      } else if (!isJsonResponse(response)) {
        // What was about to be sent, and what the request asked: enough to tell which path produced it.
        const seen = JSON.stringify(payload ?? null).slice(0, 200);
        fail(req, reply, `a JSON body where the route declares ${response.contentTypes.join(' or ')} (body ${seen}; range ${req.headers.range ?? 'none'}; ${req.socket.destroyed ? 'connection closed' : 'connection open'})`);
      } else {
        const r = response.safeParse(payload);
        if (!r.success) fail(req, reply, issues(r.error));
      }
      return payload;
    };
    const onSend: onSendAsyncHookHandler = async (req, reply, payload) => {
      if (reply.statusCode >= 300) return payload;
      const type = mediaType(reply.getHeader('content-type'));
      const allowed = isJsonResponse(response) ? ['application/json'] : response.contentTypes;
      if (!allowed.includes(type)) fail(req, reply, `content type "${type}", the route declares ${allowed.join(' or ')}`);
      return payload;
    };
    return { preSerialization, onSend };
  }
}
