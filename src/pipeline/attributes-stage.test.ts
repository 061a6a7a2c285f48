import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Box } from '../core/box.js';
import type { ObjectClass } from '../core/classes.js';
import type { TrackAttributesEvent } from '../core/events.js';
import type { Frame } from '../core/frame.js';
import type { Track } from '../core/track.js';
import type { FrameResult } from './analysis.js';
import { createAttributesStage } from './attributes-stage.js';

const W = 320;
const H = 200;
const T0 = 1_767_225_600_000;

/** A gray street with a dark shadow and a white wall, and the given boxes painted: top half `top`, bottom half `bottom`. */
function frame(i: number, people: Array<{ box: Box; top: [number, number, number]; bottom: [number, number, number] }>, half = false): Frame {
  const scale = half ? 0.5 : 1;
  const w = W * scale;
  const h = H * scale;
  const rgb = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let c: [number, number, number] = y > h - 10 ? [10, 10, 12] : x < 10 ? [240, 240, 240] : [120, 120, 118];
      for (const p of people) {
        const b = { x1: p.box.x1 * scale, y1: p.box.y1 * scale, x2: p.box.x2 * scale, y2: p.box.y2 * scale };
        if (x >= b.x1 && x < b.x2 && y >= b.y1 && y < b.y2) c = y < (b.y1 + b.y2) / 2 ? p.top : p.bottom;
      }
      rgb.set(c, (y * w + x) * 3);
    }
  }
  return { index: i, ptsSec: i / 10, capturedAtMs: T0 + i * 100, size: { width: w, height: h }, sourceSize: { width: W, height: H }, rgb };
}

const track = (id: number, box: Box, f: Frame, cls: ObjectClass = 'person', firstSeenMs = T0): Track => ({
  id, box, cls, score: 0.8, state: 'tracked', firstSeenMs, lastSeenMs: f.capturedAtMs, hits: f.index + 1,
});

const result = (f: Frame, tracks: Track[], ended: number[] = []): FrameResult => ({ frame: f, detections: [], tracks, ended, events: [], motion: true });

const RED: [number, number, number] = [200, 30, 35];
const BLUE: [number, number, number] = [40, 60, 170];

describe('the attributes stage', () => {
  it('sums a person up once, when the track ends: class, upper and lower colours, times, boxes and a JPEG crop', async () => {
    const stage = createAttributesStage({ cameraId: 'cam' });
    const out: TrackAttributesEvent[] = [];
    for (let i = 0; i < 16; i++) {
      const box = { x1: 100 + i * 4, y1: 40, x2: 140 + i * 4, y2: 160 };
      // The analysed picture is half the source: boxes stay in source pixels.
      const f = frame(i, [{ box, top: RED, bottom: BLUE }], true);
      out.push(...((await stage.step(result(f, [track(1, box, f)]))) as TrackAttributesEvent[]));
    }
    expect(out).toEqual([]);
    const f = frame(16, [], true);
    const [e, ...rest] = (await stage.step(result(f, [], [1]))) as TrackAttributesEvent[];
    expect(rest).toEqual([]);
    expect(e).toMatchObject({
      kind: 'track.attributes', cameraId: 'cam', trackId: 1, cls: 'person', firstMs: T0, lastMs: T0 + 1500,
      startBox: { x1: 100, y1: 40, x2: 140, y2: 160 }, endBox: { x1: 160, y1: 40, x2: 200, y2: 160 },
    });
    expect(e!.colours.upper![0]!.colour).toBe('red');
    expect(e!.colours.lower![0]!.colour).toBe('blue');
    expect(e!.colours.body).toBeUndefined();
    // At most one sample every 300 ms: 16 frames at 10 fps give 6.
    expect(e!.samples).toBe(6);
    const meta = await sharp(Buffer.from(e!.cropJpeg!)).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 20, 60]);
    expect(stage.stats()).toMatchObject({ sampled: 6, emitted: 1 });
    // Its state is gone: ending it again gives nothing.
    expect(await stage.step(result(frame(17, []), [], [1]))).toEqual([]);
  });

  it('gives nothing for a track shorter than a second, and nothing for a traffic light', async () => {
    const stage = createAttributesStage({ cameraId: 'cam' });
    const box = { x1: 100, y1: 40, x2: 140, y2: 160 };
    for (let i = 0; i < 8; i++) {
      const f = frame(i, [{ box, top: RED, bottom: BLUE }]);
      await stage.step(result(f, [track(1, box, f), track(2, { x1: 200, y1: 20, x2: 220, y2: 80 }, f, 'traffic_light')]));
    }
    expect(await stage.step(result(frame(8, []), [], [1]))).toEqual([]);
    for (let i = 8; i < 20; i++) {
      const f = frame(i, []);
      await stage.step(result(f, [track(2, { x1: 200, y1: 20, x2: 220, y2: 80 }, f, 'traffic_light')]));
    }
    expect(await stage.step(result(frame(20, []), [], [2]))).toEqual([]);
  });

  it('does not sample a box another track hides once it has a sample, nor a box at the edge, nor a blind frame', async () => {
    const stage = createAttributesStage({ cameraId: 'cam', keepCrop: false });
    for (let i = 0; i < 18; i++) {
      const a = { x1: 100, y1: 40, x2: 140, y2: 160 };
      // From frame 5 another person stands in front of half of it.
      const b = i >= 5 ? { x1: 120, y1: 40, x2: 160, y2: 160 } : { x1: 250, y1: 40, x2: 290, y2: 160 };
      const f = frame(i, [{ box: a, top: RED, bottom: BLUE }, { box: b, top: BLUE, bottom: BLUE }]);
      // Frames 12–17 the motion gate held the detector: no new boxes.
      const r = result(f, [track(1, a, f), track(2, b, f)]);
      await stage.step(i >= 12 ? { ...r, detections: undefined } : r);
    }
    const edge = { x1: 0, y1: 40, x2: 40, y2: 160 };
    for (let i = 18; i < 33; i++) {
      const f = frame(i, [{ box: edge, top: RED, bottom: BLUE }]);
      await stage.step(result(f, [track(3, edge, f, 'person', T0 + 1800)]));
    }
    const events = (await stage.finish!()) as TrackAttributesEvent[];
    const one = events.find((e) => e.trackId === 1)!;
    // Frames 0 and 3 only (5–11 hidden, 12–17 blind); the track ends at its last detection (frame 11).
    expect(one.samples).toBe(2);
    expect(one.lastMs).toBe(T0 + 1100);
    expect(one.cropJpeg).toBeUndefined();
    // The box at the picture's edge was never sampled: no summary at all.
    expect(events.map((e) => e.trackId).sort()).toEqual([1, 2]);
  });

  it('sums a vehicle up by its body colour and votes its class over its life', async () => {
    const stage = createAttributesStage({ cameraId: 'cam', keepCrop: false });
    for (let i = 0; i < 12; i++) {
      const box = { x1: 60, y1: 60, x2: 180, y2: 140 };
      const f = frame(i, [{ box, top: RED, bottom: RED }]);
      await stage.step(result(f, [track(4, box, f, i === 3 ? 'truck' : 'car')]));
    }
    const [e] = (await stage.finish!()) as TrackAttributesEvent[];
    expect(e).toMatchObject({ cls: 'car', colours: { body: [{ colour: 'red' }] } });
    expect(e!.colours.upper).toBeUndefined();
  });
});
