import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Objm } from '@nats-io/obj';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isArgusError } from '../core/errors.js';
import { digestHex, NatsBlobStore, openNatsRuntimeBlobs } from './blob-nats.js';
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

runBlobStoreConformance('NATS JetStream object store (one node)', async () => {
  const bucket = `blobs-${++n}`;
  return { store: await NatsBlobStore.open(nc, { bucket }), dispose: async () => void (await new Objm(nc).open(bucket).then((os) => os.destroy())) };
});

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('the NATS object store blobs', () => {
  it('streams a file of several chunks in and out, with its digest', async () => {
    const store = await NatsBlobStore.open(nc, { bucket: 'large' });
    const dir = await mkdtemp(join(tmpdir(), 'argus-blob-large-'));
    try {
      const bytes = new Uint8Array(3 * 1024 * 1024 + 17).map((_, i) => (i * 31) % 251);
      await writeFile(join(dir, 'clip.mp4'), bytes);
      const ref = await store.putFile('pkg/01J/clip.mp4', join(dir, 'clip.mp4'));
      expect(ref).toEqual({ key: 'pkg/01J/clip.mp4', sha256: sha(bytes), bytes: bytes.byteLength });
      const back = await store.get(ref);
      expect(back && sha(back)).toBe(sha(bytes));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses bytes changed on the server behind the stored digest (checksum_mismatch, not the altered bytes)', async () => {
    const store = await NatsBlobStore.open(nc, { bucket: 'tamper' });
    const original = Uint8Array.from({ length: 4000 }, (_, i) => i % 256);
    const ref = await store.put('cam-1/crop.jpg', original);
    // Replace the object's only chunk in the bucket's stream with other bytes of the same size.
    const info = await (await new Objm(nc).open('tamper')).info('cam-1/crop.jpg');
    const chunks = `$O.tamper.C.${info!.nuid}`;
    await (await jetstreamManager(nc)).streams.purge('OBJ_tamper', { filter: chunks });
    await jetstream(nc).publish(chunks, original.map((b) => b ^ 0xff));
    await expect(store.get(ref)).rejects.toSatisfy((e) => isArgusError(e, 'checksum_mismatch'));
    await expect(store.get('cam-1/crop.jpg')).rejects.toSatisfy((e) => isArgusError(e, 'checksum_mismatch'));
  });

  it('opens the runtime buckets for crops and evidence', async () => {
    const blobs = await openNatsRuntimeBlobs(nc, { prefix: 'rt' });
    const ref = await blobs.crops.put('cam-1/a.jpg', Uint8Array.from([1, 2, 3]));
    expect(await blobs.evidence.get(ref.key)).toBeUndefined();
    expect(await blobs.crops.get(ref)).toEqual(Uint8Array.from([1, 2, 3]));
    expect(digestHex('SHA-256=' + Buffer.from(sha(Uint8Array.from([1, 2, 3])), 'hex').toString('base64url') + '=')).toBe(ref.sha256);
  });
});
