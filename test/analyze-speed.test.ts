/**
 * Speed on real footage: the traffic clip through the built `argus analyze` (detector, tracker, speeding rule)
 * with the calibration of test/fixtures/rules/traffic-speed.yaml (US lane-marking dashes, see its comments),
 * against every car found independently from the pixels over the whole clip (test/fixtures/rules/traffic-speed.json,
 * method there): each car that drives through the calibrated lanes must be reported (a car missed counts), no event
 * may be of a car that is not there, and each reported speed is compared with the car's speed from the pixels at the
 * window the pipeline measured it over. The limit is 5 km/h so that every car reports its measured speed.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { speedingParams } from '../src/config/rules/speeding.js';
import type { ViolationEvent } from '../src/core/violation.js';
import { REPO_ROOT, video } from './assets.js';

const exec = promisify(execFile);
interface Car {
  lane: string;
  tMidSec: number;
  firstSec: number;
  lastSec: number;
  pxPerMetre: number;
  /** [frame, rear x, front x] on every frame the car was seen. */
  track: [number, number, number][];
}
const FIXTURE = JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/rules/traffic-speed.json'), 'utf8')) as {
  fps: number;
  lanes: Record<string, { bottomYMin: number; bottomYMax: number }>;
  cars: Car[];
};

/** The car's front edge goes through the middle of the picture (x 160 to 480) while the clip runs: the pipeline must report it. */
const crossesMiddle = (c: Car): boolean => c.track.some(([, , front]) => front <= 160) && c.track.some(([, , front]) => front >= 480);

/** The car's blob on the frame nearest `tSec` (within 2 frames), or undefined. */
function blobAt(c: Car, tSec: number): { rear: number; front: number } | undefined {
  const frame = Math.round(tSec * FIXTURE.fps);
  const near = c.track.filter(([i]) => Math.abs(i - frame) <= 2).sort((a, b) => Math.abs(a[0] - frame) - Math.abs(b[0] - frame))[0];
  return near && { rear: near[1], front: near[2] };
}

/** The speeding rule's window (its default `windowMs`): the speed it reports was fitted over the seconds before the event. */
const RULE_WINDOW_SEC = speedingParams.parse({ id: 'x', kind: 'speeding' }).windowMs / 1000;

/**
 * The car's speed over the rule's window before `tSec`: a straight line through its front edge (clear of the
 * picture's right side), km/h; undefined when too few frames or the line does not fit (worst point > 8 px off: blobs
 * merged, or a car slowing hard).
 */
function truthKmhAt(c: Car, tSec: number): number | undefined {
  const pts = c.track.filter(([i, , front]) => i / FIXTURE.fps >= tSec - RULE_WINDOW_SEC && i / FIXTURE.fps <= tSec && front < 630).map(([i, , front]) => [i / FIXTURE.fps, front] as const);
  if (pts.length < 10) return undefined;
  const n = pts.length;
  const mt = pts.reduce((s, [t]) => s + t, 0) / n;
  const mx = pts.reduce((s, [, x]) => s + x, 0) / n;
  const v = pts.reduce((s, [t, x]) => s + (t - mt) * (x - mx), 0) / pts.reduce((s, [t]) => s + (t - mt) ** 2, 0);
  if (Math.max(...pts.map(([t, x]) => Math.abs(x - (mx + v * (t - mt))))) > 8) return undefined;
  return (v / c.pxPerMetre) * 3.6;
}

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

/** The car of a speeding event: same lane, and its blob under the event's box at the event's time. */
function carOf(e: ViolationEvent): Car | undefined {
  const lane = laneOf(e);
  return FIXTURE.cars.find((c) => {
    if (c.lane !== lane) return false;
    const b = blobAt(c, e.ptsSec);
    if (!b) return false;
    const overlap = Math.min(b.front, e.box.x2) - Math.max(b.rear, e.box.x1);
    return overlap > 0.5 * Math.min(b.front - b.rear, e.box.x2 - e.box.x1);
  });
}

describe('speed measured on the traffic clip with the lane-marking calibration', () => {
  it('measures only inside the calibrated lanes', () => {
    expect(speeding.length).toBeGreaterThan(0);
    for (const e of speeding) expect(laneOf(e), `event at ${e.ptsSec} s, box bottom ${e.box.y2}`).toBeDefined();
  });

  it('reports the cars that drive through the calibrated lanes, each once, and no car that is not there', () => {
    const due = FIXTURE.cars.filter(crossesMiddle);
    const found = new Map<Car, ViolationEvent[]>();
    for (const e of speeding) {
      const car = carOf(e);
      expect(car, `speeding event at ${e.ptsSec} s (box x ${Math.round(e.box.x1)}-${Math.round(e.box.x2)}, bottom ${Math.round(e.box.y2)}) matches no car of the clip`).toBeDefined();
      found.set(car!, [...(found.get(car!) ?? []), e]);
    }
    for (const [car, events] of found) expect(events.length, `car at ${car.tMidSec} s (${car.lane}) reported ${events.length} times`).toBe(1);
    const missed = due.filter((c) => !found.has(c));
    console.log(`speed: ${due.length} cars drive through the calibrated lanes (found from the pixels over the whole clip); the pipeline reported ${due.length - missed.length}; missed: ${missed.map((c) => `${c.lane} lane at ${c.tMidSec} s`).join(', ') || 'none'}`);
    // Today: 15 of 16 (the middle-lane car at 15.0 s is never reported). A car missed counts: at most one may be.
    expect(due.length - missed.length).toBeGreaterThanOrEqual(due.length - 1);
  });

  it('is within 5 km/h of the speed measured from the pixels over the same window, 3 km/h on average', () => {
    const errors: number[] = [];
    for (const e of speeding) {
      const car = carOf(e);
      const truth = car && truthKmhAt(car, e.ptsSec);
      if (truth === undefined) continue;
      const error = e.measurements.speedKmh! - truth;
      expect(Math.abs(error), `car at ${car!.tMidSec} s (${car!.lane}), event at ${e.ptsSec} s: measured ${e.measurements.speedKmh}, truth ${truth.toFixed(1)} km/h`).toBeLessThanOrEqual(5);
      errors.push(error);
    }
    const meanAbs = errors.reduce((s, x) => s + Math.abs(x), 0) / errors.length;
    console.log(`speed: ${errors.length} of ${speeding.length} events timed from the pixels; error mean ${(errors.reduce((s, x) => s + x, 0) / errors.length).toFixed(1)}, mean absolute ${meanAbs.toFixed(1)}, largest ${Math.max(...errors.map(Math.abs)).toFixed(1)} km/h`);
    expect(errors.length).toBeGreaterThanOrEqual(speeding.length - 3);
    expect(meanAbs).toBeLessThanOrEqual(3);
  });
});
