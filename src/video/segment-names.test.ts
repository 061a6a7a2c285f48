import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freeSegmentName, parseSegmentListLine, SegmentClock, segmentName, segmentStartMs } from './segment-names.js';

describe('segment names', () => {
  it('reads the UTC start of a name to the millisecond, and of the older names to the second', () => {
    expect(segmentStartMs('20261122T003005.250Z.mp4')).toBe(Date.UTC(2026, 10, 22, 0, 30, 5, 250));
    expect(segmentStartMs('20261122T003005Z.mp4')).toBe(Date.UTC(2026, 10, 22, 0, 30, 5));
  });
  it.each([
    '../x.mp4', '20261122T003005Z.mp4.tmp', '20261340T003005Z.mp4', '20260231T000000Z.mp4', '20261122T250000Z.mp4',
    '20261122T006100Z.mp4', '20261122T003005.25Z.mp4', '20261122T003005.2500Z.mp4', 'r1-000001.mp4', 'a.mp4',
  ])('refuses %s', (n) => {
    expect(segmentStartMs(n)).toBeNull();
  });
  it.each([Date.UTC(2026, 10, 22, 0, 30, 5, 250), Date.UTC(2026, 0, 1), Date.UTC(2030, 11, 31, 23, 59, 59, 999)])('names %s and reads it back', (ms) => {
    expect(segmentStartMs(segmentName(ms))).toBe(ms);
  });
  it('sorts names of one second by their milliseconds', () => {
    const names = [900, 5, 120].map((ms) => segmentName(Date.UTC(2026, 10, 22, 0, 30, 5, ms)));
    expect([...names].sort()).toEqual(['20261122T003005.005Z.mp4', '20261122T003005.120Z.mp4', '20261122T003005.900Z.mp4']);
  });
});

describe('parseSegmentListLine', () => {
  it('reads ffmpeg csv entries', () => {
    expect(parseSegmentListLine('r1-000003.mp4,3.000000,4.000000\n')).toEqual({ file: 'r1-000003.mp4', startS: 3, endS: 4 });
    expect(parseSegmentListLine('r1-000005.mp4,5.000000,5.100000')).toEqual({ file: 'r1-000005.mp4', startS: 5, endS: 5.1 });
  });
  it.each(['', 'r1-000003.mp4', '"a,b.mp4",1,2', 'r1.mp4,2,1', 'r1.mp4,-1,2', 'r1.mp4,x,2', 'r1.mp4,1,2,3'])('refuses %j', (l) => {
    expect(parseSegmentListLine(l)).toBeNull();
  });
});

describe('SegmentClock', () => {
  const e = (startS: number, endS: number): { file: string; startS: number; endS: number } => ({ file: 'r-000000.mp4', startS, endS });

  it('ties the stream to the first report and follows the stream after it', () => {
    const c = new SegmentClock();
    expect(c.startOf(e(0, 60), 1_000_000)).toBe(940_000);
    // Reported 20 s late (packets held up by a stall): the name still follows the stream.
    expect(c.startOf(e(60, 120), 1_080_000)).toBe(1_000_000);
    expect(c.after(e(60, 120))).toBe(1_060_000);
  });

  it('re-anchors when stream and clock drift apart (a camera that reset its clock)', () => {
    const c = new SegmentClock(30_000);
    c.startOf(e(0, 60), 1_000_000);
    expect(c.startOf(e(5, 65), 2_000_000)).toBe(1_940_000);
    expect(c.startOf(e(65, 125), 2_060_000)).toBe(2_000_000);
  });

  it('knows no next start before its first report', () => {
    expect(new SegmentClock().after(e(0, 1))).toBeNull();
  });
});

describe('freeSegmentName', () => {
  const dirs: string[] = [];
  afterAll(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

  it('takes the start itself, or the first free millisecond after it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'argus-names-'));
    dirs.push(dir);
    const t = Date.UTC(2026, 10, 22, 0, 30, 5, 998);
    expect(await freeSegmentName(dir, t)).toEqual({ name: '20261122T003005.998Z.mp4', startMs: t });
    await writeFile(join(dir, '20261122T003005.998Z.mp4'), 'a');
    await writeFile(join(dir, '20261122T003005.999Z.mp4'), 'b');
    expect(await freeSegmentName(dir, t)).toEqual({ name: '20261122T003006.000Z.mp4', startMs: t + 2 });
  });
});
