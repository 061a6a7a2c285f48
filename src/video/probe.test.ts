import { copyFile, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isArgusError } from '../core/errors.js';
import { interpretProbe, parseRate, probeSource } from './probe.js';
import { video } from '../../test/assets.js';

const TRAFFIC = video('opencv4nodejs_traffic.mp4');
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'argus-probe-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function probeError(url: string): Promise<unknown> {
  try {
    await probeSource(url);
  } catch (e) {
    return e;
  }
  throw new Error(`probe of ${url} did not fail`);
}

describe('probeSource', () => {
  it('reads size, rate, duration and codec of a real clip', async () => {
    const info = await probeSource(TRAFFIC);
    expect(info).toMatchObject({ kind: 'file', width: 640, height: 360, codec: 'h264' });
    expect(info.fps).toBeCloseTo(23.976, 2);
    expect(info.durationSec).toBeCloseTo(20.02, 1);
  });

  it('accepts a file: URL', async () => {
    expect((await probeSource(`file://${TRAFFIC}`)).width).toBe(640);
  });

  it.each([
    ['a missing file', async () => join(dir, 'missing.mp4'), 'source_not_found'],
    ['a text file', async () => {
      const p = join(dir, 'notes.txt');
      await writeFile(p, 'not a video\n'.repeat(50));
      return p;
    }, 'source_not_video'],
    ['an empty mp4', async () => {
      const p = join(dir, 'empty.mp4');
      await writeFile(p, '');
      return p;
    }, 'source_corrupt'],
    ['a truncated mp4', async () => {
      const p = join(dir, 'cut.mp4');
      await copyFile(TRAFFIC, p);
      await truncate(p, 200_000);
      return p;
    }, 'source_corrupt'],
    ['a directory', async () => dir, 'source_not_video'],
  ])('fails on %s with a typed one-line error', async (_name, make, code) => {
    const e = await probeError(await make());
    expect(isArgusError(e, code as never)).toBe(true);
    expect((e as Error).message).toMatch(/^video source .+: .+$/);
  });
});

describe('interpretProbe', () => {
  it('rejects containers without video, with an unknown codec or without a picture size', () => {
    const cases: [object, string][] = [
      [{ streams: [{ codec_type: 'audio', codec_name: 'pcm_s16le' }] }, 'source_not_video'],
      [{ streams: [{ codec_type: 'video', codec_name: 'ansi', width: 640, height: 400 }], format: { format_name: 'tty' } }, 'source_not_video'],
      [{ streams: [{ codec_type: 'video', width: 640, height: 360 }] }, 'source_unsupported_codec'],
      [{ streams: [{ codec_type: 'video', codec_name: 'h264' }] }, 'source_corrupt'],
    ];
    for (const [json, code] of cases) expect(() => interpretProbe(json, 'x.mp4', 'file')).toThrow(expect.objectContaining({ code }));
  });

  it('leaves the duration of live sources unknown', () => {
    const info = interpretProbe(
      { streams: [{ codec_type: 'video', codec_name: 'hevc', width: 1920, height: 1080, avg_frame_rate: '25/1' }], format: { duration: '120.1', format_name: 'rtsp' } },
      'rtsp://cam/1',
      'rtsp',
    );
    expect(info).toEqual({ kind: 'rtsp', width: 1920, height: 1080, fps: 25, durationSec: undefined, codec: 'hevc', format: 'rtsp' });
  });
});

describe('parseRate', () => {
  it.each([
    ['30000/1001', 29.97],
    ['25/1', 25],
    ['0/0', undefined],
    ['90000/1', undefined],
    [undefined, undefined],
  ])('reads %s', (rate, expected) => {
    const v = parseRate(rate);
    if (expected === undefined) expect(v).toBeUndefined();
    else expect(v).toBeCloseTo(expected, 2);
  });
});
