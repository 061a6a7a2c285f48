import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isArgusError } from '../core/errors.js';
import { KvLeases, type LeaseChange } from './leases.js';
import { connectNats } from './nats-connect.js';
import { NatsTestServers } from './testing/nats-server.js';

interface Holder {
  readonly worker: string;
}

let servers: NatsTestServers;
let nc: NatsConnection;
let n = 0;
beforeAll(async () => {
  servers = await NatsTestServers.start();
  nc = await connectNats({ servers: servers.urls });
});
afterAll(async () => {
  await nc?.close();
  await servers?.stop();
});

const fresh = (ttlMs = 60_000) => KvLeases.open<Holder>(nc, { bucket: `leases-${++n}`, ttlMs });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('leases on JetStream KV', () => {
  it('creates a free key with a revision, and refuses to create it again while held', async () => {
    const leases = await fresh();
    const rev = await leases.create('cam/a', { worker: 'w1' });
    expect(rev).toBeGreaterThan(0);
    await expect(leases.create('cam/a', { worker: 'w2' })).rejects.toSatisfy((e) => isArgusError(e, 'conflict'));
    expect(await leases.get('cam/a')).toEqual({ key: 'cam/a', value: { worker: 'w1' }, revision: rev });
    expect(await leases.get('cam/none')).toBeUndefined();
  });

  it('updates only from the latest revision: a stale revision is refused (fencing)', async () => {
    const leases = await fresh();
    const r1 = await leases.create('cam/a', { worker: 'w1' });
    const r2 = await leases.update('cam/a', { worker: 'w1' }, r1);
    expect(r2).toBeGreaterThan(r1);
    await expect(leases.update('cam/a', { worker: 'w2' }, r1)).rejects.toSatisfy((e) => isArgusError(e, 'conflict'));
    await expect(leases.delete('cam/a', r1)).rejects.toSatisfy((e) => isArgusError(e, 'conflict'));
    await leases.delete('cam/a', r2);
    expect(await leases.get('cam/a')).toBeUndefined();
    expect(await leases.create('cam/a', { worker: 'w2' })).toBeGreaterThan(r2);
  });

  it('frees a key not renewed within the TTL; the old holder coming back is refused and a new claim has a higher revision', async () => {
    const leases = await fresh(1500);
    const old = await leases.create('cam/a', { worker: 'w1' });
    const t0 = Date.now();
    while ((await leases.get('cam/a')) !== undefined) await sleep(100);
    expect(Date.now() - t0).toBeLessThan(5000);
    const claim = await leases.create('cam/a', { worker: 'w2' });
    expect(claim).toBeGreaterThan(old);
    await expect(leases.update('cam/a', { worker: 'w1' }, old)).rejects.toSatisfy((e) => isArgusError(e, 'conflict'));
    expect((await leases.get('cam/a'))?.value).toEqual({ worker: 'w2' });
  });

  it('keeps a held lease alive past its TTL by heartbeat, under the same claim', async () => {
    const leases = await fresh(1500);
    const lease = await leases.hold('cam/a', { worker: 'w1' }, { heartbeatMs: 300 });
    await sleep(3500);
    const now = await leases.get('cam/a');
    expect(lease.lost).toBe(false);
    expect(now?.value).toEqual({ worker: 'w1' });
    expect(now!.revision).toBeGreaterThan(lease.claim);
    await expect(leases.create('cam/a', { worker: 'w2' })).rejects.toSatisfy((e) => isArgusError(e, 'conflict'));
    await lease.release();
    expect(await leases.get('cam/a')).toBeUndefined();
  });

  it('says a held lease is lost when another revision took its place, and stops renewing it', async () => {
    const leases = await fresh();
    const lost: string[] = [];
    const lease = await leases.hold('cam/a', { worker: 'w1' }, { heartbeatMs: 200, onLost: (r) => lost.push(r) });
    await leases.delete('cam/a');
    const theirs = await leases.create('cam/a', { worker: 'w2' });
    await until('the loss', () => lost.length > 0);
    expect(lost).toEqual(['taken']);
    await sleep(500);
    expect(await leases.get('cam/a')).toEqual({ key: 'cam/a', value: { worker: 'w2' }, revision: theirs });
    await expect(lease.set({ worker: 'w1' })).rejects.toSatisfy((e) => isArgusError(e, 'conflict'));
    await lease.release();
    expect((await leases.get('cam/a'))?.value).toEqual({ worker: 'w2' });
  });

  it('says a held lease is lost when it could not be renewed for its TTL (NATS unreachable), before the server frees it', async () => {
    const own = await NatsTestServers.start();
    const conn = await connectNats({ servers: own.urls });
    try {
      const leases = await KvLeases.open<Holder>(conn, { bucket: 'alone', ttlMs: 2000 });
      const lost: Array<{ reason: string; afterMs: number }> = [];
      const t0 = Date.now();
      await leases.hold('cam/a', { worker: 'w1' }, { heartbeatMs: 400, onLost: (reason) => lost.push({ reason, afterMs: Date.now() - t0 }) });
      await own.kill('n1');
      await until('the loss', () => lost.length > 0, 6000);
      expect(lost[0]!.reason).toBe('expired');
      expect(lost[0]!.afterMs).toBeLessThan(2000);
    } finally {
      await conn.close();
      await own.stop();
    }
  });

  it('watches puts, deletes and expiries', async () => {
    const leases = await fresh(1500);
    await leases.create('cam/before', { worker: 'w0' });
    const seen: LeaseChange<Holder>[] = [];
    const w = await leases.watch((c) => seen.push(c));
    try {
      const r = await leases.create('cam/a', { worker: 'w1' });
      await leases.create('cam/b', { worker: 'w2' });
      await leases.delete('cam/b');
      await until('the expiry of cam/a and cam/before', () => seen.filter((c) => c.op === 'expired').length === 2, 6000);
      const summary = seen.map((c) => (c.op === 'put' ? `put ${c.entry.key} ${c.entry.value.worker}` : `${c.op} ${c.key}`));
      expect(summary.slice(0, 4)).toEqual(['put cam/before w0', 'put cam/a w1', 'put cam/b w2', 'delete cam/b']);
      expect(summary.slice(4).sort()).toEqual(['expired cam/a', 'expired cam/before']);
      expect(seen.find((c) => c.op === 'expired' && c.key === 'cam/a')).toMatchObject({ revision: r });
    } finally {
      await w.stop();
    }
  });

  it('refuses keys that are not plain names', async () => {
    const leases = await fresh();
    for (const key of ['', 'a b', 'a.*', 'a.>', '.a', 'a..b']) await expect(leases.create(key, { worker: 'w' })).rejects.toSatisfy((e) => isArgusError(e, 'invalid_argument'));
  });
});
