/**
 * Pull requests to a JetStream durable consumer, one at a time, on the wire (`$JS.API.CONSUMER.MSG.NEXT`). Why not
 * the client's `consume()`: it keeps a request open all the time, so a consumer whose handler hangs goes on taking
 * messages (redeliveries included) that it will never handle. Here a request is open only while the consumer is
 * idle and waiting for its next batch:
 * - `take(n)`: what the consumer has now, up to n (`no_wait`: ends at once with 404/408);
 * - `wait()`: one message, waiting up to `expiresMs` with server heartbeats (a request lost with its consumer
 *   leader or the connection is given up after missed heartbeats).
 * A request whose answer stops short (nats-server 2.9 leaves a `no_wait` request open when it hits max_ack_pending)
 * is closed on our side after a deadline; messages it brings later are kept for the next batch (`late`). Closing
 * unsubscribes the inbox, and the server drops requests nobody listens to (checked on a 3-node cluster).
 */
import { createInbox, type Msg, type NatsConnection, type Subscription as NatsSub } from '@nats-io/transport-node';

/** A delivered message: its stream position, delivery count and ack subject, read from the reply subject. */
export interface Pulled {
  readonly msg: Msg;
  readonly seq: number;
  readonly deliveries: number;
}

interface Request {
  readonly token: string;
  readonly want: number;
  readonly got: Pulled[];
  readonly resolve: (r: PullResult) => void;
  lastActivityMs: number;
  timer: ReturnType<typeof setInterval> | undefined;
}

export interface PullResult {
  readonly messages: Pulled[];
  /** No consumer answered (not there, or between leaders): the caller waits, then checks the durable. */
  readonly noResponders: boolean;
  /** The request could not be sent (the connection is closed or draining). */
  readonly unsent?: boolean;
  /** The server said why the request ended early (409 …), for a log line. */
  readonly problem?: string;
}

/** `$JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<dseq>.<ts>.<pending>` (9 tokens) or the 12-token form with domain and account. */
export function parseAckSubject(reply: string | undefined): { seq: number; deliveries: number } | undefined {
  if (!reply?.startsWith('$JS.ACK.')) return undefined;
  const t = reply.split('.');
  const off = t.length === 9 ? 4 : t.length >= 11 ? 6 : -1;
  if (off < 0) return undefined;
  const deliveries = Number(t[off]);
  const seq = Number(t[off + 1]);
  return Number.isSafeInteger(seq) && Number.isSafeInteger(deliveries) ? { seq, deliveries } : undefined;
}

export class Puller {
  private readonly prefix = createInbox();
  private readonly sub: NatsSub;
  private current: Request | undefined;
  private serial = 0;
  /** Messages of requests already given up on: delivered to us all the same. */
  late: Pulled[] = [];

  constructor(
    private readonly nc: NatsConnection,
    private readonly apiSubject: string,
  ) {
    this.sub = nc.subscribe(`${this.prefix}.*`, { callback: (_err, msg) => this.onMessage(msg) });
  }

  /** Up to `n` messages the consumer can give now (nothing waited for). */
  take(n: number): Promise<PullResult> {
    // No `expires` with `no_wait`: nats-server 2.9 then holds an empty answer until the expiry (a 408 after 2 s,
    // measured), so a lone message after a quiet spell waited 2 s in `next()`; without it the 404 comes at once.
    return this.request({ batch: n, no_wait: true }, n, 3000, undefined, 100);
  }

  /** One message, waiting up to `expiresMs` (heartbeats every `heartbeatMs`). */
  wait(expiresMs: number, heartbeatMs: number): Promise<PullResult> {
    return this.request({ batch: 1, expires: expiresMs * 1e6, idle_heartbeat: heartbeatMs * 1e6 }, 1, expiresMs + 2000, heartbeatMs, undefined);
  }

  /** Ends the open request (its answer goes to `late`) and unsubscribes: the server then drops what we asked for. */
  close(): void {
    this.finish({ messages: [], noResponders: false });
    this.sub.unsubscribe();
  }

  /**
   * `heartbeatMs`: the request is lost after 2.5 heartbeats of silence. `quietMs`: a `no_wait` answer comes in one
   * burst; once some messages came, this much silence without the closing status ends it (the server holds it open).
   */
  private request(body: object, want: number, deadlineMs: number, heartbeatMs: number | undefined, quietMs: number | undefined): Promise<PullResult> {
    this.finish({ messages: [], noResponders: false });
    const token = String(++this.serial);
    return new Promise<PullResult>((resolve) => {
      const started = Date.now();
      const req: Request = { token, want, got: [], resolve, lastActivityMs: started, timer: undefined };
      this.current = req;
      req.timer = setInterval(() => {
        const now = Date.now();
        const silentMs = now - req.lastActivityMs;
        const lost = heartbeatMs !== undefined && silentMs > heartbeatMs * 2.5;
        const quiet = quietMs !== undefined && req.got.length > 0 && silentMs > quietMs;
        if (now - started > deadlineMs || lost || quiet) this.finish({ messages: req.got, noResponders: false }, req);
      }, Math.min(quietMs ?? 250, heartbeatMs ?? 250) / 2);
      try {
        this.nc.publish(this.apiSubject, JSON.stringify(body), { reply: `${this.prefix}.${token}` });
      } catch {
        // The connection is closed or draining: an empty answer; the consumer's loop backs off and sees it closed.
        this.finish({ messages: [], noResponders: false, unsent: true }, req);
      }
    });
  }

  /**
   * A delivered message keeps its stream subject (only statuses come on the request's inbox): it belongs to the
   * open request, or to `late` when none is open. Either way it was delivered to this consumer.
   */
  private onMessage(msg: Msg): void {
    const info = msg.reply ? parseAckSubject(msg.reply) : undefined;
    if (info) {
      const pulled: Pulled = { msg, ...info };
      const open = this.current;
      if (!open) {
        this.late.push(pulled);
        return;
      }
      open.got.push(pulled);
      open.lastActivityMs = Date.now();
      if (open.got.length >= open.want) this.finish({ messages: open.got, noResponders: false }, open);
      return;
    }
    const token = msg.subject.slice(this.prefix.length + 1);
    const req = this.current && this.current.token === token ? this.current : undefined;
    const code = msg.headers?.code ?? 0;
    if (!req) return;
    req.lastActivityMs = Date.now();
    if (code === 100) return; // idle heartbeat
    if (code === 503) this.finish({ messages: req.got, noResponders: true }, req);
    else if (code === 404 || code === 408) this.finish({ messages: req.got, noResponders: false }, req);
    else this.finish({ messages: req.got, noResponders: false, problem: `${code} ${msg.headers?.description ?? ''}`.trim() }, req);
  }

  private finish(result: PullResult, req: Request | undefined = this.current): void {
    if (!req) return;
    clearInterval(req.timer);
    if (this.current === req) this.current = undefined;
    req.resolve(result);
  }
}
