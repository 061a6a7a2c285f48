import { describe, expect, it } from 'vitest';
import { norm } from '../core/geometry.js';
import type { Track } from '../core/track.js';
import { imageToGround } from './calibration/homography.js';
import { cameraOf, counterIds, T0 } from '../../test/fixtures/rules/scenario.js';
import { groundToPixel, noise, ROAD_CALIBRATION, ROAD_SIZE } from '../../test/fixtures/rules/synthetic-road.js';
import { createRuleEngine } from './engine.js';
import type { ReplayLine } from './replay.js';
import { replayRules } from './replay.js';
import { estimateSpeed } from './speed-estimate.js';

interface Vehicle {
  readonly id: number;
  readonly cls: 'car' | 'motorcycle' | 'truck';
  readonly laneX: number;
  readonly speedKmh: number;
  /** Travels toward the camera (ground y decreasing) from y = 50 m. */
  readonly startMs: number;
}

const VEHICLES: Vehicle[] = [
  { id: 1, cls: 'car', laneX: 1.8, speedKmh: 52, startMs: 0 },
  { id: 2, cls: 'motorcycle', laneX: 5.2, speedKmh: 38, startMs: 500 },
  { id: 3, cls: 'truck', laneX: 3.5, speedKmh: 71, startMs: 5000 },
  { id: 4, cls: 'car', laneX: 5.0, speedKmh: 33, startMs: 6000 },
];

/** 5 frames/s; each vehicle's bottom-centre projected from the ground with ±noisePx uniform pixel noise. */
function roadScene(noisePx: number, seed = 7): ReplayLine[] {
  const rnd = noise(seed);
  const lines: ReplayLine[] = [];
  const alive = new Set<number>();
  for (let t = 0, index = 0; t <= 12000; t += 200, index++) {
    const tracks: Track[] = [];
    const ended: number[] = [];
    for (const v of VEHICLES) {
      const y = 50 - ((v.speedKmh / 3.6) * (t - v.startMs)) / 1000;
      if (t < v.startMs || y < 0) {
        if (alive.delete(v.id)) ended.push(v.id);
        continue;
      }
      alive.add(v.id);
      const p = groundToPixel(v.laneX, y);
      const bx = p.x + rnd() * noisePx;
      const by = p.y + rnd() * noisePx;
      const w = 30 + (p.y / ROAD_SIZE.height) * 150;
      tracks.push({ id: v.id, box: { x1: bx - w / 2, y1: by - w * 0.8, x2: bx + w / 2, y2: by }, cls: v.cls, score: 0.9, state: 'tracked', firstSeenMs: T0 + v.startMs, lastSeenMs: T0 + t, hits: 1 });
    }
    lines.push({ meta: { index, ptsSec: t / 1000, capturedAtMs: T0 + t, size: ROAD_SIZE, sourceSize: ROAD_SIZE }, tracks, ended });
  }
  return lines;
}

const camera = (rules: unknown[]) =>
  cameraOf({
    kind: 'speed',
    calibration: ROAD_CALIBRATION,
    speedLimits: { default: 60, car: 40, motorcycle: 40 },
    lines: [
      { id: 'far', points: [[0.2, 0.5], [0.8, 0.5]] },
      { id: 'near', points: [[0.05, 0.75], [0.95, 0.75]] },
    ],
    rules,
  });

describe('speed from calibrated ground positions', () => {
  it('estimates every window of a noisy synthetic scene within 3 km/h of the truth', () => {
    const engine = createRuleEngine(camera([]), 'Asia/Ho_Chi_Minh');
    const windows = new Map<number, { tMs: number; x: number; y: number }[]>();
    let worst = 0;
    let n = 0;
    for (const line of roadScene(1.5)) {
      engine.step(line.tracks, line.meta, line.ended);
      for (const t of line.tracks) {
        const anchor = norm((t.box.x1 + t.box.x2) / 2 / ROAD_SIZE.width, t.box.y2 / ROAD_SIZE.height);
        const g = imageToGround(engine.scene.homography!, anchor);
        if (!g) continue;
        const w = [...(windows.get(t.id) ?? []).filter((s) => line.meta.capturedAtMs - s.tMs <= 1500), { tMs: line.meta.capturedAtMs, x: g.x, y: g.y }];
        windows.set(t.id, w);
        if (w.length < 6) continue;
        const est = estimateSpeed(w)!;
        const truth = VEHICLES.find((v) => v.id === t.id)!.speedKmh;
        worst = Math.max(worst, Math.abs(est.speedKmh - truth));
        n++;
      }
    }
    expect(n).toBeGreaterThan(40);
    expect(worst).toBeLessThanOrEqual(3);
  });

  it('reports the vehicles over their class limit with a speed within 3 km/h', async () => {
    const engine = createRuleEngine(camera([{ id: 'sp', kind: 'speeding', windowMs: 1500, toleranceKmh: 3, minOverMs: 400 }]), 'Asia/Ho_Chi_Minh', { newId: counterIds() });
    const events = await replayRules(roadScene(1.5), engine);
    const got = events.map((e) => (e.kind === 'violation' ? { track: e.trackId, limit: e.measurements.limitKmh, speed: e.measurements.speedKmh! } : undefined));
    expect(got.map((g) => g && [g.track, g.limit])).toEqual([
      [1, 40],
      [3, 60],
    ]);
    expect(Math.abs(got[0]!.speed - 52)).toBeLessThanOrEqual(3);
    expect(Math.abs(got[1]!.speed - 71)).toBeLessThanOrEqual(3);
    expect(engine.size()).toBe(0);
  });

  it('times a two-line trap between frames', async () => {
    // The lines at picture y 0.5 and 0.75 lie at these ground distances (from the same homography).
    const rules = [{ id: 'trap', kind: 'speed_trap', firstLine: 'far', secondLine: 'near', distanceM: 0, toleranceKmh: 3 }];
    const h = createRuleEngine(camera([]), 'UTC').scene.homography!;
    const yFar = imageToGround(h, norm(0.5, 0.5))!.y;
    const yNear = imageToGround(h, norm(0.5, 0.75))!.y;
    rules[0]!.distanceM = yFar - yNear;
    const engine = createRuleEngine(camera(rules), 'Asia/Ho_Chi_Minh', { newId: counterIds() });
    const events = await replayRules(roadScene(0.5), engine);
    const got = events.map((e) => (e.kind === 'violation' ? [e.trackId, e.violation, e.lineId, e.measurements.limitKmh] : e.kind));
    expect(got).toEqual([
      [1, 'speeding', 'near', 40],
      [3, 'speeding', 'near', 60],
    ]);
    for (const e of events) {
      if (e.kind !== 'violation') continue;
      const truth = VEHICLES.find((v) => v.id === e.trackId)!.speedKmh;
      expect(Math.abs(e.measurements.speedKmh! - truth)).toBeLessThanOrEqual(3);
    }
  });
});
