import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiskBlobStore } from '../bus/blob-disk.js';
import { MemoryBus } from '../bus/memory.js';
import { messageKeys, type CameraMessage } from '../bus/messages.js';
import { box } from '../core/box.js';
import type { LineCrossEvent } from '../core/events.js';
import type { PlateReadEvent } from '../core/plate.js';
import type { ViolationEvent } from '../core/violation.js';
import { busOutputs } from '../pipeline/runtime/outputs.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/index.js';
import type { Store } from '../store/store.js';
import { startBusConsumer } from './bus-consumer.js';
import { resolveCrop } from './crops.js';
import { Ingest } from './ingest.js';
import { LiveHub } from './live.js';

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const T0 = Date.UTC(2026, 11, 1, 8, 0, 0);
const cross = (id: string): LineCrossEvent => ({ id, cameraId: 'cam-a', atMs: T0, ptsSec: 0, kind: 'line.cross', lineId: 'L1', trackId: 1, cls: 'car', direction: 'pos', box: box(0, 0, 1, 1) });
const until = async (what: string, ok: () => Promise<boolean>, ms = 10_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe("the server's consumer of the cameras' bus", () => {
  let dir: string;
  let store: SqliteStore;
  let jpeg: Uint8Array;
  const hub = new LiveHub();
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'argus-consumer-'));
    store = await openSqliteStore({ path: join(dir, 'argus.db') });
    jpeg = new Uint8Array(await sharp({ create: { width: 40, height: 12, channels: 3, background: '#fff' } }).jpeg().toBuffer());
  });
  afterAll(async () => {
    hub.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** The single box's wiring: a bus, a crops spool, the ingest, the consumer; `failWrites` makes the next commits fail. */
  function wiring(name: string, real: Store = store) {
    let failWrites = 0;
    const flaky = new Proxy(real, {
      get: (t, p) => (p === 'writeBatch' ? (...a: Parameters<Store['writeBatch']>) => (failWrites-- > 0 ? Promise.reject(new Error('database is down')) : t.writeBatch(...a)) : Reflect.get(t, p)),
    });
    const bus = new MemoryBus<CameraMessage>();
    const crops = new DiskBlobStore(join(dir, name, 'spool'));
    const evidence = new DiskBlobStore(join(dir, name, 'evidence'));
    const ingest = new Ingest(flaky, hub, quiet, { flushMs: 10, cropsRoot: join(dir, name, 'crops'), evidenceRoot: evidence.root, cropBlobs: crops });
    const consumer = startBusConsumer({ bus, ingest, hub, crops, evidencePath: (k) => evidence.pathOf(k), log: quiet });
    const out = busOutputs({ bus, blobs: { crops, evidence }, logger: quiet });
    return { bus, crops, evidence, ingest, consumer, out, fail: (n: number) => void (failWrites = n), close: async () => { await consumer.drain(); await bus.close(); await ingest.close(); } };
  }

  it('stores what the cameras published, acknowledging only after the commit: a failed commit is delivered again, nothing lost or doubled', async () => {
    const w = wiring('commit');
    w.fail(3);
    for (const id of ['c1', 'c2', 'c3']) await w.out.event(cross(id));
    await w.bus.publish({ kind: 'event', event: cross('c2') }, { id: 'event:c2', cameraId: 'cam-a' }); // a retried publish
    await until('three events stored', async () => (await store.listEvents({ cameraIds: ['cam-a'], kinds: ['line.cross'] })).items.length === 3);
    await w.close();
    expect((await store.listEvents({ cameraIds: ['cam-a'], kinds: ['line.cross'] })).items.map((e) => e.id).sort()).toEqual(['c1', 'c2', 'c3']);
  });

  it('stores the heatmap buckets the runtime flushed, once each, also when the store refuses the first commit', async () => {
    const w = wiring('heatmap');
    const bucket = { id: 'h1', cameraId: 'cam-h', bucketStartMs: T0, bucketMs: 300_000, cls: 'person', cols: 2, rows: 1, cells: [1.5, 0], seconds: 300, objectSeconds: 1.5, maxCount: 1 };
    w.fail(1); // the events' commit of the batch fails once: the whole batch is delivered again
    await w.out.event(cross('hx'));
    await w.out.heatmap(bucket);
    await w.out.heatmap(bucket); // published twice (a retry): stored once
    await until('the bucket', async () => (await store.heatmapWindow({ cameraId: 'cam-h', cls: 'person', fromMs: T0, toMs: T0 + 1 })).buckets.length === 1);
    await w.close();
    expect(await store.heatmapWindow({ cameraId: 'cam-h', cls: 'person', fromMs: T0, toMs: T0 + 1 })).toEqual({
      cols: 2, rows: 1, cells: [1.5, 0], seconds: 300, buckets: [{ startMs: T0, seconds: 300, objectSeconds: 1.5, maxCount: 1 }],
    });
  });

  it('fetches a plate crop by its reference, keeps it with the sighting, and empties the spool', async () => {
    const w = wiring('crop');
    const p: PlateReadEvent = { id: 'p1', cameraId: 'cam-a', atMs: T0, ptsSec: 0, kind: 'plate.read', trackId: 2, cls: 'car', reads: 1, read: { plate: '43A12345', display: '43A-123.45', confidence: 0.9, category: 'private', lines: [] }, cropJpeg: jpeg };
    await w.out.event(p);
    await until('the sighting', async () => (await store.listSightings({ cameraIds: ['cam-a'] })).items.some((s) => s.id === 'p1'));
    await w.close();
    const s = (await store.listSightings({ cameraIds: ['cam-a'] })).items.find((x) => x.id === 'p1')!;
    const file = await resolveCrop(join(dir, 'crop', 'crops'), s.cropRef!);
    expect(new Uint8Array(await readFile(file!))).toEqual(jpeg);
    expect(await w.crops.get('cam-a/p1.jpg')).toBeUndefined();
  });

  it('refuses a crop whose bytes changed after it was sent (digest), storing the sighting without it', async () => {
    const w = wiring('tamper');
    // The runtime put the crop; the spool file is then replaced before the consumer reads it.
    const ref = await w.crops.put('cam-a/p2.jpg', jpeg);
    const other = new Uint8Array(await sharp({ create: { width: 40, height: 12, channels: 3, background: '#000' } }).jpeg().toBuffer());
    await writeFile(w.crops.pathOf('cam-a/p2.jpg'), other);
    const m: CameraMessage = { kind: 'event', event: { id: 'p2', cameraId: 'cam-a', atMs: T0, ptsSec: 0, kind: 'plate.read', trackId: 3, cls: 'car', reads: 1, read: { plate: '43A12346', display: '43A-123.46', confidence: 0.9, category: 'private', lines: [] }, crop: ref } };
    await w.bus.publish(m, messageKeys(m));
    await until('the sighting', async () => (await store.listSightings({ cameraIds: ['cam-a'] })).items.some((s) => s.id === 'p2'));
    await w.close();
    expect((await store.listSightings({ cameraIds: ['cam-a'] })).items.find((x) => x.id === 'p2')!.cropRef).toBeNull();
  });

  it('resolves an evidence reference to the package of its own evidence store, and refuses a path of another machine', async () => {
    const w = wiring('evidence');
    const pkg = w.evidence.pathOf('v1');
    await w.evidence.put('v1/manifest.json', new TextEncoder().encode('{}\n'));
    const v = (id: string, uri: string): ViolationEvent => ({
      id, cameraId: 'cam-a', atMs: T0, ptsSec: 0, ruleId: 'r1', ruleKind: 'wrong_way', kind: 'violation', violation: 'wrong_way',
      trackId: 3 as ViolationEvent['trackId'], cls: 'car', box: box(0, 0, 1, 1), measurements: {}, params: {}, evidence: { uri, manifestSha256: 'ab'.repeat(32) },
    });
    await w.out.event(v('v1', pkg)); // the runtime: the package folder becomes blob:evidence/v1
    const foreign: CameraMessage = { kind: 'event', event: v('v2', '/srv/worker-7/evidence/v2') };
    await w.bus.publish(foreign, messageKeys(foreign));
    await until('both violations', async () => (await store.listViolations({})).items.filter((x) => ['v1', 'v2'].includes(x.id)).length === 2);
    await w.close();
    expect((await store.listEvidence({ violationId: 'v1' })).map((e) => e.path)).toEqual(['v1']);
    expect(await store.listEvidence({ violationId: 'v2' })).toEqual([]);
  });
});
