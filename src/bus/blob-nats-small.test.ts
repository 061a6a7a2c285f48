import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isArgusError } from '../core/errors.js';
import { NatsSmallBlobStore } from './blob-nats-small.js';
import { connectNats } from './nats-connect.js';
import { runBlobStoreConformance } from './testing/blob-conformance.js';
import { NatsTestServers } from './testing/nats-server.js';

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

runBlobStoreConformance('NATS JetStream small-blob stream (one node)', async () => {
  const bucket = `small-${++n}`;
  return { store: await NatsSmallBlobStore.open(nc, { bucket }), dispose: async () => void (await (await jetstreamManager(nc)).streams.delete(`BLOB_${bucket}`)) };
});

describe('the small-blob stream', () => {
  it('refuses a blob larger than its bound, and keeps one message per key', async () => {
    const store = await NatsSmallBlobStore.open(nc, { bucket: 'bounded', maxBlobBytes: 1000 });
    await expect(store.put('big.jpg', new Uint8Array(1001))).rejects.toSatisfy((e) => isArgusError(e, 'invalid_argument'));
    for (let i = 0; i < 5; i++) await store.put('same.jpg', new Uint8Array([i]));
    expect(await store.get('same.jpg')).toEqual(new Uint8Array([4]));
    const info = await (await jetstreamManager(nc)).streams.info('BLOB_bounded');
    expect(info.state.messages).toBe(1);
  });

  it('refuses a message whose bytes do not match the digest stored with them (written around the store)', async () => {
    const store = await NatsSmallBlobStore.open(nc, { bucket: 'tampered' });
    const ref = await store.put('a/b.jpg', new Uint8Array([1, 2, 3]));
    // Someone with publish rights writes other bytes under the key, with the old digest header.
    const { headers } = await import('@nats-io/transport-node');
    const h = headers();
    h.set('Argus-Sha256', ref.sha256);
    const { jetstream } = await import('@nats-io/jetstream');
    await jetstream(nc).publish(`$ARGUS.blob.tampered.${Buffer.from('a/b.jpg').toString('base64url')}`, new Uint8Array([9, 9, 9]), { headers: h });
    await expect(store.get('a/b.jpg')).rejects.toSatisfy((e) => isArgusError(e, 'checksum_mismatch'));
  });
});
