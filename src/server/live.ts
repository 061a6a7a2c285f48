/** Live push: a hub of Server-Sent Events clients (alerts, events, camera health), filtered by camera scope. */
import type { ServerResponse } from 'node:http';

export type LiveTopic = 'alert' | 'event' | 'health';

export interface LiveMessage {
  readonly topic: LiveTopic;
  readonly cameraId: string | null;
  readonly data: unknown;
}

interface Client {
  readonly res: ServerResponse;
  /** null: every camera. */
  readonly cameras: ReadonlySet<string> | null;
}

export class LiveHub {
  private readonly clients = new Set<Client>();
  private readonly heartbeat: NodeJS.Timeout;
  private seq = 0;

  constructor(heartbeatMs = 15_000, private readonly maxClients = 500) {
    this.heartbeat = setInterval(() => this.broadcastRaw(': keep-alive\n\n'), heartbeatMs);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /** Takes over a raw response; returns false when full. */
  attach(res: ServerResponse, cameras: ReadonlySet<string> | null): boolean {
    if (this.clients.size >= this.maxClients) return false;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write('retry: 3000\n\n');
    const client: Client = { res, cameras };
    this.clients.add(client);
    res.on('close', () => this.clients.delete(client));
    return true;
  }

  publish(msg: LiveMessage): void {
    if (this.clients.size === 0) return;
    const text = `id: ${++this.seq}\nevent: ${msg.topic}\ndata: ${JSON.stringify(msg.data)}\n\n`;
    for (const c of this.clients) {
      if (c.cameras !== null && (msg.cameraId === null || !c.cameras.has(msg.cameraId))) continue;
      c.res.write(text);
    }
  }

  private broadcastRaw(text: string): void {
    for (const c of this.clients) c.res.write(text);
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const c of this.clients) c.res.end();
    this.clients.clear();
  }
}
