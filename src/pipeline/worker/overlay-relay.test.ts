import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNats } from '../../bus/nats-connect.js';
import { NatsTestServers } from '../../bus/testing/nats-server.js';
import { OverlayTap, type OverlayFrame } from '../runtime/overlay.js';
import { startOverlayPublisher, subscribeOverlay } from './overlay-relay.js';

let servers: NatsTestServers;
let worker: NatsConnection;
let replica: NatsConnection;
beforeAll(async () => {
  servers = await NatsTestServers.start();
  worker = await connectNats({ servers: servers.urls });
  replica = await connectNats({ servers: servers.urls });
});
afterAll(async () => {
  await worker?.close();
  await replica?.close();
  await servers?.stop();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const frame = (cameraId: string, n: number): OverlayFrame => ({ cameraId, capturedAtMs: n, tracks: [{ id: n, cls: 'car', box: [0.1, 0.1, 0.2, 0.2] }], lines: [], zones: [], signals: [] });

describe('the overlay relay between a worker and a replica (core NATS)', () => {
  it('builds and sends frames only while a replica sends its demand, and stops holdMs after the last one', async () => {
    const tap = new OverlayTap();
    const pub = startOverlayPublisher({ nc: worker, overlay: tap, runs: (id) => id === 'cam1', holdMs: 600 });
    // The runtime's side: a frame per 50 ms, built only when somebody wants it (camera-manager.ts).
    let n = 0;
    const runtime = setInterval(() => {
      n++;
      for (const id of ['cam1', 'cam2']) if (tap.wants(id)) tap.publish(frame(id, n));
    }, 50);
    try {
      await sleep(300);
      expect(tap.published).toBe(0);
      const got: OverlayFrame[] = [];
      const stop = subscribeOverlay(replica, 'cam1', (f) => got.push(f), 200);
      const other: OverlayFrame[] = [];
      // A camera this worker does not run: no watch, no frame.
      const stopOther = subscribeOverlay(replica, 'cam2', (f) => other.push(f), 200);
      await sleep(1000);
      expect(got.length).toBeGreaterThan(5);
      expect(got.every((f) => f.cameraId === 'cam1' && f.tracks[0]!.cls === 'car')).toBe(true);
      expect(other).toHaveLength(0);
      expect(pub.publishing()).toEqual(['cam1']);
      stop();
      stopOther();
      // Heartbeats stop: the worker keeps going for holdMs, then builds nothing more.
      await sleep(1200);
      expect(tap.wants('cam1')).toBe(false);
      expect(pub.publishing()).toEqual([]);
      const built = tap.published;
      await sleep(300);
      expect(tap.published).toBe(built);
    } finally {
      clearInterval(runtime);
      await pub.stop();
    }
  }, 15_000);
});
