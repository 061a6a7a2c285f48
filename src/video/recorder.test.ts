import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRecordArgs, isCompleteMp4, Recorder, segmentStartMs } from './recorder.js';
import { parseSource } from './ffmpeg-args.js';
import { probeSource } from './probe.js';

/** A real h264 clip with a key frame every 0.5 s (the road videos have 5–10 s GOPs: too long to cut 1 s segments). */
function makeClip(file: string): void {
  execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10', '-t', '4', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '5', '-pix_fmt', 'yuv420p', '-y', file]);
}

describe('buildRecordArgs', () => {
  const cases = [
    { name: 'a looping file', spec: { source: parseSource('/v/a.mp4'), dir: '/rec/cam1', segmentSeconds: 10, realtime: true, loop: true }, has: ['-re', '-stream_loop', 'file:/v/a.mp4', '-segment_time', '10', 'file:/rec/cam1/%Y%m%dT%H%M%SZ.mp4'] },
    { name: 'an RTSP camera', spec: { source: parseSource('rtsp://u:p@cam/1'), dir: '/rec/c2' }, has: ['-rtsp_transport', 'tcp', 'rtsp://u:p@cam/1', '-segment_time', '60'] },
  ];
  for (const c of cases) {
    it(`copies ${c.name} into UTC-named mp4 segments`, () => {
      const args = buildRecordArgs(c.spec);
      for (const a of c.has) expect(args).toContain(a);
      for (const a of ['-c', 'copy', '-f', 'segment', '-reset_timestamps', '-strftime', '-map', '0:v:0']) expect(args).toContain(a);
      expect(args.slice(args.indexOf('-segment_list'), args.indexOf('-segment_list') + 4)).toEqual(['-segment_list', 'pipe:1', '-segment_list_type', 'flat']);
      expect(args.indexOf('-i')).toBeLessThan(args.indexOf('-c'));
    });
  }
  it.each([0, -5, 1.5, 4000])('rejects a segment length of %s s', (n) => {
    expect(() => buildRecordArgs({ source: parseSource('/a.mp4'), dir: '/r', segmentSeconds: n })).toThrow(/segment length/);
  });
});

describe('segmentStartMs', () => {
  it('reads the UTC start of a segment name', () => {
    expect(segmentStartMs('20261122T003005Z.mp4')).toBe(Date.UTC(2026, 10, 22, 0, 30, 5));
  });
  it.each(['../x.mp4', '20261122T003005Z.mp4.tmp', '20261340T003005Z.mp4', '20260231T000000Z.mp4', 'a.mp4'])('refuses %s', (n) => {
    expect(segmentStartMs(n)).toBeNull();
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
    await new Promise((r) => setTimeout(r, 3500));
    await rec.stop();
    const files = (await readdir(dir)).sort();
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

  it('restarts with backoff when the source is missing, and keeps the error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'argus-rec-'));
    dirs.push(dir);
    const rec = new Recorder({ cameraId: 'c2', url: join(dir, 'missing.mp4'), dir, backoff: { initialMs: 50, maxMs: 200, factor: 2, resetAfterMs: 60_000, jitter: 0 } });
    rec.start();
    await new Promise((r) => setTimeout(r, 1500));
    await rec.stop();
    expect(rec.status().restarts).toBeGreaterThanOrEqual(2);
    expect(rec.status().lastError).toMatch(/No such file|exited/);
  }, 20_000);
});
