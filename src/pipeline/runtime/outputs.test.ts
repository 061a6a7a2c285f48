import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiskBlobStore } from '../../bus/blob-disk.js';
import type { Delivery } from '../../bus/bus.js';
import { MemoryBus } from '../../bus/memory.js';
import type { CameraMessage } from '../../bus/messages.js';
import { box } from '../../core/box.js';
import type { PlateReadEvent } from '../../core/plate.js';
import type { ViolationEvent } from '../../core/violation.js';
import { busOutputs } from './outputs.js';

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);

describe("the runtime's outputs on the bus", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'argus-outputs-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('send a plate crop by reference and an evidence package as blob:evidence/<key>: nothing of this disk travels', async () => {
    const bus = new MemoryBus<CameraMessage>();
    const got: Delivery<CameraMessage>[] = [];
    const sub = bus.consume({ durable: 'test' }, async (b) => void got.push(...b));
    const spool = join(dir, 'worker-disk');
    const crops = new DiskBlobStore(join(dir, 'crops'));
    const evidence = new DiskBlobStore(join(dir, 'evidence'));
    const out = busOutputs({ bus, blobs: { crops, evidence }, logger: quiet });
    const pkg = join(spool, 'v1');
    await mkdir(pkg, { recursive: true });
    await writeFile(join(pkg, 'manifest.json'), '{"files":[]}\n');
    await writeFile(join(pkg, '2-moment.jpg'), JPEG);
    const plate: PlateReadEvent = { id: 'p1', cameraId: 'cam-a', atMs: 1, ptsSec: 0, kind: 'plate.read', trackId: 1, cls: 'car', reads: 1, read: { plate: '43A12345', display: '43A-123.45', confidence: 0.9, category: 'private', lines: [] }, cropJpeg: JPEG };
    const violation: ViolationEvent = {
      id: 'v1', cameraId: 'cam-a', atMs: 1, ptsSec: 0, ruleId: 'r', ruleKind: 'wrong_way', kind: 'violation', violation: 'wrong_way', trackId: 1 as ViolationEvent['trackId'],
      cls: 'car', box: box(0, 0, 1, 1), measurements: {}, params: {}, evidence: { uri: pkg, manifestSha256: 'ab'.repeat(32) },
    };
    await out.event(plate);
    await out.event(violation);
    await sub.drain();
    const [p, v] = got.map((d) => (d.message.kind === 'event' ? d.message.event : undefined));
    expect(p).toMatchObject({ id: 'p1', crop: { key: 'cam-a/p1.jpg', sha256: createHash('sha256').update(JPEG).digest('hex'), bytes: JPEG.length } });
    expect(p && 'cropJpeg' in p).toBe(false);
    expect(v).toMatchObject({ id: 'v1', evidence: { uri: 'blob:evidence/v1', manifestSha256: 'ab'.repeat(32) } });
    expect(JSON.stringify(got)).not.toContain(dir);
    expect(await evidence.get('v1/2-moment.jpg')).toEqual(JPEG);
    expect(await crops.get('cam-a/p1.jpg')).toEqual(JPEG);
    await bus.close();
  });

  it('stamp every message with its producer when the runner says one (a worker), and none on the single box', async () => {
    const bus = new MemoryBus<CameraMessage>();
    const got: CameraMessage[] = [];
    const sub = bus.consume({ durable: 'test' }, async (b) => void got.push(...b.map((d) => d.message)));
    const crops = new DiskBlobStore(join(dir, 'crops-2'));
    const stamped = busOutputs({ bus, blobs: { crops }, logger: quiet, producer: (id) => (id === 'cam-a' ? { worker: 'w1', lease: 7 } : undefined) });
    const plain = busOutputs({ bus, blobs: { crops }, logger: quiet });
    const count = { id: 'e1', cameraId: 'cam-a', atMs: 1, ptsSec: 0, kind: 'line.cross', lineId: 'l', trackId: 1, cls: 'car', direction: 'in' } as unknown as Parameters<typeof stamped.event>[0];
    await stamped.event(count);
    await stamped.alert({ id: 'a1', cameraId: 'cam-a', atMs: 2, kind: 'signal_loss', severity: 'critical', message: 'x', payload: {} });
    await stamped.alert({ id: 'a2', cameraId: 'cam-b', atMs: 3, kind: 'signal_loss', severity: 'critical', message: 'x', payload: {} });
    await plain.event({ ...count, id: 'e2' } as typeof count);
    await sub.drain();
    expect(got.map((m) => m.producer)).toEqual([{ worker: 'w1', lease: 7 }, { worker: 'w1', lease: 7 }, undefined, undefined]);
    expect(got.slice(2).every((m) => !('producer' in m))).toBe(true);
    await bus.close();
  });
});
