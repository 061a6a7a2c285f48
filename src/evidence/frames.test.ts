import { describe, expect, it } from 'vitest';
import { FrameRing, pickStills, type TimedFrame } from './frames.js';

const frame = (capturedAtMs: number): TimedFrame => ({ capturedAtMs, width: 1, height: 1, rgb: new Uint8Array(3) });

describe('FrameRing', () => {
  it('keeps only the last keepMs of frames however long it runs', () => {
    const ring = new FrameRing({ keepMs: 1000 });
    for (let t = 0; t <= 60_000; t += 200) ring.push(frame(t));
    expect(ring.size).toBe(6); // 59 000 … 60 000
    expect(ring.nearest(0)?.capturedAtMs).toBe(59_000);
  });

  it('finds the frame nearest a time, the earlier one on a tie', () => {
    const ring = new FrameRing({ keepMs: 10_000 });
    [0, 200, 400].forEach((t) => ring.push(frame(t)));
    expect(ring.nearest(290)?.capturedAtMs).toBe(200);
    expect(ring.nearest(300)?.capturedAtMs).toBe(200);
    expect(ring.nearest(5000)?.capturedAtMs).toBe(400);
    expect(new FrameRing({ keepMs: 1 }).nearest(0)).toBeUndefined();
  });

  it('refuses frames out of capture order', () => {
    const ring = new FrameRing({ keepMs: 1000 });
    ring.push(frame(500));
    expect(() => ring.push(frame(400))).toThrow(/pushed after/);
  });

  it('picks approach, moment and after stills once the after time has been reached', () => {
    const ring = new FrameRing({ keepMs: 3000 });
    for (let t = 10_000; t <= 10_800; t += 200) ring.push(frame(t));
    expect(pickStills(ring, 10_000)).toBeUndefined();
    for (let t = 11_000; t <= 11_200; t += 200) ring.push(frame(t));
    const s = pickStills(ring, 10_100, { approachMs: 1000, afterMs: 900 });
    expect([s?.approach.capturedAtMs, s?.moment.capturedAtMs, s?.after.capturedAtMs]).toEqual([10_000, 10_000, 11_000]);
  });
});
