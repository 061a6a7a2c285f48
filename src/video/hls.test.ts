import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSource } from './ffmpeg-args.js';
import { buildHlsArgs, HLS_SEGMENT_NAME } from './hls.js';
import { ffmpegChildOf, isGone, until } from './testing/orphans.js';
import { buildSnapshotArgs } from './snapshot.js';

describe('buildHlsArgs', () => {
  it('copies into a rolling HLS playlist that deletes old segments', () => {
    const a = buildHlsArgs({ source: parseSource('rtsp://cam/1'), dir: '/tmp/h' });
    for (const x of ['-c', 'copy', '-f', 'hls', '-hls_time', '2', '-hls_list_size', '6', '/tmp/h/seg%d.ts', '/tmp/h/index.m3u8']) expect(a).toContain(x);
    expect(a[a.indexOf('-hls_flags') + 1]).toContain('delete_segments'); expect(a[a.indexOf('-hls_flags') + 1]).toContain('program_date_time');
    // A short probe, before the input: the first segment's date is close to when its picture arrived.
    expect(a.indexOf('-analyzeduration')).toBeLessThan(a.indexOf('-i'));
    expect(buildHlsArgs({ source: parseSource('/a.mp4'), dir: '/h' })).not.toContain('-analyzeduration');
  });
  it.each([[0, 6], [2, 1], [31, 6]])('rejects segment %s s / list %s', (t, n) => {
    expect(() => buildHlsArgs({ source: parseSource('/a.mp4'), dir: '/h', segmentSeconds: t, listSize: n })).toThrow();
  });
  it.each([['seg0.ts', true], ['seg123.ts', true], ['../seg1.ts', false], ['seg1.ts/..', false], ['index.m3u8', false], ['seg1.tsx', false]])('segment name %s valid: %s', (n, ok) => {
    expect(HLS_SEGMENT_NAME.test(n)).toBe(ok);
  });
});

describe('buildSnapshotArgs', () => {
  it('grabs one frame as JPEG to stdout', () => {
    const a = buildSnapshotArgs({ source: parseSource('/v.mp4'), width: 640 });
    expect(a.slice(a.indexOf('-frames:v'), a.indexOf('-frames:v') + 2)).toEqual(['-frames:v', '1']);
    expect(a).toContain('scale=640:-2');
    expect(a.at(-1)).toBe('pipe:1');
  });
  it.each([{ quality: 1 }, { quality: 40 }, { width: 8 }])('rejects %o', (o) => {
    expect(() => buildSnapshotArgs({ source: parseSource('/v.mp4'), ...o })).toThrow();
  });
});

describe('HlsSession', () => {
  it('ends its ffmpeg when the process that runs it is killed (SIGKILL): a live muxer does not outlive Argus', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'argus-hls-kill-'));
    try {
      const clip = join(process.env.ARGUS_ASSETS ?? join(process.cwd(), '../shared/assets'), 'videos', 'opencv4nodejs_traffic.mp4');
      const script = join(dir, 'hls.mts'); // .mts: an ES module wherever it lies (top-level await)
      await writeFile(script, `import { HlsSession } from ${JSON.stringify(join(process.cwd(), 'src/video/hls.ts'))};
await HlsSession.start({ url: ${JSON.stringify(clip)}, idleMs: 600_000 });
setInterval(() => undefined, 1000);
`);
      const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: 'ignore' });
      let ffmpeg: number | undefined;
      await until(async () => (ffmpeg = await ffmpegChildOf(child.pid!)) !== undefined, 20_000, 'the muxer ffmpeg');
      child.kill('SIGKILL');
      await until(() => isGone(ffmpeg!), 5000, 'the orphan muxer to end');
      expect(await isGone(ffmpeg!)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
