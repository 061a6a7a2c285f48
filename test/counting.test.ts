/**
 * Counting accuracy on real footage against hand counts (test/fixtures/counts/*.json: the line, the counts by
 * direction, and how they were counted). Runs the real `argus analyze` command, as a user would, with its
 * defaults. Contract: total vehicles within ±10 %, each direction within max(1, 10 %).
 * Not yet met (issue 22 asks for it): an exact count for a direction with fewer than 10 vehicles and each class within
 * ±1. The parking-lot and traffic clips meet both (traffic: 6 / 16 of 6 / 16 at 10 and 15 fps since the tracker's slow
 * start). On the boulevard the wrong-way rider is now tracked by the default tracker (and reported by the wrong-way
 * rule) but its track breaks about 0.3 s before this line, where the detector scores it 0.1–0.2: counted pos 0 / neg 10
 * against 1 / 9 at 15 fps (motorcycles 8, one motorbike pulling a cart counted as a truck), which this tolerance still
 * lets through. At 5 fps the boulevard falls apart (2 of 10): fast near motorbikes are lost between frames.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, video } from './assets.js';

const run = promisify(execFile);
const FIXTURES = join(REPO_ROOT, 'test/fixtures/counts');
const VEHICLES = ['car', 'motorcycle', 'bus', 'truck', 'bicycle'];

interface CountFixture {
  video: string;
  line: [number, number, number, number];
  counts: { pos: number; neg: number };
}

interface Summary {
  frames: number;
  lines: Array<{ id: string; counts: Record<string, { pos: number; neg: number }> }>;
}

const fixtures = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(FIXTURES, f), 'utf8')) as CountFixture);

const within = (actual: number, expected: number, tolerance: number): boolean => Math.abs(actual - expected) <= tolerance;

describe('line counts on real road videos match the hand counts', () => {
  it.each(fixtures.map((f) => [f.video, f] as const))('%s', async (_name, fx) => {
    const { stdout } = await run(
      process.execPath,
      [join(REPO_ROOT, 'bin/argus.js'), 'analyze', video(fx.video), '--line', fx.line.join(','), '--summary'],
      { maxBuffer: 1 << 24, timeout: 300_000 },
    );
    const summary = JSON.parse(stdout.trim().split('\n').pop()!) as Summary;
    const l1 = summary.lines.find((l) => l.id === 'L1')!;
    let pos = 0;
    let neg = 0;
    for (const [cls, c] of Object.entries(l1.counts)) {
      if (!VEHICLES.includes(cls)) continue;
      pos += c.pos;
      neg += c.neg;
    }
    const expected = fx.counts.pos + fx.counts.neg;
    const report = `counted pos ${pos} neg ${neg}, hand pos ${fx.counts.pos} neg ${fx.counts.neg}`;
    expect(within(pos + neg, expected, 0.1 * expected), report).toBe(true);
    expect(within(pos, fx.counts.pos, Math.max(1, 0.1 * fx.counts.pos)), report).toBe(true);
    expect(within(neg, fx.counts.neg, Math.max(1, 0.1 * fx.counts.neg)), report).toBe(true);
  }, 320_000);
});
