/**
 * The built `argus analyze` command as a user runs it (node bin/argus.js; the suite runs after `npm run build`):
 * broken sources fail fast with one clear line, a short real run writes line-crossing events and a playable
 * annotated video, and a recorded track log replays to the very same counts without video or model.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, video } from './assets.js';

const exec = promisify(execFile);
const ARGUS = join(REPO_ROOT, 'bin/argus.js');
const TRAFFIC = video('opencv4nodejs_traffic.mp4');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  wallMs: number;
}

async function argus(args: string[], timeoutMs = 120_000): Promise<Run> {
  const t0 = Date.now();
  try {
    const { stdout, stderr } = await exec(process.execPath, [ARGUS, 'analyze', ...args], { timeout: timeoutMs, maxBuffer: 1 << 24 });
    return { code: 0, stdout, stderr, wallMs: Date.now() - t0 };
  } catch (e) {
    const err = e as { code?: number | string; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '', wallMs: Date.now() - t0 };
  }
}

const lines = (s: string): string[] => s.split('\n').filter((l) => l.trim() !== '');

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

let dir = '';
let clip = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'argus-analyze-cli-'));
  // 5 s of the traffic clip keeps the real runs short.
  clip = join(dir, 'traffic-5s.mp4');
  execFileSync('ffmpeg', ['-nostdin', '-loglevel', 'error', '-i', TRAFFIC, '-t', '5', '-c:v', 'libx264', '-preset', 'ultrafast', '-an', clip]);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('argus analyze on sources that cannot be read', () => {
  it('ends non-zero with one clear line within 10 s for a corrupt mp4', async () => {
    const corrupt = join(dir, 'corrupt.mp4');
    await writeFile(corrupt, (await readFile(TRAFFIC)).subarray(0, 60_000));
    const r = await argus([corrupt]);
    expect(r.code).not.toBe(0);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/corrupt\.mp4.*(damaged|corrupt|truncated)/);
    expect(r.wallMs).toBeLessThan(10_000);
  });

  it('ends non-zero with one clear line within 10 s for a file that is not a video', async () => {
    const text = join(dir, 'notes.mp4');
    await writeFile(text, 'these are meeting notes, not a video\n'.repeat(50));
    const r = await argus([text]);
    expect(r.code).not.toBe(0);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain('notes.mp4');
    expect(r.wallMs).toBeLessThan(10_000);
  });

  it('ends non-zero with one clear line within 10 s for an RTSP camera nobody answers', async () => {
    const url = `rtsp://127.0.0.1:${await closedPort()}/x`;
    const r = await argus([url]);
    expect(r.code).not.toBe(0);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain(url);
    expect(r.stderr).toMatch(/refused|unreachable|timed out/);
    expect(r.wallMs).toBeLessThan(10_000);
  });

  it.each([['1,2,3'], ['1,2,x,4'], ['5,5,5,5']])('rejects --line %s with a message naming it', async (bad) => {
    const r = await argus([clip, '--line', bad]);
    expect([1, 2]).toContain(r.code);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain(`--line "${bad}"`);
  });
});

describe('argus analyze on a real clip', () => {
  const line = ['--line', '320,45,320,345'];
  let live: { summary: { frames: number; lines: unknown }; events: { kind: string; lineId?: string }[] };

  beforeAll(async () => {
    const r = await argus([clip, ...line, '--fps', '5', '--events', join(dir, 'events.jsonl'), '--annotate', join(dir, 'annotated.mp4'), '--record-tracks', join(dir, 'tracks.jsonl'), '--summary']);
    expect(r.code, r.stderr).toBe(0);
    const events = lines(await readFile(join(dir, 'events.jsonl'), 'utf8')).map((l) => JSON.parse(l) as { kind: string; lineId?: string });
    live = { summary: JSON.parse(lines(r.stdout).at(-1)!) as typeof live.summary, events };
  }, 180_000);

  it('writes line.cross events as JSON Lines', () => {
    const crossings = live.events.filter((e) => e.kind === 'line.cross');
    expect(crossings.length).toBeGreaterThan(0);
    expect(crossings.every((e) => e.lineId === 'L1')).toBe(true);
  });

  it('writes an annotated video that ffprobe can decode', () => {
    const out = execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', join(dir, 'annotated.mp4')], { encoding: 'utf8' });
    expect(Number(out.trim())).toBeGreaterThan(0);
    expect(Number(out.trim())).toBe(live.summary.frames);
  });

  it('replays the recorded tracks to identical counts, without video or model', async () => {
    const r = await argus(['--replay', join(dir, 'tracks.jsonl'), ...line, '--events', join(dir, 'replayed.jsonl'), '--summary', '--model', 'no-such-model']);
    expect(r.code, r.stderr).toBe(0);
    const replayed = JSON.parse(lines(r.stdout).at(-1)!) as { frames: number; lines: unknown };
    expect(replayed.frames).toBe(live.summary.frames);
    expect(replayed.lines).toEqual(live.summary.lines);
    const events = lines(await readFile(join(dir, 'replayed.jsonl'), 'utf8')).map((l) => JSON.parse(l) as { kind: string });
    expect(events.filter((e) => e.kind === 'line.cross')).toHaveLength(live.events.filter((e) => e.kind === 'line.cross').length);
  });
});
