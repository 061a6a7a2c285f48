/**
 * Real `nats-server` processes for tests and benches: one JetStream node, or a 3-node cluster (DESIGN.md §8), on free
 * ports in a temp dir. Readiness is checked on each node's monitoring port (`/healthz`, and for a cluster `/routez`
 * and `/jsz`: every route up and a JetStream meta leader elected), patiently and with a deadline: a loaded 2-core box
 * can take seconds. A node can be SIGKILLed and started again on the same ports and store. Every error names the log
 * file; `stop()` kills what is left and removes the folder (and a process exit kills any node still running).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface NatsNode {
  readonly name: string;
  readonly clientPort: number;
  readonly routePort: number;
  readonly httpPort: number;
  readonly url: string;
  readonly logFile: string;
  /** Running now (false after kill, until start). */
  readonly running: boolean;
}

export interface StartOptions {
  /** 1 (a single JetStream node) or 3 (a cluster); default 1. */
  readonly nodes?: 1 | 3;
  /** Longest wait for the servers to be ready, ms (default 60 000). */
  readonly readyTimeoutMs?: number;
  /** Client ports of the nodes, in order (default: free ports). */
  readonly clientPorts?: readonly number[];
  /** The nats-server binary (default: on PATH, else /usr/sbin/nats-server). */
  readonly binary?: string;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A port nobody listens on now (bound, read, closed). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function findBinary(): string {
  const onPath = (process.env.PATH ?? '').split(':').map((d) => join(d, 'nats-server')).find((p) => existsSync(p));
  if (onPath) return onPath;
  if (existsSync('/usr/sbin/nats-server')) return '/usr/sbin/nats-server';
  throw new Error('nats-server not found on PATH or at /usr/sbin/nats-server (Debian: apt-get install nats-server)');
}

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  return res.json() as Promise<unknown>;
}

interface NodeState extends NatsNode {
  proc: ChildProcess | undefined;
  running: boolean;
  exited: Promise<void>;
}

export class NatsTestServers {
  private readonly all: NodeState[];

  private constructor(
    readonly dir: string,
    nodes: NodeState[],
    private readonly binary: string,
    private readonly readyTimeoutMs: number,
  ) {
    this.all = nodes;
  }

  static async start(opts: StartOptions = {}): Promise<NatsTestServers> {
    const count = opts.nodes ?? 1;
    const dir = await mkdtemp(join(tmpdir(), 'argus-nats-'));
    const nodes: NodeState[] = [];
    for (let i = 1; i <= count; i++) {
      const [clientPort, routePort, httpPort] = [opts.clientPorts?.[i - 1] ?? (await freePort()), await freePort(), await freePort()];
      const name = `n${i}`;
      nodes.push({ name, clientPort, routePort, httpPort, url: `nats://127.0.0.1:${clientPort}`, logFile: join(dir, `${name}.log`), proc: undefined, running: false, exited: Promise.resolve() });
    }
    for (const n of nodes) await writeFile(join(dir, `${n.name}.conf`), config(dir, n, count > 1 ? nodes : []));
    const servers = new NatsTestServers(dir, nodes, opts.binary ?? findBinary(), opts.readyTimeoutMs ?? 60_000);
    try {
      for (const n of nodes) servers.spawnNode(n);
      await servers.waitReady();
    } catch (e) {
      await servers.stop();
      throw e;
    }
    return servers;
  }

  get nodes(): readonly NatsNode[] {
    return this.all;
  }

  /** Client URLs of every node (give them all to the client). */
  get urls(): string[] {
    return this.all.map((n) => n.url);
  }

  node(name: string): NatsNode {
    const n = this.all.find((x) => x.name === name);
    if (!n) throw new Error(`no NATS test node ${name}`);
    return n;
  }

  /** SIGKILL: no goodbye to the cluster, what is not on disk is lost (as a power cut of that process). */
  async kill(name: string): Promise<void> {
    const n = this.state(name);
    if (!n.proc || !n.running) return;
    n.proc.kill('SIGKILL');
    await n.exited;
  }

  /** Starts a killed node again (same ports, same store) and waits until the whole set is ready again. */
  async restart(name: string): Promise<void> {
    const n = this.state(name);
    if (n.running) throw new Error(`NATS test node ${name} is running`);
    this.spawnNode(n);
    await this.waitReady();
  }

  /** Kills every node (SIGKILL) and starts them all again; waits until ready. */
  async restartAll(): Promise<void> {
    for (const n of this.all) await this.kill(n.name);
    for (const n of this.all) this.spawnNode(n);
    await this.waitReady();
  }

  /** Stops every node (SIGTERM, then SIGKILL after 5 s) and removes the folder. */
  async stop(): Promise<void> {
    await Promise.all(
      this.all.map(async (n) => {
        if (!n.proc || !n.running) return;
        n.proc.kill('SIGTERM');
        const timer = setTimeout(() => n.proc?.kill('SIGKILL'), 5000);
        await n.exited;
        clearTimeout(timer);
      }),
    );
    await rm(this.dir, { recursive: true, force: true });
  }

  /** The last lines of a node's log (for an error message). */
  async logTail(name: string, lines = 15): Promise<string> {
    const text = await readFile(this.state(name).logFile, 'utf8').catch(() => '');
    return text.split('\n').slice(-lines - 1).join('\n');
  }

  /** Waits until every running node is healthy, and, for a cluster, routed to the others with a meta leader. */
  async waitReady(timeoutMs = this.readyTimeoutMs): Promise<void> {
    const end = Date.now() + timeoutMs;
    const running = this.all.filter((n) => n.running);
    for (const n of running) {
      let last = 'no answer yet';
      for (;;) {
        if (!n.running) throw new Error(`nats-server ${n.name} exited while starting; see ${n.logFile}:\n${await this.logTail(n.name)}`);
        try {
          last = await this.nodeProblem(n, running.length);
          if (last === '') break;
        } catch (e) {
          last = e instanceof Error ? e.message : String(e);
        }
        if (Date.now() > end) throw new Error(`nats-server ${n.name} not ready after ${timeoutMs} ms (${last}); see ${n.logFile}:\n${await this.logTail(n.name)}`);
        await sleep(100);
      }
    }
  }

  /** What keeps a node from being ready ('' when ready). */
  private async nodeProblem(n: NodeState, running: number): Promise<string> {
    const base = `http://127.0.0.1:${n.httpPort}`;
    const health = (await getJson(`${base}/healthz`)) as { status?: string; error?: string };
    if (health.status !== 'ok') return `healthz: ${health.error ?? JSON.stringify(health)}`;
    if (this.all.length === 1) return '';
    const routez = (await getJson(`${base}/routez`)) as { num_routes?: number; routes?: Array<{ remote_id?: string }> };
    const peers = new Set((routez.routes ?? []).map((r) => r.remote_id)).size;
    if (peers < running - 1) return `routes to ${peers} of ${running - 1} other nodes`;
    const jsz = (await getJson(`${base}/jsz`)) as { meta_cluster?: { leader?: string } };
    if (!jsz.meta_cluster?.leader) return 'no JetStream meta leader yet';
    return '';
  }

  private state(name: string): NodeState {
    const n = this.all.find((x) => x.name === name);
    if (!n) throw new Error(`no NATS test node ${name}`);
    return n;
  }

  private spawnNode(n: NodeState): void {
    const proc = spawn(this.binary, ['-c', join(this.dir, `${n.name}.conf`)], { stdio: 'ignore' });
    live.add(proc);
    n.proc = proc;
    n.running = true;
    n.exited = new Promise<void>((resolve) => {
      proc.once('exit', () => {
        live.delete(proc);
        n.running = false;
        resolve();
      });
      proc.once('error', () => {
        live.delete(proc);
        n.running = false;
        resolve();
      });
    });
  }
}

function config(dir: string, n: NatsNode, cluster: readonly NatsNode[]): string {
  const lines = [
    `server_name: ${n.name}`,
    `listen: 127.0.0.1:${n.clientPort}`,
    `http: 127.0.0.1:${n.httpPort}`,
    `log_file: "${n.logFile}"`,
    `jetstream { store_dir: "${join(dir, `js-${n.name}`)}" }`,
  ];
  if (cluster.length > 0) {
    const routes = cluster.map((c) => `nats-route://127.0.0.1:${c.routePort}`).join(', ');
    lines.push(`cluster { name: argus, listen: 127.0.0.1:${n.routePort}, routes: [${routes}] }`);
  }
  return `${lines.join('\n')}\n`;
}
