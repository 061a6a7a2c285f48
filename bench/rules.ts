import { performance } from 'node:perf_hooks';
import { configSchema } from '../src/config/schema.js';
import type { Track } from '../src/core/track.js';
import type { SignalObservation } from '../src/core/violation.js';
import { norm } from '../src/core/geometry.js';
import { fitHomography, imageToGround } from '../src/rules/calibration/homography.js';
import { createRuleEngine } from '../src/rules/engine.js';
import { estimateSpeed } from '../src/rules/speed-estimate.js';
import { groundToPixel, noise, ROAD_CALIBRATION, ROAD_SIZE } from '../test/fixtures/rules/synthetic-road.js';

/**
 * Rules cost per frame: 100 moving tracks through a calibrated camera with 20 rules of every kind.
 * Returns µs per frame (mean and p95 over the measured frames) and the state held at the end.
 */
const SIZE = { width: 1920, height: 1080 };

function camera() {
  const zone = (id: string, x0: number, y0: number, x1: number, y1: number) => ({ id, polygon: [[x0, y0], [x1, y0], [x1, y1], [x0, y1]] });
  const rules = [
    { id: 'rl', kind: 'red_light', stopLine: 'stop', direction: 'pos', signal: 'sig', exemptLanes: ['l3'] },
    { id: 'sl', kind: 'stop_line', stopLine: 'stop', direction: 'pos', signal: 'sig' },
    { id: 'ww', kind: 'wrong_way', lanes: ['l1', 'l2', 'l3', 'l4'] },
    { id: 'wl', kind: 'wrong_lane', lanes: ['l1', 'l2', 'l3', 'l4'] },
    { id: 'pe', kind: 'prohibited', zone: 'z1', classes: ['truck'], when: [{ from: '06:00', to: '09:00' }] },
    { id: 'pt', kind: 'prohibited', fromZone: 'z2', toZone: 'z3', classes: ['car', 'truck'] },
    { id: 'sp', kind: 'speeding' },
    { id: 'st', kind: 'speed_trap', firstLine: 'far', secondLine: 'stop', distanceM: 20 },
    { id: 'is', kind: 'illegal_stopping', zone: 'z4', maxStopMs: 30000 },
    { id: 'cg', kind: 'congestion', zone: 'z5' },
    { id: 'cw', kind: 'crowd', zone: 'z6', minPeople: 5 },
    { id: 'ac', kind: 'accident' },
    { id: 'rd', kind: 'riders' },
    ...['z1', 'z2', 'z3', 'z4', 'z5', 'z6', 'z7'].map((z) => ({ id: `d-${z}`, kind: 'zone_dwell', zone: z })),
  ];
  const cfg = configSchema.parse({
    version: 1,
    sites: [{ id: 's', name: 'S' }],
    cameras: [
      {
        id: 'bench',
        name: 'Bench',
        site: 's',
        kind: 'intersection',
        source: '/x.mp4',
        location: { lat: 16, lng: 108 },
        calibration: { points: [{ image: [0.4, 0.3], ground: [0, 50] }, { image: [0.6, 0.3], ground: [14, 50] }, { image: [0.95, 0.95], ground: [14, 0] }, { image: [0.05, 0.95], ground: [0, 0] }] },
        speedLimits: { default: 50 },
        lines: [{ id: 'stop', points: [[0.05, 0.7], [0.95, 0.7]] }, { id: 'far', points: [[0.2, 0.45], [0.8, 0.45]] }],
        zones: [zone('z1', 0.4, 0.4, 0.6, 0.6), zone('z2', 0, 0, 1, 0.3), zone('z3', 0.7, 0.3, 1, 1), zone('z4', 0, 0.8, 0.3, 1), zone('z5', 0, 0, 1, 1), zone('z6', 0.2, 0.2, 0.5, 0.5), zone('z7', 0.5, 0.5, 0.9, 0.9)],
        lanes: [0, 1, 2, 3].map((i) => ({ id: `l${i + 1}`, polygon: [[i * 0.25, 0], [(i + 1) * 0.25, 0], [(i + 1) * 0.25, 1], [i * 0.25, 1]], classes: i === 0 ? ['motorcycle'] : ['car', 'truck', 'bus', 'motorcycle'], direction: { vector: [0, i < 2 ? 1 : -1] } })),
        signals: [{ id: 'sig', source: 'feed' }],
        rules,
      },
    ],
  });
  return cfg.cameras[0]!;
}

function tracksAt(frame: number, n: number, t0: number, stepMs: number): Track[] {
  const out: Track[] = [];
  const classes = ['car', 'motorcycle', 'truck', 'bus', 'person'] as const;
  for (let i = 0; i < n; i++) {
    // Each track lives ~12 s, then a new id takes its slot: ids churn like a real street.
    const life = Math.floor((frame + i * 7) / 60);
    const age = (frame + i * 7) % 60;
    const x = ((i * 137) % 1800) + 60;
    const dir = i % 3 === 0 ? -1 : 1;
    const y = 540 + dir * (age * 8 - 240);
    const w = 40 + (i % 5) * 10;
    out.push({
      id: life * 1000 + i,
      box: { x1: x - w / 2, y1: y - w, x2: x + w / 2, y2: y },
      cls: classes[i % classes.length]!,
      score: 0.8,
      state: 'tracked',
      firstSeenMs: t0 + (frame - age) * stepMs,
      lastSeenMs: t0 + frame * stepMs,
      hits: age + 1,
      riders: i % 17 === 0 ? 3 : 1,
    });
  }
  return out;
}

export async function benchRules(frames = 1500): Promise<Record<string, number>> {
  const cam = camera();
  const engine = createRuleEngine(cam, 'Asia/Ho_Chi_Minh', { newId: () => 'x' });
  const t0 = Date.UTC(2026, 2, 2, 1, 0, 0);
  const stepMs = 200;
  const times: number[] = [];
  let events = 0;
  let prevIds = new Set<number>();
  for (let f = 0; f < frames; f++) {
    const tracks = tracksAt(f, 100, t0, stepMs);
    const ids = new Set(tracks.map((t) => t.id));
    const ended = [...prevIds].filter((id) => !ids.has(id));
    prevIds = ids;
    const meta = { index: f, ptsSec: (f * stepMs) / 1000, capturedAtMs: t0 + f * stepMs, size: SIZE, sourceSize: SIZE };
    const signals: SignalObservation[] = [{ signalId: 'sig', colour: Math.floor(f / 150) % 2 === 0 ? 'green' : 'red' }];
    const start = performance.now();
    events += engine.step(tracks, meta, ended, signals).length;
    if (f >= 100) times.push((performance.now() - start) * 1000);
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((s, v) => s + v, 0) / times.length;
  return {
    usPerFrameAt100TracksAnd20Rules: Math.round(mean),
    p95UsPerFrameAt100TracksAnd20Rules: Math.round(times[Math.floor(times.length * 0.95)]!),
    rules: cam.rules.length,
    tracksPerFrame: 100,
    frames,
    events,
    stateEntriesAtEnd: engine.size(),
  };
}

/**
 * Speed accuracy on the synthetic road (test/fixtures/rules/synthetic-road.ts): vehicles at 20–90 km/h
 * projected through a known homography at 5 frames/s with ±noisePx uniform pixel noise, estimated over
 * 1.5 s windows (Theil–Sen). Returns the mean and worst absolute error, km/h.
 */
export function benchSpeedAccuracy(noisePx = 1.5): Record<string, number> {
  const h = fitHomography(ROAD_CALIBRATION.points.map((p) => ({ image: norm(p.image[0], p.image[1]), ground: { x: p.ground[0], y: p.ground[1] } as never })));
  const rnd = noise(11);
  const errors: number[] = [];
  for (let speedKmh = 20; speedKmh <= 90; speedKmh += 5) {
    for (const laneX of [1.5, 3.5, 5.5]) {
      const samples: { tMs: number; x: number; y: number }[] = [];
      for (let t = 0; ; t += 200) {
        const y = 50 - ((speedKmh / 3.6) * t) / 1000;
        if (y < 0) break;
        const p = groundToPixel(laneX, y);
        const g = imageToGround(h, norm((p.x + rnd() * noisePx) / ROAD_SIZE.width, (p.y + rnd() * noisePx) / ROAD_SIZE.height));
        if (!g) continue;
        samples.push({ tMs: t, x: g.x, y: g.y });
        const w = samples.filter((s) => t - s.tMs <= 1500);
        if (w.length >= 6) errors.push(Math.abs(estimateSpeed(w)!.speedKmh - speedKmh));
      }
    }
  }
  const round = (v: number): number => Math.round(v * 100) / 100;
  return {
    speedErrorMeanKmh: round(errors.reduce((s, v) => s + v, 0) / errors.length),
    speedErrorMaxKmh: round(Math.max(...errors)),
    speedWindows: errors.length,
    noisePx,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  benchRules().then((r) => console.log(JSON.stringify({ ...r, ...benchSpeedAccuracy() })), (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
