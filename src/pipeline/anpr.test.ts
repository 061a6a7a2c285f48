import { describe, expect, it } from 'vitest';
import { motionSchema } from '../config/schema.js';
import type { Frame } from '../core/frame.js';
import type { PlateReadEvent } from '../core/plate.js';
import type { CropRead } from '../plates/index.js';
import type { FrameSource } from '../video/source.js';
import { runAnpr } from './anpr.js';
import type { PlateHost } from './plate-host.js';

const W = 64;
const H = 36;

/** `count` frames at `fps`, each one different (motion everywhere), as a file or a live camera gives them. */
function frames(count: number, fps: number, gapMs = 0): FrameSource {
  async function* gen(): AsyncGenerator<Frame> {
    for (let i = 0; i < count; i++) {
      if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
      const rgb = new Uint8Array(W * H * 3).fill((i * 97) % 256);
      yield { index: i, ptsSec: i / fps, capturedAtMs: 1_700_000_000_000 + (i * 1000) / fps, size: { width: W, height: H }, sourceSize: { width: W, height: H }, rgb };
    }
  }
  return { [Symbol.asyncIterator]: gen } as unknown as FrameSource;
}

/** A test double of the PlateHost port: each read takes `ms` and sees one plate; records how many were out at once. */
function slowHost(slots: number, ms: number): PlateHost & { most: number } {
  let out = 0;
  let call = 0;
  const host = {
    most: 0,
    pending: 0,
    slots,
    async read(): Promise<readonly CropRead[]> {
      const n = call++;
      out++;
      host.most = Math.max(host.most, out);
      // Later reads answer sooner (every other one takes half as long).
      await new Promise((r) => setTimeout(r, ms - (n % 2) * (ms / 2)));
      out--;
      const read = { plate: '51F12345', display: '51F-123.45', confidence: 0.9, category: 'private', lines: ['51F', '12345'], box: { x1: 10, y1: 10, x2: 40, y2: 25 } };
      // PP-OCR alone reads one character otherwise: each frame is one witness, two confirm the plate.
      return [{ read, raw: ['51F1|2346'], sharpness: 10, charProbs: Array(8).fill(0.95) } as unknown as CropRead];
    },
    async close() {},
  };
  return host;
}

const motion = motionSchema.parse({ keepAliveSec: 0 });

describe('runAnpr', () => {
  it('keeps as many reads out as the host has slots, and still fuses the reads of one pass into one plate', async () => {
    for (const slots of [1, 2]) {
      const host = slowHost(slots, 60);
      const events: PlateReadEvent[] = [];
      const t0 = performance.now();
      const summary = await runAnpr({ cameraId: 'c', source: frames(10, 2), host, motion, onEvent: (e) => void events.push(e) });
      const ms = performance.now() - t0;
      expect(host.most).toBe(slots);
      expect(summary.reads).toBe(10);
      // Reported once, as soon as two reads agree (confirmed), not when the pass ends.
      expect(events.map((e) => e.read.plate)).toEqual(['51F12345']);
      expect(events[0]!.reads).toBe(2);
      expect(summary.plates).toBe(1);
      console.log(`anpr double: ${slots} slot(s), 10 reads of 30-60 ms in ${Math.round(ms)} ms`);
    }
  });

  it('reports a pass when it ends with confirmWitnesses 0, its reads all fused', async () => {
    const events: PlateReadEvent[] = [];
    await runAnpr({ cameraId: 'c', source: frames(10, 2), host: slowHost(2, 20), motion, confirmWitnesses: 0, onEvent: (e) => void events.push(e) });
    expect(events.map((e) => [e.read.plate, e.reads])).toEqual([['51F12345', 10]]);
  });

  it('skips frames of a live camera only while every slot is busy', async () => {
    const host = slowHost(2, 100);
    const summary = await runAnpr({ cameraId: 'c', source: frames(12, 20, 25), host, motion, live: true });
    expect(host.most).toBe(2);
    expect(summary.skipped).toBeGreaterThan(0);
    expect(summary.reads + summary.skipped).toBe(12);
    // With one slot, about twice as many frames go unread.
    const one = await runAnpr({ cameraId: 'c', source: frames(12, 20, 25), host: slowHost(1, 100), motion, live: true });
    expect(one.reads).toBeLessThan(summary.reads);
  });
});
