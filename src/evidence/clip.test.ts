import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isArgusError } from '../core/errors.js';
import { cutClip, cutClipArgs, probeDurationSec, readFrameRgb } from './clip.js';
import { tempDir, TRAFFIC_VIDEO } from './testing/fixture.js';

describe('cutClip', () => {
  it('cuts a clip of the asked duration from a real video (ffprobe)', async () => {
    const out = join(await tempDir('clip'), 'c.mp4');
    const r = await cutClip({ source: TRAFFIC_VIDEO, fromSec: 3.2, toSec: 8.7, out });
    expect(r.durationSec).toBeGreaterThan(5.5 - 0.05);
    expect(r.durationSec).toBeLessThan(5.5 + 0.05);
    expect(await probeDurationSec(out)).toBeCloseTo(r.durationSec, 3);
  });

  it('returns the shorter duration when the source ends before toSec', async () => {
    const out = join(await tempDir('clip'), 'tail.mp4');
    const r = await cutClip({ source: TRAFFIC_VIDEO, fromSec: 18, toSec: 30, out });
    const full = await probeDurationSec(TRAFFIC_VIDEO);
    expect(r.durationSec).toBeGreaterThan(full - 18 - 0.1);
    expect(r.durationSec).toBeLessThan(full - 18 + 0.1);
  });

  it('builds exact-cut H.264 arguments that never read stdin nor overwrite', () => {
    const args = cutClipArgs({ source: 'in.mp4', fromSec: 1, toSec: 6.5, out: 'o.mp4' });
    expect(args.slice(0, 1)).toEqual(['-nostdin']);
    expect(args).toContain('-n');
    expect(args[args.indexOf('-ss') + 1]).toBe('1.000');
    expect(args[args.indexOf('-t') + 1]).toBe('5.500');
    expect(args[args.indexOf('-c:v') + 1]).toBe('libx264');
    expect(args.at(-1)).toBe('o.mp4');
  });

  it.each([
    ['a reversed range', { fromSec: 5, toSec: 2 }, 'invalid_argument'],
    ['a negative start', { fromSec: -1, toSec: 2 }, 'invalid_argument'],
    ['an empty range', { fromSec: 2, toSec: 2 }, 'invalid_argument'],
  ])('rejects %s', async (_name, range, code) => {
    const out = join(await tempDir('clip'), 'x.mp4');
    await expect(cutClip({ source: TRAFFIC_VIDEO, out, ...range })).rejects.toSatisfy((e) => isArgusError(e, code as 'invalid_argument'));
  });

  it('reports a missing source', async () => {
    const dir = await tempDir('clip');
    await expect(cutClip({ source: join(dir, 'nope.mp4'), fromSec: 0, toSec: 5, out: join(dir, 'o.mp4') })).rejects.toSatisfy((e) =>
      isArgusError(e, 'source_not_found'),
    );
  });

  it('refuses to overwrite an existing clip', async () => {
    const out = join(await tempDir('clip'), 'exists.mp4');
    await writeFile(out, 'keep me');
    await expect(cutClip({ source: TRAFFIC_VIDEO, fromSec: 0, toSec: 5, out })).rejects.toSatisfy((e) => isArgusError(e, 'conflict'));
  });

  it('reports a source that is not a video', async () => {
    const dir = await tempDir('clip');
    const bogus = join(dir, 'bogus.mp4');
    await writeFile(bogus, 'this is not a video');
    await expect(cutClip({ source: bogus, fromSec: 0, toSec: 5, out: join(dir, 'o.mp4') })).rejects.toSatisfy((e) => isArgusError(e, 'source_corrupt'));
  });

  it('decodes one RGB frame of the real video, optionally scaled', async () => {
    const full = await readFrameRgb({ source: TRAFFIC_VIDEO, atSec: 5 });
    expect([full.width, full.height, full.rgb.length]).toEqual([640, 360, 640 * 360 * 3]);
    const small = await readFrameRgb({ source: TRAFFIC_VIDEO, atSec: 5, width: 320 });
    expect([small.width, small.height]).toEqual([320, 180]);
    // A real road frame: neither black nor one flat colour.
    const mean = full.rgb.reduce((s, v) => s + v, 0) / full.rgb.length;
    expect(mean).toBeGreaterThan(30);
    expect(new Set(full.rgb.subarray(0, 30_000)).size).toBeGreaterThan(50);
  });
});
