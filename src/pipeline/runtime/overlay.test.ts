import { describe, expect, it } from 'vitest';
import type { Track } from '../../core/track.js';
import { overlayFrame, OverlayTap } from './overlay.js';

const frame = { index: 3, ptsSec: 0.3, capturedAtMs: 1_000, size: { width: 320, height: 180 }, sourceSize: { width: 640, height: 360 }, rgb: new Uint8Array(0) };
const track = (id: number, state: Track['state'], x1: number, y1: number, x2: number, y2: number): Track =>
  ({ id, cls: 'car', box: { x1, y1, x2, y2 }, score: 0.9, state, firstSeenMs: 0, lastSeenMs: 0, hits: 3 });
const camera = {
  id: 'cam', lines: [{ id: 'L1', name: 'Giữa', points: [[0.5, 0], [0.5, 1]] as [[number, number], [number, number]] }],
  zones: [{ id: 'Z', polygon: [[0, 0], [1, 0], [1, 1]] as Array<[number, number]> }],
};

describe('overlayFrame', () => {
  it('normalises boxes by the source size, drops tracks not seen on this frame and sums each line over its classes', () => {
    const f = overlayFrame(camera, { frame, tracks: [track(1, 'tracked', 64, 36, 320, 180), track(2, 'lost', 0, 0, 10, 10), track(3, 'tracked', -5, 300, 700, 400)] },
      { L1: { car: { pos: 2, neg: 1 }, motorcycle: { pos: 4, neg: 0 } } }, new Map([['main', { colour: 'red' as const }]]));
    expect(f.tracks).toEqual([{ id: 1, cls: 'car', box: [0.1, 0.1, 0.5, 0.5] }, { id: 3, cls: 'car', box: [0, 0.8333, 1, 1] }]);
    expect(f.lines).toEqual([{ id: 'L1', name: 'Giữa', a: [0.5, 0], b: [0.5, 1], pos: 6, neg: 1 }]);
    expect(f.zones).toEqual([{ id: 'Z', name: null, polygon: [[0, 0], [1, 0], [1, 1]] }]);
    expect(f.signals).toEqual([{ id: 'main', colour: 'red' }]);
    expect(f.capturedAtMs).toBe(1_000);
  });

  it("carries each zone's person count of the frame when the runtime counted them", () => {
    const crowd = { atMs: 1_000, persons: 4, zones: [{ id: 'Z', name: null, persons: 3, areaM2: null, perM2: null, framePct: 50, perFramePct: 0.06 }] };
    expect(overlayFrame(camera, { frame, tracks: [] }, {}, new Map(), crowd).zones).toEqual([{ id: 'Z', name: null, polygon: [[0, 0], [1, 0], [1, 1]], persons: 3 }]);
  });
});

describe('OverlayTap', () => {
  it('wants a camera only while somebody watches it, and ends the watches when closed', () => {
    const tap = new OverlayTap();
    expect(tap.wants('cam')).toBe(false);
    const got: number[] = [];
    let ended = 0;
    const stop = tap.watch('cam', (f) => got.push(f.capturedAtMs), () => ended++);
    expect(tap.wants('cam')).toBe(true);
    tap.publish(overlayFrame(camera, { frame, tracks: [] }, {}));
    expect(got).toEqual([1_000]);
    stop();
    expect(tap.wants('cam')).toBe(false);
    tap.watch('cam', () => undefined, () => ended++);
    tap.close();
    expect(ended).toBe(1);
    expect(tap.wants('cam')).toBe(false);
  });
});
