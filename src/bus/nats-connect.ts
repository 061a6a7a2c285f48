/**
 * The connection to NATS of a scaled-mode process (worker, serve replica): one connection for the event bus, the
 * blob store and the leases. It never gives up on its own: the first connect retries with capped backoff and
 * jitter, later losses reconnect forever (`maxReconnectAttempts: -1`). It says so once: one warn line when NATS is
 * unreachable (with the servers and the error) and one info line when it is back; each retry is at debug. No silent
 * crash loop, no line per attempt.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { ArgusError, errorMessage } from '../core/errors.js';

/** The subset of a pino logger the bus uses (pass `logger.child({ component: 'bus' })`). */
export interface BusLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const noop = (): void => undefined;
export const silentLogger: BusLogger = { debug: noop, info: noop, warn: noop, error: noop };

export interface NatsConnectOptions {
  /** `nats://host:port` of every node (the client picks one and moves on when it goes). */
  readonly servers: readonly string[];
  /** Shown in the server's monitoring (e.g. `argus-worker-w1`). */
  readonly name?: string;
  readonly logger?: BusLogger;
  /** Give up the FIRST connect after this long (default: never). Later losses always reconnect. */
  readonly connectDeadlineMs?: number;
  /** First retry delay, ms (default 500); doubles up to `maxBackoffMs` (default 10 000), with jitter. */
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Try the servers in the given order rather than shuffled (a site that prefers its nearest node; tests). */
  readonly noRandomize?: boolean;
  /** Stops the first connect's retries (shutdown before NATS ever came up). */
  readonly signal?: AbortSignal;
}

/** Capped exponential backoff with ±25 % jitter. */
export function backoffMs(attempt: number, initialMs: number, maxMs: number): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** Connects (retrying until NATS answers, the deadline passes or the signal aborts) and watches the connection. */
export async function connectNats(o: NatsConnectOptions): Promise<NatsConnection> {
  if (o.servers.length === 0) throw new ArgusError('invalid_argument', 'NATS: no server given (e.g. --nats nats://127.0.0.1:4222)');
  const log = o.logger ?? silentLogger;
  const servers = [...o.servers];
  const initial = o.initialBackoffMs ?? 500;
  const max = o.maxBackoffMs ?? 10_000;
  const end = o.connectDeadlineMs === undefined ? Infinity : Date.now() + o.connectDeadlineMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const nc = await connect({
        servers,
        ...(o.name ? { name: o.name } : {}),
        ...(o.noRandomize ? { noRandomize: true } : {}),
        maxReconnectAttempts: -1,
        reconnectTimeWait: 1000,
        reconnectJitter: 500,
        timeout: 5000,
        pingInterval: 10_000,
        // A request does not build an Error (with its stack) in advance for the case it fails: on the ingest path
        // (a crop fetch per plate read, an ack per batch) those stacks cost more CPU than the requests themselves.
        noAsyncTraces: true,
      });
      if (attempt > 0) log.info({ servers, attempts: attempt + 1 }, 'NATS connected');
      else log.debug({ servers }, 'NATS connected');
      watch(nc, servers, log);
      return nc;
    } catch (e) {
      const wait = backoffMs(attempt, initial, max);
      if (o.signal?.aborted || Date.now() + wait > end) {
        throw new ArgusError('unavailable', `NATS unreachable at ${servers.join(', ')}: ${errorMessage(e)}`, { cause: e });
      }
      if (attempt === 0) log.warn({ servers, err: errorMessage(e), retryInMs: wait }, 'NATS unreachable; retrying with backoff');
      else log.debug({ servers, err: errorMessage(e), attempt, retryInMs: wait }, 'NATS connect retry');
      await sleep(wait, o.signal);
    }
  }
}

/** One line when the connection is lost, one when it is back; the rest at debug. */
function watch(nc: NatsConnection, servers: readonly string[], log: BusLogger): void {
  let down = false;
  const follow = async (): Promise<void> => {
    for await (const s of nc.status()) {
      switch (s.type) {
        case 'disconnect':
          if (!down) log.warn({ servers, server: s.server }, 'NATS connection lost; reconnecting with backoff');
          down = true;
          break;
        case 'reconnect':
          if (down) log.info({ server: s.server }, 'NATS reconnected');
          down = false;
          break;
        case 'error':
          log.warn({ err: errorMessage(s.error) }, 'NATS error');
          break;
        case 'ldm':
          log.info({ server: s.server }, 'NATS server entering lame duck mode');
          break;
        default:
          log.debug({ status: s.type }, 'NATS status');
      }
    }
  };
  follow().catch((e: unknown) => log.error({ err: errorMessage(e) }, 'NATS status watch ended'));
  nc.closed()
    .then((e) => {
      if (e) log.error({ err: errorMessage(e) }, 'NATS connection closed with an error');
    })
    .catch((e: unknown) => log.error({ err: errorMessage(e) }, 'NATS connection closed with an error'));
}
