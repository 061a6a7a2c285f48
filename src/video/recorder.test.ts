import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRecordArgs, isCompleteMp4, Recorder, STAGING_DIR } from './recorder.js';
import { segmentStartMs } from './segment-names.js';
import { parseSource } from './ffmpeg-args.js';
import { probeSource } from './probe.js';
import { ffmpegChildOf, isGone, until } from './testing/orphans.js';

/** A real h264 clip with a key frame every 0.5 s (the road videos have 5–10 s GOPs: too long to cut 1 s segments). */
function makeClip(file: string): void {
  execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10', '-t', '4', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '5', '-pix_fmt', 'yuv420p', '-y', file]);
}

async function waitUntil(ok: () => boolean, maxMs: number): Promise<void> {
  const until = Date.now() + maxMs;
  while (!ok()) {
    if (Date.now() > until) throw new Error(`not within ${maxMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('buildRecordArgs', () => {
  const cases = [
    { name: 'a looping file', spec: { source: parseSource('/v/a.mp4'), dir: '/rec/cam1', segmentSeconds: 10, realtime: true, loop: true }, has: ['-re', '-stream_loop', 'file:/v/a.mp4', '-segment_time', '10', 'file:/rec/cam1/.incoming/r-%06d.mp4'] },
    { name: 'an RTSP camera', spec: { source: parseSource('rtsp://u:p@cam/1'), dir: '/rec/c2', run: 'k3x9' }, has: ['-rtsp_transport', 'tcp', 'rtsp://u:p@cam/1', '-segment_time', '60', 'file:/rec/c2/.incoming/k3x9-%06d.mp4'] },
  ];
  for (const c of cases) {
    it(`copies ${c.name} into numbered mp4 segments in the staging folder, listed with their stream times`, () => {
      const args = buildRecordArgs(c.spec);
      for (const a of c.has) expect(args).toContain(a);
      for (const a of ['-c', 'copy', '-f', 'segment', '-reset_timestamps', '-map', '0:v:0']) expect(args).toContain(a);
      expect(args).not.toContain('-strftime'); // one-second names collided
      expect(args.slice(args.indexOf('-segment_list'), args.indexOf('-segment_list') + 4)).toEqual(['-segment_list', 'pipe:1', '-segment_list_type', 'csv']);
      expect(args.indexOf('-i')).toBeLessThan(args.indexOf('-c'));
    });
  }
  it.each([0, -5, 1.5, 4000])('rejects a segment length of %s s', (n) => {
    expect(() => buildRecordArgs({ source: parseSource('/a.mp4'), dir: '/r', segmentSeconds: n })).toThrow(/segment length/);
  });
  it.each(['', 'A1', '../x', 'a-b'])('rejects the run token %j', (run) => {
    expect(() => buildRecordArgs({ source: parseSource('/a.mp4'), dir: '/r', run })).toThrow(/run token/);
  });
});

describe('Recorder', () => {
  const dirs: string[] = [];
  let VIDEO = '';
  beforeAll(async () => {
    const d = await mkdtemp(join(tmpdir(), 'argus-clip-'));
    dirs.push(d);
    VIDEO = join(d, 'clip.mp4');
    makeClip(VIDEO);
  });
  afterAll(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

  it('tells a complete mp4 from one whose end is not written yet (how a finished segment is confirmed)', async () => {
    expect(await isCompleteMp4(VIDEO)).toBe(true);
    const whole = await readFile(VIDEO);
    const cut = join(dirs[0]!, 'cut.mp4');
    for (const keep of [whole.length - 1, whole.length - 200, Math.floor(whole.length / 2), 20]) {
      await writeFile(cut, whole.subarray(0, keep));
      expect(await isCompleteMp4(cut), `first ${keep} bytes`).toBe(false);
    }
    expect(await isCompleteMp4(join(dirs[0]!, 'missing.mp4'))).toBe(false);
  });

  it('writes playable segments of a looping source, reports each finished one, and stops cleanly', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'argus-rec-'));
    dirs.push(dir);
    const finished: string[] = [];
    const rec = new Recorder({ cameraId: 'c1', url: VIDEO, dir, segmentSeconds: 1, onSegment: (f) => finished.push(f) });
    const t0 = Date.now();
    rec.start();
    // Files of another ffmpeg (one that outlived a killed Argus): the one nobody has written to for long is taken in
    // as the recorder goes; the one still fresh is left to its writer.
    await new Promise((r) => setTimeout(r, 300));
    const staleForeign = join(dir, STAGING_DIR, 'zz9-000004.mp4');
    await writeFile(staleForeign, await readFile(VIDEO));
    await utimes(staleForeign, new Date(t0 - 600_000), new Date(t0 - 600_000));
    await writeFile(join(dir, STAGING_DIR, 'zz9-000005.mp4'), 'being written');
    await new Promise((r) => setTimeout(r, 3200));
    await rec.stop();
    expect(await readdir(join(dir, STAGING_DIR))).toEqual(['zz9-000005.mp4']); // every own staged file was named, the last one on stop
    const all = (await readdir(dir)).filter((f) => f !== STAGING_DIR).sort();
    const sizes = await Promise.all(all.map(async (f) => (await stat(join(dir, f))).size));
    const clipBytes = (await stat(VIDEO)).size;
    expect(sizes.filter((n) => n === clipBytes)).toHaveLength(1); // the stale foreign file, named
    const files = all.filter((_, i) => sizes[i] !== clipBytes);
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const f of files) {
      const start = segmentStartMs(f);
      expect(start).not.toBeNull();
      expect(Math.abs(start! - t0)).toBeLessThan(10_000);
    }
    const probe = await probeSource(join(dir, files[0]!));
    expect(probe.codec).toBe('h264');
    expect(probe.width).toBe(320);
    expect(rec.status().running).toBe(false);
    // Every finished segment was reported by name, in order (the last one is finished by the stop).
    expect(finished.length).toBeGreaterThanOrEqual(2);
    expect(finished).toEqual(files.slice(0, finished.length));
    const st = rec.status();
    expect(st.segments).toBe(finished.length);
    expect(st.lastSegment).toBe(finished[finished.length - 1]);
    expect(st.lastSegmentAtMs).toBeGreaterThanOrEqual(t0);
  }, 20_000);

  it('keeps every segment of a burst: segments finished within one second get distinct names spaced by their stream times', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'argus-rec-'));
    dirs.push(dir);
    // Real ffmpeg without -re and without looping: the 4-s clip is cut into 1-s segments within a few milliseconds,
    // as a camera's buffered packets are after a stall. One-second names (-strftime) kept one segment of the four.
    const burst = join(dir, 'ffmpeg-burst.sh');
    await writeFile(burst, [
      '#!/bin/sh', 'prev=', 'for a in "$@"; do', '  shift',
      '  if [ "$a" = "-re" ]; then prev=$a; continue; fi',
      '  if [ "$prev" = "-stream_loop" ]; then a=0; fi',
      '  set -- "$@" "$a"; prev=$a', 'done', 'exec ffmpeg "$@"', '',
    ].join('\n'), { mode: 0o755 });
    const finished: string[] = [];
    const rec = new Recorder({
      cameraId: 'c3', url: VIDEO, dir: join(dir, 'cam'), segmentSeconds: 1, ffmpegPath: burst, onSegment: (f) => finished.push(f),
      backoff: { initialMs: 60_000, maxMs: 60_000, factor: 1, resetAfterMs: 60_000, jitter: 0 },
    });
    const t0 = Date.now();
    rec.start();
    await waitUntil(() => rec.status().restarts >= 1, 10_000); // the clip ended: ffmpeg exited
    const elapsed = Date.now() - t0;
    await rec.stop();
    const files = (await readdir(join(dir, 'cam'))).filter((f) => f !== STAGING_DIR).sort();
    expect(files).toHaveLength(4);
    expect(finished).toEqual(files);
    const starts = files.map((f) => segmentStartMs(f)!);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBe(1000); // the stream's 1-s steps
    // The run's clock is tied to the first report (that segment ended then); the rest follow the stream from it.
    expect(starts[0]! + 1000).toBeGreaterThanOrEqual(t0);
    expect(starts[0]! + 1000).toBeLessThanOrEqual(t0 + elapsed);
    for (const f of files) expect(await isCompleteMp4(join(dir, 'cam', f)), f).toBe(true);
  }, 20_000);

  it('names what a killed recorder left staged before it records, and never writes over a segment', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'argus-rec-'));
    dirs.push(dir);
    const staging = join(dir, STAGING_DIR);
    await mkdir(staging, { recursive: true });
    const whole = await readFile(VIDEO);
    await writeFile(join(staging, 'old1-000007.mp4'), whole); // finished, never named (Argus killed in between)
    await writeFile(join(staging, 'old1-000008.mp4'), whole.subarray(0, 5000)); // open when ffmpeg was killed
    await writeFile(join(staging, 'old1-000009.mp4'), ''); // opened, nothing written, long ago
    await utimes(join(staging, 'old1-000009.mp4'), new Date(Date.now() - 600_000), new Date(Date.now() - 600_000));
    await writeFile(join(staging, 'old2-000000.mp4'), ''); // just opened by an ffmpeg that may still be writing
    await writeFile(join(staging, 'notes.txt'), 'not ours');
    const warned: string[] = [];
    const rec = new Recorder({
      cameraId: 'c4', url: join(dir, 'missing.mp4'), dir, logger: { warn: (_o, m) => warned.push(m), info: () => undefined },
      backoff: { initialMs: 60_000, maxMs: 60_000, factor: 1, resetAfterMs: 60_000, jitter: 0 },
    });
    rec.start();
    await waitUntil(() => rec.status().restarts >= 1, 10_000);
    await rec.stop();
    const named = (await readdir(dir)).filter((f) => segmentStartMs(f) !== null).sort();
    expect(named).toHaveLength(2);
    expect((await readdir(staging)).sort()).toEqual(['notes.txt', 'old2-000000.mp4']); // the old empty file is gone
    const sizes = await Promise.all(named.map(async (f) => (await readFile(join(dir, f))).length));
    expect(sizes.sort((a, b) => a - b)).toEqual([5000, whole.length]); // both kept, neither overwritten
    expect(warned).toEqual(expect.arrayContaining(['unreported segment recovered', 'segment left incomplete']));
    expect(rec.status().segments).toBe(0); // recovered files are footage, not segments this recorder finished
  }, 20_000);

  it('restarts with backoff when the source is missing, and keeps the error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'argus-rec-'));
    dirs.push(dir);
    const rec = new Recorder({ cameraId: 'c2', url: join(dir, 'missing.mp4'), dir, backoff: { initialMs: 50, maxMs: 200, factor: 2, resetAfterMs: 60_000, jitter: 0 } });
    rec.start();
    // Each try is a real ffmpeg start (~0.3 s idle, seconds on a loaded machine): wait for the restarts, not a fixed time.
    for (const deadline = Date.now() + 15_000; rec.status().restarts < 2 && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 100));
    await rec.stop();
    expect(rec.status().restarts).toBeGreaterThanOrEqual(2);
    expect(rec.status().lastError).toMatch(/No such file|exited/);
  }, 20_000);

  it('ends its ffmpeg when the process running the recorder is killed (SIGKILL), the open segment finished', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'argus-rec-'));
    dirs.push(dir);
    // A process that only records a looping file, as the service does; it is then killed without a chance to stop ffmpeg.
    const script = join(dir, 'record.ts');
    await writeFile(script, `import { Recorder } from ${JSON.stringify(join(process.cwd(), 'src/video/recorder.ts'))};
new Recorder({ cameraId: 'k', url: ${JSON.stringify(VIDEO)}, dir: ${JSON.stringify(dir)}, segmentSeconds: 3600 }).start();
setInterval(() => undefined, 1000);
`);
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: 'ignore' });
    let ffmpeg: number | undefined;
    await until(async () => (ffmpeg = await ffmpegChildOf(child.pid!)) !== undefined, 20_000, 'the recorder ffmpeg');
    const staging = join(dir, STAGING_DIR);
    // Killed while recording steadily (a segment well under way), not while ffmpeg still opens the camera.
    await until(async () => ((await readdir(staging))[0] !== undefined && (await stat(join(staging, (await readdir(staging))[0]!))).size > 40_000), 30_000, 'a staged segment');
    child.kill('SIGKILL');
    // Gone within seconds, not when its hour-long segment would have ended.
    await until(() => isGone(ffmpeg!), 5000, 'the orphan ffmpeg to end');
    const [left] = await readdir(staging);
    expect(left).toBeDefined();
    expect(await isCompleteMp4(join(staging, left!))).toBe(true); // SIGTERM from the kernel: ffmpeg wrote the trailer
  }, 60_000);
});

