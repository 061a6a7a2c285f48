import { execFileSync } from 'node:child_process';
import { copyFile, mkdtemp, open, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isArgusError, type ErrorCode } from '../src/core/errors.js';
import { openFrameSource } from '../src/video/frame-source.js';
import type { FrameSourceEvent, FrameSourceOptions, SourceHealth } from '../src/video/source.js';
import { video } from './assets.js';

/**
 * Faults a camera network meets, against real ffmpeg: damaged and wrong files, dead, silent and
 * password-protected servers. Each must end (or report) with the right typed error within 10 s.
 */
const TRAFFIC = video('opencv4nodejs_traffic.mp4');
let dir = '';
const servers: (net.Server | http.Server)[] = [];

async function listen(server: net.Server | http.Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

/** A port with nothing listening. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** A fake RTSP camera that answers every request with `status` (e.g. "401 Unauthorized"). */
function rtspAnswering(status: string): net.Server {
  return net.createServer((sock) => {
    sock.on('data', (d) => {
      const cseq = /CSeq:\s*(\d+)/i.exec(d.toString())?.[1] ?? '1';
      sock.write(`RTSP/1.0 ${status}\r\nCSeq: ${cseq}\r\nWWW-Authenticate: Basic realm="camera"\r\n\r\n`);
    });
    sock.on('error', () => sock.destroy());
  });
}

interface Ended {
  error: unknown;
  frames: number;
  ms: number;
  events: FrameSourceEvent[];
  health: SourceHealth;
}

async function drain(opts: FrameSourceOptions): Promise<Ended> {
  const events: FrameSourceEvent[] = [];
  const t0 = Date.now();
  const src = openFrameSource({ ...opts, onEvent: (e) => events.push(e) });
  let frames = 0;
  let error: unknown;
  try {
    for await (const _f of src) frames++;
  } catch (e) {
    error = e;
  }
  return { error, frames, ms: Date.now() - t0, events, health: src.health() };
}

function expectTyped(r: Ended, code: ErrorCode): void {
  expect(r.error, `expected ${code}`).toBeDefined();
  expect(isArgusError(r.error, code), `got ${String(r.error)}`).toBe(true);
  expect((r.error as Error).message).not.toContain('\n');
  expect(r.ms).toBeLessThan(10_000);
  expect(r.frames).toBe(0);
  expect(r.health).toBe('ended');
  expect(r.events.some((e) => e.type === 'error' && e.error.code === code && e.retryInMs === undefined)).toBe(true);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'argus-faults-'));
});
afterAll(async () => {
  for (const s of servers) s.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a file source', () => {
  it('ends with source_corrupt on a truncated mp4', async () => {
    const p = join(dir, 'truncated.mp4');
    await copyFile(TRAFFIC, p);
    await truncate(p, 150_000);
    expectTyped(await drain({ url: p, fps: 5 }), 'source_corrupt');
  });

  it('ends with source_corrupt on an mp4 whose header was overwritten', async () => {
    const p = join(dir, 'scribbled.mp4');
    const bytes = await readFile(TRAFFIC);
    for (let i = 0; i < 4096; i++) bytes[i] = (i * 97 + 13) & 255;
    for (let i = bytes.length - 6000; i < bytes.length; i++) bytes[i] = (i * 31) & 255; // the moov atom is at the end
    await writeFile(p, bytes);
    expectTyped(await drain({ url: p, fps: 5 }), 'source_corrupt');
  });

  it('still delivers the readable frames of a file damaged in the middle', async () => {
    const p = join(dir, 'damaged-middle.mp4');
    await copyFile(TRAFFIC, p);
    const fh = await open(p, 'r+');
    await fh.write(Buffer.alloc(40_000, 0x5a), 0, 40_000, 200_000);
    await fh.close();
    const src = openFrameSource({ url: p, fps: 5 });
    let frames = 0;
    for await (const _f of src) frames++;
    expect(frames).toBeGreaterThan(90);
    expect(src.stats().stderrLines).toBeGreaterThan(0);
  });

  it('ends with source_not_video on a text file and on an audio file', async () => {
    const txt = join(dir, 'readme.txt');
    await writeFile(txt, 'Argus camera list\n'.repeat(100));
    expectTyped(await drain({ url: txt, fps: 5 }), 'source_not_video');
    const wav = join(dir, 'tone.wav');
    const header = Buffer.alloc(44);
    header.write('RIFF', 0);
    header.writeUInt32LE(36 + 8000, 4);
    header.write('WAVEfmt ', 8);
    header.writeUInt32LE(16, 16);
    header.writeUInt16LE(1, 20);
    header.writeUInt16LE(1, 22);
    header.writeUInt32LE(8000, 24);
    header.writeUInt32LE(8000, 28);
    header.writeUInt16LE(1, 32);
    header.writeUInt16LE(8, 34);
    header.write('data', 36);
    header.writeUInt32LE(8000, 40);
    await writeFile(wav, Buffer.concat([header, Buffer.alloc(8000, 128)]));
    expectTyped(await drain({ url: wav, fps: 5 }), 'source_not_video');
  });

  it('ends with source_not_found on a missing file', async () => {
    expectTyped(await drain({ url: join(dir, 'nowhere.mp4'), fps: 5 }), 'source_not_found');
  });

  it('ends with source_unsupported_codec on a stream with an unknown codec tag', async () => {
    // An AVI whose video FourCC is patched from H264 to ZZZZ: ffmpeg has no decoder for it.
    const avi = join(dir, 'h264.avi');
    execFileSync('ffmpeg', ['-nostdin', '-loglevel', 'error', '-y', '-i', TRAFFIC, '-t', '1', '-an', '-c:v', 'copy', '-bsf:v', 'h264_mp4toannexb', '-tag:v', 'H264', '-f', 'avi', avi]);
    const bytes = await readFile(avi);
    const movi = bytes.indexOf('movi');
    let at = bytes.indexOf('H264');
    while (at >= 0 && at < movi) {
      bytes.write('ZZZZ', at);
      at = bytes.indexOf('H264', at + 4);
    }
    const patched = join(dir, 'unknown.avi');
    await writeFile(patched, bytes);
    expectTyped(await drain({ url: patched, fps: 5 }), 'source_unsupported_codec');
  });
});

describe('a network source', () => {
  it('ends with source_refused on an RTSP port with nothing listening', async () => {
    const port = await closedPort();
    expectTyped(await drain({ url: `rtsp://127.0.0.1:${port}/stream`, fps: 5, reconnect: false }), 'source_refused');
  });

  it('ends with source_timeout on an RTSP server that never answers', async () => {
    const port = await listen(net.createServer(() => undefined));
    expectTyped(await drain({ url: `rtsp://127.0.0.1:${port}/stream`, fps: 5, reconnect: false }), 'source_timeout');
  });

  it('ends with source_auth_failed on a camera refusing the password, without leaking it', async () => {
    const port = await listen(rtspAnswering('401 Unauthorized'));
    const r = await drain({ url: `rtsp://admin:hunter2@127.0.0.1:${port}/stream`, fps: 5, reconnect: false });
    expectTyped(r, 'source_auth_failed');
    expect((r.error as Error).message).not.toContain('hunter2');
  });

  it('ends with source_not_found on an RTSP path and an HTTP URL that do not exist', async () => {
    const rtsp = await listen(rtspAnswering('404 Not Found'));
    expectTyped(await drain({ url: `rtsp://127.0.0.1:${rtsp}/nope`, fps: 5, reconnect: false }), 'source_not_found');
    const web = await listen(http.createServer((_req, res) => res.writeHead(404).end()));
    expectTyped(await drain({ url: `http://127.0.0.1:${web}/cam.mp4`, fps: 5, reconnect: false }), 'source_not_found');
  });

  it('keeps retrying a dead camera with backoff, degraded then offline, and closes promptly', async () => {
    const port = await closedPort();
    const events: FrameSourceEvent[] = [];
    const src = openFrameSource({
      url: `rtsp://127.0.0.1:${port}/stream`,
      fps: 5,
      backoff: { initialMs: 100, maxMs: 400, jitter: 0 },
      onEvent: (e) => events.push(e),
    });
    const it = src[Symbol.asyncIterator]();
    const pending = it.next();
    // Each try is a real ffmpeg refused by the closed port: wait for three of them (slow on a loaded machine), not a fixed time.
    const settled = () => events.filter((e) => e.type === 'error').length >= 3 && events.some((e) => e.type === 'health' && e.health === 'offline');
    for (const deadline = Date.now() + 15_000; !settled() && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 100));
    const errors = events.filter((e) => e.type === 'error');
    expect(errors.length).toBeGreaterThanOrEqual(3);
    expect(errors.every((e) => e.type === 'error' && e.error.code === 'source_refused')).toBe(true);
    expect(errors.slice(0, 4).map((e) => e.type === 'error' && e.retryInMs)).toEqual([100, 200, 400, 400].slice(0, Math.min(4, errors.length)));
    const healths = events.filter((e) => e.type === 'health').map((e) => e.type === 'health' && e.health);
    expect(healths.slice(0, 2)).toEqual(['degraded', 'offline']);
    expect(src.lastError()?.code).toBe('source_refused');
    const t0 = Date.now();
    await src.close();
    expect(Date.now() - t0).toBeLessThan(2000);
    expect((await pending).done).toBe(true);
    expect(src.health()).toBe('ended');
  });
});
