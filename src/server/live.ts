/**
 * Live push: a hub of Server-Sent Events clients (alerts, events, camera health). Each client gets the messages of
 * its cameras, each as its principal may read it (data-class.ts: redacted per client, not only filtered by camera).
 *
 * A stream lives only as long as what opened it: every client is re-checked every `recheckMs`, and at once when a
 * route asks (logout, a user edited or deleted, a key revoked). A stream whose session ended (logout, expiry, idle
 * timeout), whose user was disabled, deleted or changed (roles, scope), or whose key was revoked or expired gets an
 * `end` event with the reason and is closed; a browser's EventSource reconnects and is identified afresh.
 */
import type { ServerResponse } from 'node:http';
import { liveView } from './data-class.js';
import { readableClasses, type DataClass, type Principal } from './rbac.js';

export type LiveTopic = 'alert' | 'event' | 'health';

export interface LiveMessage {
  readonly topic: LiveTopic;
  readonly cameraId: string | null;
  readonly data: unknown;
}

/** Why a stream was closed by the service. */
export type LiveEndReason = 'session_ended' | 'user_changed' | 'key_revoked' | 'check_failed' | 'shutdown';

/** What a re-check of a stream found: still allowed (to these cameras; null: all), or why it ends. */
export type LiveVerdict =
  | { readonly ok: true; readonly cameras: ReadonlySet<string> | null }
  | { readonly ok: false; readonly reason: LiveEndReason };

export interface LiveSubscriber {
  readonly principal: Principal;
  /** null: every camera. */
  readonly cameras: ReadonlySet<string> | null;
  /** Whether the principal is still what it was (live-check.ts). */
  readonly recheck: () => Promise<LiveVerdict>;
}

/** The streams an immediate re-check is about (every stream when empty). */
export interface LiveMatch {
  readonly userId?: string;
  readonly sessionId?: string;
  readonly actor?: string;
}

export interface LiveHubOptions {
  /** Comment line against idle proxies, ms (default 15 000). */
  readonly heartbeatMs?: number;
  readonly maxClients?: number;
  /** Every stream's principal is checked again this often, ms (default 5 000). */
  readonly recheckMs?: number;
  readonly log?: { warn(obj: object, msg: string): void };
}

interface Client {
  readonly res: ServerResponse;
  readonly principal: Principal;
  cameras: ReadonlySet<string> | null;
  readonly readable: ReadonlySet<DataClass>;
  /** Clients with the same key get the same text of a message. */
  readonly viewKey: string;
  readonly recheck: () => Promise<LiveVerdict>;
}

/** Re-checks run at once (each is a few store reads). */
const CHECK_PARALLEL = 16;

const matches = (p: Principal, m: LiveMatch): boolean =>
  (m.userId === undefined || p.userId === m.userId) && (m.sessionId === undefined || p.sessionId === m.sessionId) && (m.actor === undefined || p.actor === m.actor);

export class LiveHub {
  private readonly clients = new Set<Client>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly rechecker: NodeJS.Timeout;
  private readonly maxClients: number;
  private checking = false;
  private seq = 0;

  constructor(private readonly opts: LiveHubOptions = {}) {
    this.maxClients = opts.maxClients ?? 500;
    this.heartbeat = setInterval(() => this.broadcastRaw(': keep-alive\n\n'), opts.heartbeatMs ?? 15_000);
    this.heartbeat.unref();
    this.rechecker = setInterval(() => this.tick(), opts.recheckMs ?? 5_000);
    this.rechecker.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /** Takes over a raw response; returns false when full. */
  attach(res: ServerResponse, sub: LiveSubscriber): boolean {
    if (this.clients.size >= this.maxClients) return false;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write('retry: 3000\n\n');
    const readable = readableClasses(sub.principal.permissions);
    const client: Client = { res, principal: sub.principal, cameras: sub.cameras, readable, viewKey: [...readable].sort().join(','), recheck: sub.recheck };
    this.clients.add(client);
    res.on('close', () => this.clients.delete(client));
    return true;
  }

  publish(msg: LiveMessage): void {
    if (this.clients.size === 0) return;
    const id = ++this.seq;
    const texts = new Map<string, string>();
    for (const c of this.clients) {
      if (c.cameras !== null && (msg.cameraId === null || !c.cameras.has(msg.cameraId))) continue;
      let text = texts.get(c.viewKey);
      if (text === undefined) {
        text = `id: ${id}\nevent: ${msg.topic}\ndata: ${JSON.stringify(liveView(msg.topic, msg.data, c.readable))}\n\n`;
        texts.set(c.viewKey, text);
      }
      c.res.write(text);
    }
  }

  /**
   * Checks the matching streams now (one check per session or key, CHECK_PARALLEL at a time), closes those no longer
   * allowed and narrows the others to their cameras of now. A check that fails closes its streams (they reconnect and
   * are identified afresh). Returns how many streams were closed.
   */
  async recheck(match: LiveMatch = {}): Promise<number> {
    const groups = new Map<string, Client[]>();
    for (const c of this.clients) {
      if (!matches(c.principal, match)) continue;
      const key = c.principal.sessionId ?? c.principal.actor;
      groups.set(key, [...(groups.get(key) ?? []), c]);
    }
    let ended = 0;
    const checkGroup = async (clients: Client[]): Promise<void> => {
      const first = clients[0]!;
      const v = await first.recheck().catch((err: unknown): LiveVerdict => {
        this.opts.log?.warn({ err, actor: first.principal.actor }, 'live stream re-check failed: stream closed');
        return { ok: false, reason: 'check_failed' };
      });
      for (const c of clients) {
        if (!this.clients.has(c)) continue;
        if (v.ok) c.cameras = v.cameras;
        else {
          this.end(c, v.reason);
          ended++;
        }
      }
    };
    const all = [...groups.values()];
    for (let i = 0; i < all.length; i += CHECK_PARALLEL) await Promise.all(all.slice(i, i + CHECK_PARALLEL).map(checkGroup));
    return ended;
  }

  /** Closes the streams of a session at once (logout). */
  endSession(sessionId: string): number {
    let n = 0;
    for (const c of [...this.clients]) {
      if (c.principal.sessionId !== sessionId) continue;
      this.end(c, 'session_ended');
      n++;
    }
    return n;
  }

  close(): void {
    clearInterval(this.heartbeat);
    clearInterval(this.rechecker);
    for (const c of [...this.clients]) this.end(c, 'shutdown');
  }

  private end(c: Client, reason: LiveEndReason): void {
    this.clients.delete(c);
    c.res.end(`event: end\ndata: ${JSON.stringify({ reason })}\n\n`);
  }

  private tick(): void {
    if (this.checking || this.clients.size === 0) return;
    this.checking = true;
    void this.recheck()
      .catch((err: unknown) => this.opts.log?.warn({ err }, 'live stream re-check failed'))
      .finally(() => {
        this.checking = false;
      });
  }

  private broadcastRaw(text: string): void {
    for (const c of this.clients) c.res.write(text);
  }
}
