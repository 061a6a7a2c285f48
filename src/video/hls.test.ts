import { describe, expect, it } from 'vitest';
import { parseSource } from './ffmpeg-args.js';
import { buildHlsArgs, HLS_SEGMENT_NAME } from './hls.js';
import { buildSnapshotArgs } from './snapshot.js';

describe('buildHlsArgs', () => {
  it('copies into a rolling HLS playlist that deletes old segments', () => {
    const a = buildHlsArgs({ source: parseSource('rtsp://cam/1'), dir: '/tmp/h' });
    for (const x of ['-c', 'copy', '-f', 'hls', '-hls_time', '2', '-hls_list_size', '6', '/tmp/h/seg%d.ts', '/tmp/h/index.m3u8']) expect(a).toContain(x);
    expect(a[a.indexOf('-hls_flags') + 1]).toContain('delete_segments');
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
