/** The federation outbox of the store, over SQLite and PostgreSQL (autoincrement and bigserial seqs). */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createDatabase, dropDatabase, testDialects } from '../postgres/testing-db.js';
import { openPostgresStore } from '../postgres/index.js';
import { openSqliteStore } from '../sqlite/index.js';
import type { Store } from '../store.js';
import type { KyselyStore } from './store.js';

const dialects = await testDialects('store/kysely/federation');
const dbs: string[] = [];
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});
afterAll(async () => {
  for (const name of dbs) await dropDatabase(name);
});

async function open(dialect: 'sqlite' | 'postgres'): Promise<Store> {
  if (dialect === 'sqlite') return openSqliteStore({ path: ':memory:' });
  const db = await createDatabase('argus_fed');
  dbs.push(db.name);
  return openPostgresStore({ connectionString: db.url, maxConnections: 2 });
}

const ev = (id: string, cameraId: string, atMs = 1000) => ({ id, cameraId, atMs, kind: 'plate.read', payload: { id, cameraId, atMs, kind: 'plate.read' } });

describe.each(dialects)('federation outbox (%s)', (dialect) => {
  it('queues only the shared events that are new in their batch, in commit order, once', async () => {
    store = await open(dialect);
    await store.writeBatch({ events: [ev('a', 'shared'), ev('b', 'private'), ev('c', 'shared')], outbox: ['a', 'c'] });
    // A retried batch (same ids) queues nothing again; a later batch comes after.
    await store.writeBatch({ events: [ev('a', 'shared'), ev('c', 'shared')], outbox: ['a', 'c'] });
    await store.writeBatch({ events: [ev('d', 'shared', 500)], outbox: ['d'] });
    const items = await store.readOutbox(0, 100);
    expect(items.map((i) => i.event?.id)).toEqual(['a', 'c', 'd']);
    expect(items.map((i) => i.seq)).toEqual([1, 2, 3]);
    expect(items[2]!.event).toEqual(ev('d', 'shared', 500));
    expect((await store.readOutbox(2, 100)).map((i) => i.eventId)).toEqual(['d']);
  });

  it('is pruned behind the cursor, which survives in the store', async () => {
    store = await open(dialect);
    await store.writeBatch({ events: [ev('a', 's'), ev('b', 's')], outbox: ['a', 'b'] });
    expect(await store.getMeta('fed.outbox.cursor')).toBeNull();
    await store.putMeta('fed.outbox.cursor', '1');
    await store.putMeta('fed.outbox.cursor', '2');
    expect(await store.getMeta('fed.outbox.cursor')).toBe('2');
    expect(await store.pruneOutbox(1)).toBe(1);
    expect((await store.readOutbox(0, 100)).map((i) => i.event?.id)).toEqual(['b']);
    // A batch retried after its events were published and pruned queues nothing again (they are not new).
    await store.pruneOutbox(2);
    await store.writeBatch({ events: [ev('a', 's'), ev('b', 's')], outbox: ['a', 'b'] });
    expect(await store.readOutbox(0, 100)).toEqual([]);
  });

  it('keeps the place of an event removed since (retention): read as null, not as a gap', async () => {
    store = await open(dialect);
    await store.writeBatch({ events: [ev('a', 's'), ev('b', 's')], outbox: ['a', 'b'] });
    await (store as KyselyStore).db.deleteFrom('events').where('id', '=', 'a').execute();
    const items = await store.readOutbox(0, 100);
    expect(items.map((i) => [i.seq, i.eventId, i.event?.id ?? null])).toEqual([[1, 'a', null], [2, 'b', 'b']]);
  });

  it('keeps the owner of each federated camera (a province)', async () => {
    store = await open(dialect);
    await store.upsertFedCamera({ cameraId: 'gate-1', districtId: 'ds-a', districtName: 'A', updatedAtMs: 1 });
    await store.upsertFedCamera({ cameraId: 'gate-1', districtId: 'ds-a', districtName: 'A renamed', updatedAtMs: 2 });
    expect(await store.listFedCameras()).toEqual([{ cameraId: 'gate-1', districtId: 'ds-a', districtName: 'A renamed', updatedAtMs: 2 }]);
  });
});
