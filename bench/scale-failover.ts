/**
 * Failover time of a camera lease (`argus worker` is not on main yet, so not with worker processes): a holder PROCESS
 * (scale-lease-holder.ts) takes a camera's lease in the protocol's bucket (TTL LEASE_TTL_MS, renewed every
 * LEASE_HEARTBEAT_MS) and is killed with SIGKILL at a random moment of its renewal cycle; a second holder, here,
 * does what the protocol asks of a live worker: it watches the bucket (an expiry is reported) and scans every
 * CLAIM_SCAN_MS, and takes the key with `create` as soon as it is free. The figure is kill → key taken, over `kills`
 * kills; a camera's analysis then starts on the new worker (its source opening adds to this).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { KvLeases } from '../src/bus/leases.js';
import type { NatsConnection } from '@nats-io/transport-node';
import { BUCKETS, CLAIM_SCAN_MS, LEASE_HEARTBEAT_MS, LEASE_TTL_MS, type CameraLease } from '../src/pipeline/worker/protocol.js';

export interface FailoverFigures {
  readonly method: string;
  readonly kills: number;
  readonly leaseTtlMs: number;
  readonly heartbeatMs: number;
  readonly claimScanMs: number;
  readonly takeoverMs: readonly number[];
  readonly p50Ms: number;
  readonly maxMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The holder's command: the compiled script next to this one, or the TypeScript source through tsx (tests). */
function holderCommand(): string[] {
  const self = fileURLToPath(import.meta.url);
  return self.endsWith('.ts') ? ['--import', 'tsx', self.replace(/scale-failover\.ts$/, 'scale-lease-holder.ts')] : [self.replace(/scale-failover\.js$/, 'scale-lease-holder.js')];
}

async function killOnce(nc: NatsConnection, servers: readonly string[], replicas: 1 | 3, key: string): Promise<number> {
  const leases = await KvLeases.open<CameraLease>(nc, { bucket: BUCKETS.leases, ttlMs: LEASE_TTL_MS, replicas });
  const child = spawn(process.execPath, [...holderCommand(), JSON.stringify({ servers, key, replicas, worker: 'w-a' })], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`lease holder did not take ${key} within 30 s: ${stderr.slice(-500)}`)), 30_000);
      createInterface({ input: child.stdout }).on('line', (line) => {
        if (line.startsWith('held ')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`lease holder exited (${code}): ${stderr.slice(-500)}`)));
    });
    // Killed at a random point of its renewal cycle, after at least one renewal.
    await sleep(LEASE_HEARTBEAT_MS + Math.random() * LEASE_HEARTBEAT_MS);
    const killedAt = Date.now();
    child.kill('SIGKILL');
    let taken: number | undefined;
    const tryTake = async (): Promise<void> => {
      if (taken !== undefined) return;
      try {
        await leases.create(key, { worker: 'w-b', sinceMs: Date.now() });
        taken ??= Date.now();
      } catch {
        // still held (or NATS busy): the next scan or expiry tries again
      }
    };
    const watch = await leases.watch((c) => {
      if (c.op !== 'put' && c.key === key) void tryTake();
    });
    const scan = setInterval(() => void tryTake(), CLAIM_SCAN_MS);
    while (taken === undefined && Date.now() - killedAt < 60_000) await sleep(20);
    clearInterval(scan);
    await watch.stop();
    if (taken === undefined) throw new Error(`the lease ${key} was not taken over within 60 s of the kill`);
    await leases.delete(key).catch(() => undefined);
    return taken - killedAt;
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

export async function benchFailover(nc: NatsConnection, servers: readonly string[], replicas: 1 | 3, kills: number): Promise<FailoverFigures> {
  const takeoverMs: number[] = [];
  for (let k = 0; k < kills; k++) takeoverMs.push(await killOnce(nc, servers, replicas, `cam-failover-${k}`));
  const sorted = [...takeoverMs].sort((a, b) => a - b);
  return {
    method: 'the camera lease alone, KvLeases directly (real argus worker processes: test/worker-failover.test.ts and test/scale-e2e.test.ts): a holder process renewing a camera lease is killed -9, a second holder watching and scanning per the protocol takes the key',
    kills, leaseTtlMs: LEASE_TTL_MS, heartbeatMs: LEASE_HEARTBEAT_MS, claimScanMs: CLAIM_SCAN_MS,
    takeoverMs, p50Ms: sorted[Math.floor((sorted.length - 1) / 2)] ?? 0, maxMs: sorted.at(-1) ?? 0,
  };
}
