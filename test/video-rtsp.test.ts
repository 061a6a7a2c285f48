import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame } from '../src/core/frame.js';
import { openFrameSource } from '../src/video/frame-source.js';
import type { FrameSourceEvent } from '../src/video/source.js';
import { freePort, gstreamerMissing, loopClip, RtspCameras, until } from './rtsp-camera.js';
import { video } from './assets.js';

/**
 * A live RTSP camera (GStreamer's RTSP server via scripts/rtsp-server.py) that dies and comes back on the same
 * port: the same FrameSource must reconnect by itself and keep time moving forward.
 */
const CLIP = video('opencv4nodejs_traffic.mp4');

const missing = gstreamerMissing();

let dir = '';
let longClip = '';
const cameras = new RtspCameras();

async function startServer(port: number): Promise<ChildProcess> {
  return cameras.start(longClip, port);
}

const stopServer = (child: ChildProcess): Promise<void> => cameras.stop(child);

beforeAll(async () => {
  if (missing) return;
  dir = await mkdtemp(join(tmpdir(), 'argus-rtsp-'));
  longClip = join(dir, 'long.mp4');
  loopClip(CLIP, longClip, 5);
});
afterAll(async () => {
  await cameras.stopAll();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a live RTSP source', () => {
  it.skipIf(missing !== undefined)(
    `reconnects by itself after the camera dies and comes back on the same port, and after it hangs${missing ? ` (skipped: ${missing})` : ''}`,
    async () => {
      const port = await freePort();
      let server = await startServer(port);
      const events: FrameSourceEvent[] = [];
      const src = openFrameSource({
        url: `rtsp://127.0.0.1:${port}/cam`,
        fps: 5,
        width: 320,
        backoff: { initialMs: 200, maxMs: 1000 },
        stallTimeoutMs: 3000,
        socketTimeoutMs: 2000,
        onEvent: (e) => events.push(e),
      });
      const frames: Frame[] = [];
      const reading = (async () => {
        for await (const f of src) frames.push(f);
      })();

      await until(() => frames.length >= 10, 15_000, 'the first frames');
      expect(src.health()).toBe('online');
      expect(frames[0]!.size).toEqual({ width: 320, height: 180 });
      expect(frames[0]!.sourceSize).toEqual({ width: 640, height: 360 });

      await stopServer(server);
      await until(() => src.health() === 'degraded' || src.health() === 'offline', 8000, 'the source to notice');
      const before = frames.length;
      await new Promise((r) => setTimeout(r, 1000));
      server = await startServer(port);
      await until(() => frames.length >= before + 10, 15_000, 'frames after the restart');

      expect(src.health()).toBe('online');
      expect(src.stats().restarts).toBeGreaterThanOrEqual(1);
      const healths = events.filter((e) => e.type === 'health').map((e) => e.type === 'health' && e.health);
      expect(healths[0]).toBe('online');
      expect(healths.at(-1)).toBe('online');
      expect(healths.some((h) => h === 'degraded')).toBe(true);
      frames.forEach((f, k) => {
        expect(f.index).toBe(k);
        if (k > 0) {
          expect(f.ptsSec).toBeGreaterThan(frames[k - 1]!.ptsSec);
          expect(f.capturedAtMs).toBeGreaterThanOrEqual(frames[k - 1]!.capturedAtMs);
        }
      });
      // Time kept running through the outage: the pts gap covers the wall-clock gap.
      const gapPts = frames[before]!.ptsSec - frames[before - 1]!.ptsSec;
      const gapWall = (frames[before]!.capturedAtMs - frames[before - 1]!.capturedAtMs) / 1000;
      expect(gapPts).toBeGreaterThan(0.5);
      expect(Math.abs(gapPts - gapWall)).toBeLessThan(1.5);

      // A camera that hangs with its connection open (process frozen): the stall watchdog restarts ffmpeg.
      server.kill('SIGSTOP');
      await until(() => events.some((e) => e.type === 'error' && e.error.code === 'source_stalled'), 10_000, 'the stall watchdog');
      server.kill('SIGCONT');
      const afterStall = frames.length;
      await until(() => frames.length >= afterStall + 5, 20_000, 'frames after the stall');
      expect(src.health()).toBe('online');

      await src.close();
      await reading;
      expect(src.health()).toBe('ended');
      await stopServer(server);
    },
    60_000,
  );
});
