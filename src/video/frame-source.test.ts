import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { Frame } from '../core/frame.js';
import { chooseOutputSize, openFrameSource } from './frame-source.js';
import { probeSource } from './probe.js';
import type { FrameSourceEvent } from './source.js';
import { video } from '../../test/assets.js';

const TRAFFIC = video('opencv4nodejs_traffic.mp4'); // 640×360, 23.976 fps, 20.02 s
const BOULEVARD = video('vn_street_cctv_wrong_way_nguoc_chieu.mp4'); // 1568×778

/** ffmpeg processes that are children of this test process. */
const childFfmpegs = (): string[] => {
  try {
    return execFileSync('ps', ['--ppid', String(process.pid), '-o', 'pid=,comm='], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => /ffmpeg|ffprobe/.test(l));
  } catch {
    return []; // ps exits 1 when no process matches
  }
};

describe('openFrameSource on a file', () => {
  it('decodes a real clip at 5 fps: every frame, monotonically increasing pts, file-based capture times', async () => {
    const info = await probeSource(TRAFFIC);
    const startTimeMs = Date.UTC(2026, 0, 1, 7, 0, 0);
    const events: FrameSourceEvent[] = [];
    const src = openFrameSource({ url: TRAFFIC, fps: 5, startTimeMs, onEvent: (e) => events.push(e) });
    const frames: Frame[] = [];
    for await (const f of src) frames.push(f);
    const expected = Math.round(info.durationSec! * 5);
    expect(Math.abs(frames.length - expected)).toBeLessThanOrEqual(1);
    frames.forEach((f, k) => {
      expect(f.index).toBe(k);
      expect(f.ptsSec).toBeCloseTo(k / 5, 6);
      expect(f.capturedAtMs).toBeCloseTo(startTimeMs + f.ptsSec * 1000, 3);
      expect(f.size).toEqual({ width: 640, height: 360 });
      expect(f.sourceSize).toEqual({ width: 640, height: 360 });
      expect(f.rgb.length).toBe(640 * 360 * 3);
    });
    // Consecutive frames of a moving road differ; a frame is not all one colour.
    expect(Buffer.compare(frames[10]!.rgb, frames[11]!.rgb)).not.toBe(0);
    expect(new Set(frames[0]!.rgb.subarray(0, 3000)).size).toBeGreaterThan(20);
    expect(src.health()).toBe('ended');
    expect(events.filter((e) => e.type === 'health').map((e) => e.type === 'health' && e.health)).toEqual(['online', 'ended']);
    expect(src.stats()).toMatchObject({ framesDelivered: frames.length, framesDropped: 0, restarts: 0 });
    expect(src.lastError()).toBeUndefined();
  });

  it('scales to the requested width keeping the aspect, and caps a wide source at 1280', async () => {
    const first = async (opts: { width?: number; height?: number; url: string }): Promise<Frame> => {
      for await (const f of openFrameSource({ fps: 5, ...opts })) return f;
      throw new Error('no frame');
    };
    const small = await first({ url: TRAFFIC, width: 320 });
    expect(small.size).toEqual({ width: 320, height: 180 });
    expect(small.rgb.length).toBe(320 * 180 * 3);
    const wide = await first({ url: BOULEVARD });
    expect(wide.size).toEqual({ width: 1280, height: 636 });
    expect(wide.sourceSize).toEqual({ width: 1568, height: 778 });
  });

  it('loses no frame to a slow consumer (ffmpeg is paused instead)', async () => {
    const src = openFrameSource({ url: TRAFFIC, fps: 2, maxQueuedFrames: 1 });
    let n = 0;
    for await (const _f of src) {
      n++;
      await new Promise((r) => setTimeout(r, 15));
    }
    expect(Math.abs(n - 40)).toBeLessThanOrEqual(1);
    expect(src.stats().framesDropped).toBe(0);
  });

  it('drops the oldest frames for a slow consumer when asked to (live behaviour)', async () => {
    const src = openFrameSource({ url: TRAFFIC, fps: 10, width: 160, height: 90, maxQueuedFrames: 2, dropWhenBehind: true });
    const pts: number[] = [];
    for await (const f of src) {
      pts.push(f.ptsSec);
      await new Promise((r) => setTimeout(r, 40));
    }
    expect(src.stats().framesDropped).toBeGreaterThan(0);
    expect(pts.length + src.stats().framesDropped).toBe(200);
    expect(pts.every((p, k) => k === 0 || p > pts[k - 1]!)).toBe(true);
  });

  it('ends with source_stalled when no frame comes within the stall timeout', async () => {
    const events: FrameSourceEvent[] = [];
    const src = openFrameSource({ url: TRAFFIC, fps: 0.25, width: 160, height: 90, realtime: true, stallTimeoutMs: 600, onEvent: (e) => events.push(e) });
    const t0 = Date.now();
    await expect(async () => {
      for await (const _f of src) void _f;
    }).rejects.toThrow(/stalled/);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(src.lastError()?.code).toBe('source_stalled');
    expect(events.some((e) => e.type === 'error' && e.error.code === 'source_stalled')).toBe(true);
  });

  it('loops a file with pts that keep increasing', async () => {
    const src = openFrameSource({ url: TRAFFIC, fps: 10, width: 160, height: 90, loop: true });
    let last = -1;
    let n = 0;
    for await (const f of src) {
      expect(f.ptsSec).toBeGreaterThan(last);
      last = f.ptsSec;
      if (++n >= 260) break; // 20 s × 10 fps = 200 frames per pass
    }
    expect(last).toBeCloseTo(25.9, 6);
    expect(src.health()).toBe('ended');
  });

  it('paces a realtime file at its native speed', async () => {
    const t0 = Date.now();
    let n = 0;
    for await (const _f of openFrameSource({ url: TRAFFIC, fps: 5, width: 160, height: 90, realtime: true })) if (++n >= 8) break;
    expect(Date.now() - t0).toBeGreaterThan(1200);
  });

  it("stamps a realtime file's frames as a camera's (on arrival), not from before ffmpeg started", async () => {
    const opened = Date.now();
    for await (const f of openFrameSource({ url: TRAFFIC, fps: 5, width: 160, height: 90, realtime: true })) {
      const arrived = Date.now();
      // ffmpeg takes a while to start and give its first frame: that wait is not time the frame existed.
      console.log(`realtime file: first frame ${arrived - opened} ms after opening, stamped ${arrived - f.capturedAtMs} ms before it arrived`);
      expect(arrived - f.capturedAtMs).toBeLessThan(Math.max(50, (arrived - opened) / 2));
      break;
    }
  });

  it('stops ffmpeg when the consumer breaks out or closes, leaving no process', async () => {
    const src = openFrameSource({ url: TRAFFIC, fps: 24, realtime: true });
    for await (const _f of src) break;
    expect(src.health()).toBe('ended');
    const other = openFrameSource({ url: TRAFFIC, fps: 24, loop: true });
    await new Promise((r) => setTimeout(r, 300));
    await other.close();
    await other.close();
    expect(childFfmpegs()).toEqual([]);
  });
});

describe('chooseOutputSize', () => {
  it.each([
    [{ width: 1920, height: 1080 }, undefined, undefined, { width: 1280, height: 720 }],
    [{ width: 640, height: 360 }, undefined, undefined, { width: 640, height: 360 }],
    [{ width: 1920, height: 1080 }, 960, undefined, { width: 960, height: 540 }],
    [{ width: 1920, height: 1080 }, undefined, 480, { width: 854, height: 480 }],
    [{ width: 1920, height: 1080 }, 500, 500, { width: 500, height: 500 }],
  ])('from %o with width %s and height %s gives %o', (source, w, h, expected) => {
    expect(chooseOutputSize(source, w, h)).toEqual(expected);
  });
});
