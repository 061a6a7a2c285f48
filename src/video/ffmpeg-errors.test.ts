import { describe, expect, it } from 'vitest';
import { classifyFfmpegLine, classifyFfmpegLines, ffmpegFailure, looksLikeVideo, type SourceErrorCode } from './ffmpeg-errors.js';

// Real stderr lines, provoked with Debian bookworm's ffmpeg/ffprobe 5.1 (-loglevel error) against local files,
// a local HTTP server answering 401/403/404/500, fake RTSP servers answering 401/404, closed and silent ports.
const REAL: [string, SourceErrorCode][] = [
  ['/nope/x.mp4: No such file or directory', 'source_not_found'],
  ['http://127.0.0.1:18080/auth.mp4: Server returned 401 Unauthorized (authorization failed)', 'source_auth_failed'],
  ['[rtsp @ 0x55e12d8fc980] method OPTIONS failed: 401 Unauthorized', 'source_auth_failed'],
  ['rtsp://u:p@127.0.0.1:18082/x: Server returned 401 Unauthorized (authorization failed)', 'source_auth_failed'],
  ['http://127.0.0.1:18080/forbid.mp4: Server returned 403 Forbidden (access denied)', 'source_auth_failed'],
  ['http://127.0.0.1:18080/x.mp4: Server returned 404 Not Found', 'source_not_found'],
  ['[rtsp @ 0x55741038a980] method OPTIONS failed: 404 Not Found', 'source_not_found'],
  ['http://127.0.0.1:18080/err.mp4: Server returned 5XX Server Error reply', 'source_refused'],
  ['[tcp @ 0x558306e05840] Connection to tcp://127.0.0.1:1?timeout=3000000 failed: Connection refused', 'source_refused'],
  ['rtsp://127.0.0.1:1/x: Connection refused', 'source_refused'],
  ['http://127.0.0.1:18081/x: Connection timed out', 'source_timeout'],
  ['[tcp @ 0x55cdd8d84840] Failed to resolve hostname nonexistent.invalid: Name or service not known', 'source_not_found'],
  ['Decoder (codec none) not found for input stream #0:0', 'source_unsupported_codec'],
  ["Stream map '0:v:0' matches no streams.", 'source_not_video'],
  ['[mov,mp4,m4a,3gp,3g2,mj2 @ 0x5619c55fe8c0] moov atom not found', 'source_corrupt'],
  ['[h264 @ 0x5636a93a9e00] Invalid NAL unit size (-1371101943 > 3697).', 'source_corrupt'],
  ['trunc.mp4: Invalid data found when processing input', 'source_corrupt'],
];

describe('classifyFfmpegLine', () => {
  it.each(REAL)('classifies "%s"', (line, code) => {
    expect(classifyFfmpegLine(line)?.code).toBe(code);
  });

  it('ignores lines that say nothing about the failure', () => {
    for (const line of ['To ignore this, add a trailing \'?\' to the map.', '[h264 @ 0x1] concealing 120 DC errors', '']) {
      expect(classifyFfmpegLine(line)).toBeUndefined();
    }
  });

  it('names the codec when ffmpeg does', () => {
    expect(classifyFfmpegLine('Decoder (codec vvc) not found for input stream #0:0')?.reason).toContain('"vvc"');
  });
});

describe('classifyFfmpegLines', () => {
  it('prefers the specific line over the generic "invalid data" one', () => {
    const lines = ['[mov,mp4,m4a,3gp,3g2,mj2 @ 0x1] moov atom not found', 'trunc.mp4: Invalid data found when processing input'];
    expect(classifyFfmpegLines(lines)?.reason).toMatch(/truncated/);
    const auth = ['[rtsp @ 0x1] method OPTIONS failed: 401 Unauthorized', 'rtsp://x: Invalid data found when processing input'];
    expect(classifyFfmpegLines(auth)?.code).toBe('source_auth_failed');
  });
});

describe('ffmpegFailure', () => {
  const invalid = ['rtsp://127.0.0.1:18081/x: Invalid data found when processing input'];

  it('reads a generic RTSP "invalid data" after the socket timeout as a time-out', () => {
    const e = ffmpegFailure(invalid, { url: 'rtsp://127.0.0.1:18081/x', kind: 'rtsp', elapsedMs: 5100, socketTimeoutMs: 5000 });
    expect(e.code).toBe('source_timeout');
    expect(e.message).toBe('video source rtsp://127.0.0.1:18081/x: timed out: no answer within 5 s');
  });

  it('reads a quick RTSP "invalid data" as a refusal', () => {
    expect(ffmpegFailure(invalid, { url: 'rtsp://h/x', kind: 'rtsp', elapsedMs: 60, socketTimeoutMs: 5000 }).code).toBe('source_refused');
  });

  it('tells a non-video file from a damaged video by its looks', () => {
    const lines = ['t.txt: Invalid data found when processing input'];
    expect(ffmpegFailure(lines, { url: 't.txt', kind: 'file', looksLikeVideo: false }).code).toBe('source_not_video');
    expect(ffmpegFailure(lines, { url: 't.mp4', kind: 'file', looksLikeVideo: true }).code).toBe('source_corrupt');
  });

  it('keeps passwords out of the message and falls back to source_exited with the last line', () => {
    const e = ffmpegFailure(['something odd happened at rtsp://admin:pw@cam/x'], { url: 'rtsp://admin:pw@cam/x', kind: 'rtsp', exitCode: 1 });
    expect(e.code).toBe('source_exited');
    expect(e.message).toBe('video source rtsp://admin:***@cam/x: ffmpeg stopped (exit code 1): something odd happened at rtsp://admin:***@cam/x');
    expect(e.message).not.toContain('pw');
  });

  it('gives one line', () => {
    for (const [line] of REAL) {
      expect(ffmpegFailure([line], { url: '/a.mp4', kind: 'file', looksLikeVideo: true }).message).not.toContain('\n');
    }
  });
});

describe('looksLikeVideo', () => {
  const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
  it.each([
    ['clip.mp4', bytes('garbage'), true],
    ['clip.bin', bytes('\0\0\0\x18ftypmp42'), true],
    ['clip.bin', new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 1]), true],
    ['clip.bin', bytes('RIFF\0\0\0\0AVI LIST'), true],
    ['notes.txt', bytes('hello world\n'), false],
    ['sound.wav', bytes('RIFF\0\0\0\0WAVEfmt '), false],
  ])('judges %s by its name and bytes', (path, head, expected) => {
    expect(looksLikeVideo(path, head)).toBe(expected);
  });
});
