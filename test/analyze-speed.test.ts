/**
 * Speed on real footage: the traffic clip through the built `argus analyze` (detector, tracker, speeding rule)
 * with the calibration of test/fixtures/rules/traffic-speed.yaml (US lane-marking dashes, see its comments),
 * against speeds measured independently from the pixels (test/fixtures/rules/traffic-speed.json, method
 * there). The limit is 5 km/h so that every car reports its measured speed.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ViolationEvent } from '../src/core/violation.js';
import { REPO_ROOT, video } from './assets.js';

const exec = promisify(execFile);
const FIXTURE = JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/rules/traffic-speed.json'), 'utf8')) as {
  lanes: Record<string, { bottomYMin: number; bottomYMax: number }>;
  cars: { atSec: number; lane: string; truthKmh: number }[];
};

let dir = '';
let speeding: ViolationEvent[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'argus-speed-'));
  const events = join(dir, 'events.jsonl');
  await exec(process.execPath, [join(REPO_ROOT, 'bin/argus.js'), 'analyze', video('opencv4nodejs_traffic.mp4'), '--config', join(REPO_ROOT, 'test/fixtures/rules/traffic-speed.yaml'), '--camera', 'traffic', '--events', events], {
    timeout: 240_000,
    maxBuffer: 1 << 24,
  });
  speeding = (await readFile(events, 'utf8'))
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as ViolationEvent)
    .filter((e) => e.kind === 'violation' && e.violation === 'speeding');
}, 260_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const laneOf = (e: ViolationEvent): string | undefined =>
  Object.entries(FIXTURE.lanes).find(([, l]) => e.box.y2 >= l.bottomYMin && e.box.y2 < l.bottomYMax)?.[0];

describe('speed measured on the traffic clip with the lane-marking calibration', () => {
  it('measures only inside the calibrated lanes', () => {
    expect(speeding.length).toBeGreaterThan(0);
    for (const e of speeding) expect(laneOf(e), `event at ${e.ptsSec} s, box bottom ${e.box.y2}`).toBeDefined();
  });

  it('is within 5 km/h of the independently measured speed for every matched car, 3 km/h on average', () => {
    const errors: number[] = [];
    for (const car of FIXTURE.cars) {
      const e = speeding.find((v) => Math.abs(v.ptsSec - car.atSec) <= 0.5 && laneOf(v) === car.lane);
      if (!e) continue;
      const error = e.measurements.speedKmh! - car.truthKmh;
      expect(Math.abs(error), `car at ${car.atSec} s: measured ${e.measurements.speedKmh}, truth ${car.truthKmh} km/h`).toBeLessThanOrEqual(5);
      errors.push(error);
    }
    expect(errors.length).toBeGreaterThanOrEqual(FIXTURE.cars.length - 2);
    const meanAbs = errors.reduce((s, x) => s + Math.abs(x), 0) / errors.length;
    expect(meanAbs).toBeLessThanOrEqual(3);
  });
});
