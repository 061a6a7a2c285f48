/**
 * Request/reply over core NATS with errors that travel: a responder that cannot answer replies with no body and the
 * header `Argus-Error: <code> <message>`, never silence; the caller turns that header back into an {@link ArgusError}
 * (an unknown code, or no answer in time, becomes `unavailable`). Used by the worker RPCs and the live-view relay.
 */
import { headers, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { ArgusError, errorMessage, isArgusError, type ErrorCode } from '../core/errors.js';
import type { BusLogger } from './nats-connect.js';

export const ERROR_HEADER = 'Argus-Error';

/** Codes a responder may send back as they are; any other becomes `unavailable` at the caller. */
const KNOWN: ReadonlySet<string> = new Set(['not_found', 'invalid_argument', 'unavailable', 'io_failed', 'conflict', 'forbidden', 'source_timeout', 'source_exited']);

/** Subscribes a responder on `subject`; each request is answered with `handle`'s result or with the error header. */
export function serveRpc(nc: NatsConnection, subject: string, handle: (m: Msg) => Promise<Uint8Array | string>, log: BusLogger): Subscription {
  return nc.subscribe(subject, {
    callback: (err, m) => {
      if (err) {
        log.warn({ subject, err: errorMessage(err) }, 'RPC subscription failed');
        return;
      }
      handle(m).then(
        (data) => m.respond(data),
        (e: unknown) => {
          const code = isArgusError(e) ? e.code : 'io_failed';
          if (!isArgusError(e)) log.warn({ subject, err: errorMessage(e) }, 'RPC failed');
          const h = headers();
          h.set(ERROR_HEADER, `${code} ${errorMessage(e)}`.replace(/[\r\n]+/g, ' '));
          m.respond(new Uint8Array(0), { headers: h });
        },
      );
    },
  });
}

/** The request's JSON body as an object, or `invalid_argument`. */
export function rpcRequest<T>(m: Msg): T {
  try {
    const v = m.json<T>();
    if (typeof v !== 'object' || v === null) throw new Error('not an object');
    return v;
  } catch (e) {
    throw new ArgusError('invalid_argument', `request is not a JSON object: ${errorMessage(e)}`);
  }
}

/** Sends `body` as JSON to `subject`; `who` names the responder in errors ("worker w1"). */
export async function callRpc(nc: NatsConnection, subject: string, body: unknown, o: { who: string; what: string; timeoutMs: number }): Promise<Uint8Array> {
  let msg;
  try {
    msg = await nc.request(subject, JSON.stringify(body), { timeout: o.timeoutMs });
  } catch (e) {
    throw new ArgusError('unavailable', `${o.who} did not answer ${o.what}: ${errorMessage(e)}`, { cause: e });
  }
  const err = msg.headers?.get(ERROR_HEADER);
  if (err) {
    const sp = err.indexOf(' ');
    const code = sp < 0 ? err : err.slice(0, sp);
    throw new ArgusError((KNOWN.has(code) ? code : 'unavailable') as ErrorCode, `${o.who}: ${sp < 0 ? err : err.slice(sp + 1)}`);
  }
  return msg.data;
}
