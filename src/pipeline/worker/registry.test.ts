import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsTestServers } from '../../bus/testing/nats-server.js';
import { WORKER_TTL_MS, type WorkerRecord } from './protocol.js';
import { NameTakenError, WorkerRegistry } from './registry.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
const rec = (name: string, instance: string, startedAtMs: number): WorkerRecord => ({
  name, instance, host: 'test', pid: 1, capacity: 60, load: 0, cameras: [], startedAtMs, heartbeatAtMs: Date.now(), rssMb: 1,
});

describe('worker names are unique (real nats-server)', () => {
  let nats: NatsTestServers;
  const conns: NatsConnection[] = [];
  const open = async (): Promise<WorkerRegistry> => {
    const nc = await connect({ servers: nats.urls });
    conns.push(nc);
    return WorkerRegistry.open({ nc, logger: quiet });
  };
  beforeAll(async () => {
    nats = await NatsTestServers.start();
  }, 60_000);
  afterAll(async () => {
    for (const nc of conns) await nc.close();
    await nats.stop();
  });

  it('a second process under a live worker\'s name refuses to join, with the other\'s host and pid', async () => {
    const a = await open();
    const b = await open();
    await a.join(() => rec('w-dup', 'A', 1000), () => undefined, 300);
    const t0 = Date.now();
    const err = await b.join(() => rec('w-dup', 'B', 2000), () => undefined, 300).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(NameTakenError);
    expect((err as Error).message).toMatch(/another worker is running under the name "w-dup" \(host test, pid 1\)/);
    // Refused on the other's next heartbeat, not after the whole TTL.
    expect(Date.now() - t0).toBeLessThan(WORKER_TTL_MS);
    await b.leave('w-dup');
    // The refused process did not delete the live worker's record.
    await new Promise((r) => setTimeout(r, 500));
    expect(a.live().map((w) => w.instance)).toContain('A');
    await a.leave('w-dup');
  }, 30_000);

  it('a record no longer rewritten (its worker killed -9) is waited out, then the name is free', async () => {
    const dead = await open();
    await dead.join(() => rec('w-back', 'OLD', 1000), () => undefined, 60_000); // one write, then silence, no delete
    const b = await open();
    const t0 = Date.now();
    await b.join(() => rec('w-back', 'NEW', 2000), () => undefined, 300);
    const waited = Date.now() - t0;
    expect(waited).toBeGreaterThan(WORKER_TTL_MS - 1500);
    expect(waited).toBeLessThan(WORKER_TTL_MS + 3000);
    await b.leave('w-back');
  }, 30_000);

  it('two processes that joined under one name at once: the later started one is told to stop, the first is not', async () => {
    const a = await open();
    const b = await open();
    const told: string[] = [];
    const [ra, rb] = await Promise.all([
      a.join(() => rec('w-race', 'A', 1000), () => told.push('A'), 300).then(() => 'joined', (e: unknown) => (e instanceof NameTakenError ? 'refused' : String(e))),
      b.join(() => rec('w-race', 'B', 2000), () => told.push('B'), 300).then(() => 'joined', (e: unknown) => (e instanceof NameTakenError ? 'refused' : String(e))),
    ]);
    await new Promise((r) => setTimeout(r, 1500));
    // A (started first) keeps its name; B was refused outright, or joined and was then told to stop.
    expect(ra).toBe('joined');
    expect(told).not.toContain('A');
    expect(rb === 'refused' || told.includes('B')).toBe(true);
    await a.leave('w-race');
    await b.leave('w-race');
  }, 30_000);
});
