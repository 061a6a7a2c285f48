import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isArgusError } from '../core/errors.js';
import { openFrameSource } from './frame-source.js';
import { probeSource } from './probe.js';
import { availableEncoders, openVideoWriter } from './writer.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'argus-writer-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A frame whose left half is `shade` grey and right half red. */
function frame(w: number, h: number, shade: number): Uint8Array {
  const rgb = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      if (x < w / 2) rgb.fill(shade, i, i + 3);
      else rgb[i] = 220;
    }
  return rgb;
}

describe('openVideoWriter', () => {
  it('encodes frames into an mp4 that decodes back to the same size, count and colours', async () => {
    const file = join(dir, 'out.mp4');
    const w = await openVideoWriter({ file, width: 160, height: 90, fps: 10 });
    expect(w.codec).toBe((await availableEncoders()).has('libx264') ? 'libx264' : 'mpeg4');
    for (let k = 0; k < 30; k++) await w.write(frame(160, 90, k * 8));
    await w.close();
    expect(w.framesWritten()).toBe(30);
    const info = await probeSource(file);
    expect(info).toMatchObject({ width: 160, height: 90, codec: w.codec === 'libx264' ? 'h264' : 'mpeg4' });
    expect(info.durationSec).toBeCloseTo(3, 0);
    const back = [];
    for await (const f of openFrameSource({ url: file, fps: 10 })) back.push(f);
    expect(back).toHaveLength(30);
    const last = back.at(-1)!.rgb;
    const px = (x: number, y: number): number[] => [...last.subarray((y * 160 + x) * 3, (y * 160 + x) * 3 + 3)];
    expect(Math.abs(px(40, 45)[0]! - 29 * 8)).toBeLessThan(12);
    expect(px(120, 45)[0]!).toBeGreaterThan(180);
    expect(px(120, 45)[1]!).toBeLessThan(40);
  });

  it('pads an odd size and can be forced to mpeg4', async () => {
    const file = join(dir, 'odd.mp4');
    const w = await openVideoWriter({ file, width: 101, height: 57, fps: 5, codec: 'mpeg4' });
    for (let k = 0; k < 5; k++) await w.write(frame(101, 57, 100));
    await w.close();
    expect(await probeSource(file)).toMatchObject({ width: 102, height: 58, codec: 'mpeg4' });
  });

  it('refuses a frame of the wrong size', async () => {
    const w = await openVideoWriter({ file: join(dir, 'bad.mp4'), width: 64, height: 64, fps: 5 });
    await expect(w.write(new Uint8Array(10))).rejects.toSatisfy((e) => isArgusError(e, 'invalid_argument'));
    await w.write(frame(64, 64, 0));
    await w.close();
  });

  it('fails with io_failed when ffmpeg cannot write the file', async () => {
    const w = await openVideoWriter({ file: join(dir, 'no-such-dir', 'x.mp4'), width: 64, height: 64, fps: 5 });
    let error: unknown;
    try {
      for (let k = 0; k < 50; k++) await w.write(frame(64, 64, k));
      await w.close();
    } catch (e) {
      error = e;
    }
    expect(isArgusError(error, 'io_failed')).toBe(true);
  });
});
