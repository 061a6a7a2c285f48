/**
 * Real `nats-server` processes for the federation tests: one JetStream server with its own JetStream DOMAIN, either a
 * hub that listens for leaf nodes or a leaf whose remote is the hub (a district's server). On free ports in a temp
 * dir; can be killed and started again on the same ports and store. Also a TCP relay to put between a leaf and its
 * hub, so that a test can cut the link (and only the link) and restore it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './nats-server.js';

export { freePort };

export interface DomainServerOptions {
  readonly name: string;
  readonly domain: string;
  /** Listen for leaf nodes (a hub). */
  readonly leafListen?: boolean;
  /**
   * The leaf address the hub gives its leaves (`host:port`): a leaf reconnects to the addresses the hub advertises
   * as well as to its configured remote, so a hub behind a relay must advertise the relay (else a cut link heals
   * itself round the relay: measured with nats-server 2.9, also with `no_advertise`).
   */
  readonly leafAdvertise?: string;
  /** Connect as a leaf node to this hub leaf URL (`nats-leaf://host:port`), with these subjects never sent to it. */
  readonly leafRemote?: { readonly url: string; readonly denyExports?: readonly string[] };
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class DomainServer {
  private proc: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  private constructor(readonly dir: string, readonly clientPort: number, readonly httpPort: number, readonly leafPort: number | null, private readonly conf: string) {}

  static async start(o: DomainServerOptions): Promise<DomainServer> {
    const dir = await mkdtemp(join(tmpdir(), `argus-nats-${o.name}-`));
    const [clientPort, httpPort] = [await freePort(), await freePort()];
    const leafPort = o.leafListen ? await freePort() : null;
    const lines = [
      `server_name: ${o.name}`,
      `listen: 127.0.0.1:${clientPort}`,
      `http: 127.0.0.1:${httpPort}`,
      `log_file: "${join(dir, 'server.log')}"`,
      `jetstream { store_dir: "${join(dir, 'js')}", domain: ${o.domain} }`,
    ];
    if (leafPort !== null) lines.push(`leafnodes { listen: 127.0.0.1:${leafPort}${o.leafAdvertise ? `, advertise: "${o.leafAdvertise}"` : ''} }`);
    if (o.leafRemote) {
      const deny = (o.leafRemote.denyExports ?? []).map((s) => JSON.stringify(s)).join(', ');
      lines.push(`leafnodes { reconnect: 1, remotes: [ { url: "${o.leafRemote.url}"${deny ? `, deny_exports: [${deny}]` : ''} } ] }`);
    }
    const conf = join(dir, 'server.conf');
    await writeFile(conf, `${lines.join('\n')}\n`);
    const s = new DomainServer(dir, clientPort, httpPort, leafPort, conf);
    await s.run();
    return s;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.clientPort}`;
  }

  get leafUrl(): string {
    if (this.leafPort === null) throw new Error('not a hub');
    return `nats-leaf://127.0.0.1:${this.leafPort}`;
  }

  /** Leaf connections the server has now (its /leafz). */
  async leafCount(): Promise<number> {
    const res = await fetch(`http://127.0.0.1:${this.httpPort}/leafz`, { signal: AbortSignal.timeout(2000) });
    return ((await res.json()) as { leafnodes?: number }).leafnodes ?? 0;
  }

  async logTail(lines = 20): Promise<string> {
    return (await readFile(join(this.dir, 'server.log'), 'utf8').catch(() => '')).split('\n').slice(-lines).join('\n');
  }

  async kill(): Promise<void> {
    this.proc?.kill('SIGKILL');
    await this.exited;
  }

  async run(): Promise<void> {
    const proc = spawn('nats-server', ['-c', this.conf], { stdio: 'ignore' });
    live.add(proc);
    this.proc = proc;
    let gone = false;
    this.exited = new Promise<void>((resolve) => proc.once('exit', () => {
      live.delete(proc);
      gone = true;
      resolve();
    }));
    const end = Date.now() + 30_000;
    for (;;) {
      if (gone) throw new Error(`nats-server exited while starting:\n${await this.logTail()}`);
      const ok = await fetch(`http://127.0.0.1:${this.httpPort}/healthz`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
      if (ok) return;
      if (Date.now() > end) throw new Error(`nats-server not ready:\n${await this.logTail()}`);
      await sleep(100);
    }
  }

  async stop(): Promise<void> {
    this.proc?.kill('SIGTERM');
    const t = setTimeout(() => this.proc?.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(t);
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** A TCP relay to `target`: `cut()` drops every connection and stops listening; `restore()` listens again on the same port. */
export class LinkRelay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  private constructor(readonly port: number, private readonly target: number) {}

  /** `port`: the relay's port, when it had to be known before the hub started (its `leafAdvertise`). */
  static async start(targetPort: number, port?: number): Promise<LinkRelay> {
    const r = new LinkRelay(port ?? (await freePort()), targetPort);
    await r.restore();
    return r;
  }

  get url(): string {
    return `nats-leaf://127.0.0.1:${this.port}`;
  }

  async restore(): Promise<void> {
    const server = createServer((a) => {
      const b = tcpConnect(this.target, '127.0.0.1');
      for (const s of [a, b]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      a.pipe(b);
      b.pipe(a);
      a.on('close', () => b.destroy());
      b.on('close', () => a.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
