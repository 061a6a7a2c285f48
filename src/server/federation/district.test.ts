/**
 * The district's publisher against a real nats-server and a real SQLite store: what the store committed reaches the
 * stream once, across a publisher that stops (a crash after the commit) and a nats-server that is down for a while.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../bus/nats-connect.js';
import { DomainServer } from '../../bus/testing/nats-leaf.js';
import { fedNames, type DistrictFederationConfig } from '../../config/federation.js';
import { openSqliteStore } from '../../store/sqlite/index.js';
import type { CameraStatusSource } from '../camera-directory.js';
import { DistrictFederation } from './district.js';
import { ShareFilter } from './share.js';

const cleanup: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
});

const status: CameraStatusSource = { status: () => [], detectorStatus: () => [] };
const ev = (id: string, cameraId = 'gate-1') => ({ id, cameraId, atMs: Date.now(), kind: 'plate.read', payload: { id, cameraId, atMs: Date.now(), kind: 'plate.read', evidence: { uri: '/data/evidence/x' } } });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function streamIds(nc: NatsConnection, stream: string): Promise<string[]> {
  const jsm = await jetstreamManager(nc);
  const last = (await jsm.streams.info(stream)).state.last_seq;
  const s = await jetstream(nc).streams.get(stream);
  const ids: string[] = [];
  for (let seq = 1; seq <= last; seq++) ids.push((await s.getMessage({ seq }))!.json<{ event: { id: string } }>().event.id);
  return ids;
}

describe('the district federation publisher', () => {
  it('publishes what was committed before it started, once, and what comes while its nats-server is down after it returns', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'argus-fedpub-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const nats = await DomainServer.start({ name: 'district', domain: 'ds-a' });
    cleanup.push(() => nats.stop());
    const store = await openSqliteStore({ path: join(dir, 'argus.db') });
    cleanup.push(() => store.close());
    const config: DistrictFederationConfig = { role: 'district', id: 'ds-a', name: 'A', nats: nats.url, share: { cameras: ['gate-1'] }, statusEverySec: 60 };
    const start = () => DistrictFederation.start({ config, store, share: new ShareFilter(config.share), status, log: silentLogger, pollMs: 50, auditEveryMs: 60_000 });

    // Committed while no publisher ran (it crashed right after the commit): nothing lost when it starts.
    await store.writeBatch({ events: [ev('e1'), ev('e2'), ev('p1', 'private')], outbox: ['e1', 'e2'] });
    let fed = await start();
    const nc = await connect({ servers: nats.url });
    cleanup.push(() => nc.close());
    const stream = fedNames.districtStream('ds-a');
    const until = async (n: number): Promise<string[]> => {
      for (let i = 0; i < 200; i++) {
        const ids = await streamIds(nc, stream).catch(() => []);
        if (ids.length >= n) return ids;
        await sleep(50);
      }
      return streamIds(nc, stream);
    };
    expect(await until(2)).toEqual(['e1', 'e2']);
    const first = (await jetstream(nc).streams.get(stream).then((s) => s.getMessage({ seq: 1 })))!;
    expect(first.subject).toBe('argus.fed.ds-a.gate-1.plate_read');
    expect(first.header?.get('Nats-Msg-Id')).toBe('e1');
    expect(JSON.stringify(first.json())).not.toContain('evidence'); // the package stays at the district
    await fed.stop();

    // Its cursor is in the store: a new publisher goes on after it (nothing published twice).
    expect(await store.getMeta('fed.outbox.cursor')).toBe('2');
    await store.writeBatch({ events: [ev('e3')], outbox: ['e3'] });
    fed = await start();
    expect(await until(3)).toEqual(['e1', 'e2', 'e3']);

    // The district's nats-server down: committed events wait in the outbox, and go when it is back.
    await nc.close();
    await nats.kill();
    await store.writeBatch({ events: [ev('e4'), ev('e5')], outbox: ['e4', 'e5'] });
    await sleep(1500);
    expect((await store.readOutbox(3, 10)).map((i) => i.eventId)).toEqual(['e4', 'e5']);
    await nats.run();
    const nc2 = await connect({ servers: nats.url });
    cleanup.push(() => nc2.close());
    let ids: string[] = [];
    for (let i = 0; i < 300 && ids.length < 5; i++) {
      ids = await streamIds(nc2, stream).catch(() => []);
      await sleep(50);
    }
    expect(ids).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']);
    await fed.stop();
    expect(await store.readOutbox(0, 10)).toEqual([]); // pruned behind the cursor
  }, 60_000);

  it('publishes from one replica only; when that replica is cut off, another takes over within the lease TTL, nothing lost or doubled', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'argus-fedpub2-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const nats = await DomainServer.start({ name: 'district', domain: 'ds-b' });
    cleanup.push(() => nats.stop());
    // Two serve replicas of one district share its store (PostgreSQL in the scaled mode; the election is the NATS part).
    const store = await openSqliteStore({ path: join(dir, 'argus.db') });
    cleanup.push(() => store.close());
    const config: DistrictFederationConfig = { role: 'district', id: 'ds-b', name: 'B', nats: nats.url, share: { cameras: ['gate-1'] }, statusEverySec: 1 };
    const start = () => DistrictFederation.start({ config, store, share: new ShareFilter(config.share), status, log: silentLogger, pollMs: 50, auditEveryMs: 60_000, publisherTtlMs: 2000 });
    const nc = await connect({ servers: nats.url });
    cleanup.push(() => nc.close());
    const stream = fedNames.districtStream('ds-b');
    const until = async (what: string, ok: () => boolean | Promise<boolean>, ms = 15_000): Promise<number> => {
      const t0 = Date.now();
      while (!(await ok())) {
        if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
        await sleep(50);
      }
      return Date.now() - t0;
    };
    const stored = (): Promise<string[]> => streamIds(nc, stream).catch(() => []);
    const batch = (ids: string[]) => store.writeBatch({ events: ids.map((id) => ev(id)), outbox: ids });

    await batch(['e1', 'e2', 'e3']);
    const a = await start();
    const b = await start();
    cleanup.push(() => a.stop(), () => b.stop());
    await until('the first three published', async () => (await stored()).length >= 3);
    await sleep(1000); // both had time to publish, had both tried
    expect([a.publishing, b.publishing].filter(Boolean)).toHaveLength(1);
    await batch(['e4', 'e5', 'e6']);
    await until('six published', async () => (await stored()).length >= 6);
    expect(await stored()).toEqual(['e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
    expect([a.publishing, b.publishing].filter(Boolean)).toHaveLength(1);
    const leader = a.publishing ? a : b;
    const standby = leader === a ? b : a;
    expect(leader.published).toBe(6);
    expect(standby.published).toBe(0);

    // The leader is cut off from NATS (its process hangs, or its network is gone): it stops at the TTL, the other takes over.
    const cutAt = Date.now();
    await (leader as unknown as { nc: NatsConnection }).nc.close();
    await batch(['e7', 'e8', 'e9']);
    const tookOverMs = await until('the standby publishing', () => standby.publishing);
    await until('nine published', async () => (await stored()).length >= 9);
    console.log(`publisher failover: the standby published ${tookOverMs} ms after the leader was cut off (lease TTL 2000 ms), all 9 events in the stream ${Date.now() - cutAt} ms after`);
    expect(await stored()).toEqual(['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8', 'e9']);
    expect(leader.publishing).toBe(false);
    expect(standby.published).toBe(3);
  }, 60_000);
});
