/**
 * What a worker's camera sends travels: an ANPR camera (the real plate reader on a slideshow of real scene photos,
 * no detector model) run by a worker on real NATS. Its plate reads reach the JetStream stream stamped with the worker
 * and lease, each carrying a reference to its crop in the object store with the crop's SHA-256 (fetched back with the
 * digest checked), never bytes. The site's plate pool asked the central store for its history over NATS (a stand-in
 * responder here: the serve side is another part's) for this camera's site.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { openNatsRuntimeBlobs } from '../src/bus/blob-nats.js';
import type { CameraMessage } from '../src/bus/messages.js';
import { connectNats } from '../src/bus/nats-connect.js';
import { NatsTestServers } from '../src/bus/testing/nats-server.js';
import { cameraSchema, siteSchema } from '../src/config/schema.js';
import type { PlateReadEvent } from '../src/core/plate.js';
import { JsonKv } from '../src/pipeline/worker/kv.js';
import { BUCKETS, PLATE_HISTORY_SUBJECT, type CameraSpec, type PlateHistoryReply } from '../src/pipeline/worker/protocol.js';
import { Worker } from '../src/pipeline/worker/worker.js';
import { scenesSlideshow } from './assets.js';

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const cleanup: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
});

describe('a worker\'s plate reads travel by reference', () => {
  it('publishes plate reads with their crops in the object store (SHA-256 checked) and warms the site prior over NATS', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'argus-worker-plates-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    await mkdir(join(dir, 'no-models'));
    const clip = scenesSlideshow(['1.jpg', '101.jpg', '117.jpg'], join(dir, 'scenes.mp4'), 2);
    const servers = await NatsTestServers.start();
    cleanup.push(() => servers.stop());
    const nc: NatsConnection = await connectNats({ servers: servers.urls });
    cleanup.push(() => nc.close());
    const asked: unknown[] = [];
    const history = nc.subscribe(PLATE_HISTORY_SUBJECT, {
      callback: (_e, m) => {
        asked.push(m.json());
        const reply: PlateHistoryReply = { plates: [{ plateKey: '77A12345', cameraId: 'anpr1', atMs: Date.now() - 60_000, confidence: 0.95 }] };
        m.respond(JSON.stringify(reply));
      },
    });
    cleanup.push(async () => history.unsubscribe());
    const reads: Array<Extract<CameraMessage, { kind: 'event' }>> = [];
    const tap = nc.subscribe('argus.cam.anpr1.event', { callback: (_e, m) => void reads.push(m.json()) });
    cleanup.push(async () => tap.unsubscribe());

    const wnc = await connectNats({ servers: servers.urls });
    cleanup.push(() => wnc.close());
    const w = await Worker.start({ nc: wnc, name: 'wp', capacity: 20, dataDir: join(dir, 'wp'), modelsDir: join(dir, 'no-models'), logger: silent });
    cleanup.push(() => w.stop());
    const cameras = await JsonKv.open<CameraSpec>(nc, { bucket: BUCKETS.cameras, logger: silent });
    const site = siteSchema.parse({ id: 'bd', name: 'Bình Định', provinces: [77] });
    const config = cameraSchema.parse({ id: 'anpr1', name: 'ANPR', site: 'bd', kind: 'gateway', source: clip, location: { lat: 13.8, lng: 109.2 }, plates: 'anpr', analysis: { fps: 2 } });
    await cameras.put('anpr1', { config, site, updatedAtMs: Date.now() });

    const end = Date.now() + 50_000;
    while (!reads.some((m) => m.event.kind === 'plate.read') && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
    const plates = reads.filter((m) => m.event.kind === 'plate.read');
    expect(plates.length).toBeGreaterThan(0);
    expect(asked).toEqual([{ siteId: 'bd' }]);
    const lease = w.held().find((h) => h.id === 'anpr1')!.lease;
    const blobs = await openNatsRuntimeBlobs(nc);
    for (const m of plates) {
      expect(m.producer).toEqual({ worker: 'wp', lease });
      const e = m.event as PlateReadEvent;
      expect(e).not.toHaveProperty('cropJpeg');
      expect(e.crop).toMatchObject({ key: `anpr1/${e.id}.jpg`, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
      const bytes = await blobs.crops.get(e.crop!);
      expect(createHash('sha256').update(bytes!).digest('hex')).toBe(e.crop!.sha256);
      expect([bytes![0], bytes![1]]).toEqual([0xff, 0xd8]);
    }
    console.log(`plate reads from the worker: ${plates.map((m) => (m.event as PlateReadEvent).read.plate).join(', ')}`);
  }, 80_000);
});
