import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isArgusError } from '../core/errors.js';
import {
  buildDecodeArgs,
  buildEncodeArgs,
  buildInputArgs,
  buildProbeArgs,
  parseSource,
  redactUrl,
  type DecodeSpec,
  type InputSpec,
} from './ffmpeg-args.js';
import { buildHlsArgs } from './hls.js';
import { buildRecordArgs } from './recorder.js';
import { buildSnapshotArgs, grabJpeg } from './snapshot.js';

const file = parseSource('/data/cam 1.mp4');
const rtsp = parseSource('rtsp://admin:secret@10.0.0.5:554/Streaming/Channels/101');
const http = parseSource('https://cam.example/live.m3u8');

describe('parseSource', () => {
  it.each([
    ['/data/a.mp4', 'file', '/data/a.mp4'],
    ['relative/clip.mp4', 'file', 'relative/clip.mp4'],
    ['file:///data/with%20space.mp4', 'file', '/data/with space.mp4'],
    ['rtsp://cam/1', 'rtsp', 'rtsp://cam/1'],
    ['RTSPS://cam/1', 'rtsp', 'RTSPS://cam/1'],
    ['http://cam/mjpeg', 'http', 'http://cam/mjpeg'],
    ['https://cam/x.m3u8', 'http', 'https://cam/x.m3u8'],
    ['C:\\videos\\a.mp4', 'file', 'C:\\videos\\a.mp4'],
  ])('reads %s as a %s source', (url, kind, input) => {
    expect(parseSource(url)).toEqual({ kind, input });
  });

  it('rejects an unknown scheme and an empty source with invalid_argument', () => {
    for (const bad of ['srt://cam:9000', '  ']) {
      expect(() => parseSource(bad)).toThrow();
      try {
        parseSource(bad);
      } catch (e) {
        expect(isArgusError(e, 'invalid_argument')).toBe(true);
      }
    }
  });
});

describe('redactUrl', () => {
  it.each([
    ['rtsp://admin:secret@10.0.0.5/x', 'rtsp://admin:***@10.0.0.5/x'],
    ['http://u:p%40ss@cam/x', 'http://u:***@cam/x'],
    ['rtsp://10.0.0.5/x', 'rtsp://10.0.0.5/x'],
    ['/data/a:b.mp4', '/data/a:b.mp4'],
  ])('hides the password in %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});

const FILE_ONLY = ['-protocol_whitelist', 'file'];
const RTSP_ONLY = ['-protocol_whitelist', 'rtsp,rtsps,tcp,tls'];
const HTTP_ONLY = ['-protocol_whitelist', 'http,https,tcp,tls', '-max_redirects', '0'];

describe('buildInputArgs', () => {
  const cases: [string, InputSpec, string[]][] = [
    ['a plain file', { source: file }, [...FILE_ONLY, '-i', 'file:/data/cam 1.mp4']],
    ['a realtime file', { source: file, realtime: true }, [...FILE_ONLY, '-re', '-i', 'file:/data/cam 1.mp4']],
    ['a looping realtime file', { source: file, realtime: true, loop: true }, [...FILE_ONLY, '-re', '-stream_loop', '-1', '-i', 'file:/data/cam 1.mp4']],
    ['a path that looks like a protocol (concat:)', { source: parseSource('concat:/etc/passwd|/data/argus.db') }, [...FILE_ONLY, '-i', 'file:concat:/etc/passwd|/data/argus.db']],
    ['an rtsp camera (tcp, µs socket timeout)', { source: rtsp }, [...RTSP_ONLY, '-rtsp_transport', 'tcp', '-timeout', '5000000', '-i', rtsp.input]],
    ['an rtsp camera with a 2 s timeout', { source: rtsp, socketTimeoutMs: 2000 }, [...RTSP_ONLY, '-rtsp_transport', 'tcp', '-timeout', '2000000', '-i', rtsp.input]],
    [
      'an http stream (reconnects, no redirect)',
      { source: http, socketTimeoutMs: 3000 },
      [...HTTP_ONLY, '-rw_timeout', '3000000', '-reconnect', '1', '-reconnect_streamed', '1', '-reconnect_delay_max', '2', '-i', http.input],
    ],
    ['an rtsp camera ignoring realtime/loop', { source: rtsp, realtime: true, loop: true }, [...RTSP_ONLY, '-rtsp_transport', 'tcp', '-timeout', '5000000', '-i', rtsp.input]],
  ];
  it.each(cases)('builds the input of %s', (_name, spec, expected) => {
    expect(buildInputArgs(spec)).toEqual(expected);
  });
});

describe('buildDecodeArgs', () => {
  const tail = (vf: string): string[] => ['-map', '0:v:0', '-an', '-sn', '-dn', '-vf', vf, '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1'];
  const cases: [string, DecodeSpec, string[]][] = [
    [
      'a file at 5 fps, 640×360',
      { source: file, fps: 5, width: 640, height: 360 },
      ['-nostdin', '-hide_banner', '-loglevel', 'error', ...FILE_ONLY, '-i', 'file:/data/cam 1.mp4', ...tail('fps=5,scale=640:360:flags=bilinear')],
    ],
    [
      'an rtsp camera at 2.5 fps with 2 decoder threads',
      { source: rtsp, fps: 2.5, width: 1280, height: 720, threads: 2, socketTimeoutMs: 4000 },
      [
        '-nostdin', '-hide_banner', '-loglevel', 'error', '-threads', '2',
        ...RTSP_ONLY, '-rtsp_transport', 'tcp', '-timeout', '4000000', '-i', rtsp.input,
        ...tail('fps=2.5,scale=1280:720:flags=bilinear'),
      ],
    ],
    [
      'a looping realtime file at 29.97 fps with warnings',
      { source: file, fps: 30000 / 1001, width: 320, height: 180, realtime: true, loop: true, logLevel: 'warning' },
      [
        '-nostdin', '-hide_banner', '-loglevel', 'warning', ...FILE_ONLY, '-re', '-stream_loop', '-1', '-i', 'file:/data/cam 1.mp4',
        ...tail('fps=29.97003,scale=320:180:flags=bilinear'),
      ],
    ],
  ];
  it.each(cases)('builds the decoder for %s', (_name, spec, expected) => {
    expect(buildDecodeArgs(spec)).toEqual(expected);
  });

  it.each([
    ['zero fps', { fps: 0, width: 10, height: 10 }],
    ['a fractional width', { fps: 5, width: 10.5, height: 10 }],
    ['a negative height', { fps: 5, width: 10, height: -2 }],
  ])('refuses %s', (_name, part) => {
    expect(() => buildDecodeArgs({ source: file, ...part })).toThrow(/must be a positive/);
  });
});

describe('buildProbeArgs', () => {
  it('asks ffprobe for JSON and never paces or loops', () => {
    expect(buildProbeArgs({ source: file, realtime: true, loop: true })).toEqual([
      '-hide_banner', '-v', 'error',
      '-show_entries', 'format=duration,format_name:stream=codec_type,codec_name,width,height,avg_frame_rate,r_frame_rate,nb_frames',
      '-of', 'json', ...FILE_ONLY, '-i', 'file:/data/cam 1.mp4',
    ]);
  });
});

describe('buildEncodeArgs', () => {
  it('encodes libx264 yuv420p with faststart', () => {
    expect(buildEncodeArgs({ file: '/out/a.mp4', width: 640, height: 360, fps: 5, codec: 'libx264' })).toEqual([
      '-nostdin', '-hide_banner', '-loglevel', 'error', '-y',
      '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', '640x360', '-r', '5', '-i', 'pipe:0',
      '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23',
      '-pix_fmt', 'yuv420p', '-movflags', '+faststart', 'file:/out/a.mp4',
    ]);
  });

  it('pads an odd size to even and falls back to mpeg4', () => {
    const args = buildEncodeArgs({ file: 'o.mp4', width: 641, height: 361, fps: 12.5, codec: 'mpeg4' });
    expect(args).toContain('pad=ceil(iw/2)*2:ceil(ih/2)*2');
    expect(args.slice(args.indexOf('-c:v'), args.indexOf('-c:v') + 4)).toEqual(['-c:v', 'mpeg4', '-q:v', '4']);
    expect(args).toContain('12.5');
  });
});

describe('the protocol whitelist of every builder that opens a camera source', () => {
  const builders: [string, (source: ReturnType<typeof parseSource>) => string[]][] = [
    ['decode', (source) => buildDecodeArgs({ source, fps: 5, width: 64, height: 64 })],
    ['probe', (source) => buildProbeArgs({ source })],
    ['hls', (source) => buildHlsArgs({ source, dir: '/tmp/h' })],
    ['snapshot', (source) => buildSnapshotArgs({ source })],
    ['record', (source) => buildRecordArgs({ source, dir: '/rec/c' })],
  ];
  const sources: [string, string][] = [['/v/a.mp4', 'file'], ['rtsp://cam/1', 'rtsp,rtsps,tcp,tls'], ['rtsps://cam/1', 'rtsp,rtsps,tcp,tls'], ['http://cam/x', 'http,https,tcp,tls'], ['https://cam/x.m3u8', 'http,https,tcp,tls']];
  it.each(builders.flatMap(([name, build]) => sources.map(([src, list]) => [name, src, list, build] as const)))('%s of %s opens only %s, before its input', (_name, src, list, build) => {
    const args = build(parseSource(src));
    const at = args.indexOf('-protocol_whitelist');
    expect(args[at + 1]).toBe(list);
    expect(at).toBeGreaterThanOrEqual(0);
    expect(at).toBeLessThan(args.indexOf('-i'));
    expect(args.filter((a) => a === '-protocol_whitelist')).toHaveLength(1);
  });
});

/** A loopback HTTP server that counts the requests it gets (what a metadata endpoint would see). */
async function countingServer(handler: (req: IncomingMessage, res: ServerResponse) => void = (_q, r) => r.end('x')): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const srv = createServer((req, res) => {
    hits.push(req.url ?? '');
    handler(req, res);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, hits, close: () => new Promise((r) => srv.close(() => r())) };
}

describe('a real ffmpeg kept to the source protocol', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'argus-whitelist-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('does not let a file source reach the network (a local playlist naming an http segment)', async () => {
    const target = await countingServer();
    try {
      const playlist = join(dir, 'smuggle.m3u8');
      await writeFile(playlist, `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\n${target.url}/latest/meta-data/seg0.ts\n#EXT-X-ENDLIST\n`);
      await expect(grabJpeg(playlist, { timeoutMs: 10_000 })).rejects.toThrow(/not on whitelist|no frame/);
      expect(target.hits).toEqual([]);
    } finally {
      await target.close();
    }
  }, 20_000);

  it('does not follow an http redirect to another host (past the camera network allow-list)', async () => {
    const inner = await countingServer();
    const outer = await countingServer((_q, r) => {
      r.writeHead(302, { location: `${inner.url}/latest/meta-data/` });
      r.end();
    });
    try {
      await expect(grabJpeg(`${outer.url}/cam.mjpg`, { timeoutMs: 10_000 })).rejects.toThrow(/no frame/);
      expect(outer.hits).toEqual(['/cam.mjpg']);
      expect(inner.hits).toEqual([]);
    } finally {
      await Promise.all([inner.close(), outer.close()]);
    }
  }, 20_000);

  it('does not let an http playlist read a local file (file: segment), nor a concat: path reach a second file', async () => {
    const secret = join(dir, 'secret.ts');
    execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10', '-t', '1', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-f', 'mpegts', '-y', secret]);
    const site = await countingServer((_q, r) => r.end(`#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:1.0,\nfile://${secret}\n#EXT-X-ENDLIST\n`));
    try {
      await expect(grabJpeg(`${site.url}/live.m3u8`, { timeoutMs: 10_000 })).rejects.toThrow(/not on whitelist|no frame/);
      expect(site.hits).toEqual(['/live.m3u8']);
    } finally {
      await site.close();
    }
    // A "concat:" source is a file name (file:concat:…), never ffmpeg's concat protocol over two real files.
    await expect(grabJpeg(`concat:${secret}|${secret}`, { timeoutMs: 10_000 })).rejects.toThrow(/No such file|no frame/);
    expect((await grabJpeg(secret, { timeoutMs: 10_000 }))[0]).toBe(0xff); // the file itself is readable as a file source
  }, 30_000);
});
