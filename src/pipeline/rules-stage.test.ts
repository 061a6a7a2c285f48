import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import type { Frame } from '../core/frame.js';
import type { Track } from '../core/track.js';
import type { ViolationEvent } from '../core/violation.js';
import type { ReplayLine } from '../rules/replay.js';
import type { FrameResult } from './analysis.js';
import { isGatedFrame } from './replay.js';
import { createRulesStage } from './rules-stage.js';

const SIZE = { width: 64, height: 36 };
const SOURCE = { width: 640, height: 360 };
const parsed = parseConfig(`
version: 1
sites: [{ id: s, name: Site }]
cameras:
  - id: cam
    name: Camera
    site: s
    kind: intersection
    source: rtsp://x/y
    location: { lat: 16, lng: 108 }
    zones: [{ id: kerb, polygon: [[0, 0.5], [1, 0.5], [1, 1], [0, 1]] }]
    signals: [{ id: main, region: [[0, 0], [0.25, 0], [0.25, 0.25], [0, 0.25]] }]
    rules:
      - { id: no-stop, kind: illegal_stopping, zone: kerb, maxStopMs: 3000 }
`);
if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
const camera = parsed.config.cameras[0]!;

/** Frame k at 5 fps: grey, with the top lamp of the signal's head lit (a real pixel reading: top lamp = red). */
function frame(k: number): Frame {
  const rgb = new Uint8Array(SIZE.width * SIZE.height * 3).fill(60);
  for (let y = 0; y < 3; y++) for (let x = 2; x < 14; x++) rgb.set([230, 150, 40], (y * SIZE.width + x) * 3);
  return { index: k, ptsSec: k / 5, capturedAtMs: 1_000_000 + k * 200, size: SIZE, sourceSize: SOURCE, rgb };
}

const parked: Track = { id: 3, box: { x1: 300, y1: 250, x2: 360, y2: 300 }, cls: 'car', score: 0.8, state: 'tracked', firstSeenMs: 1_000_000, lastSeenMs: 1_000_000, hits: 1 };

describe('the rules stage', () => {
  it('keeps counting dwell on motion-gated frames, where the tracks are the last known ones', async () => {
    const lines: ReplayLine[] = [];
    const stage = createRulesStage({ camera, siteTz: 'Asia/Ho_Chi_Minh', record: (l) => void lines.push(l) });
    const violations: ViolationEvent[] = [];
    const tracks = [parked];
    for (let k = 0; k <= 25; k++) {
      // Only the first frame ran the detector; the scene did not move after it.
      const r: FrameResult = { frame: frame(k), detections: k === 0 ? [] : undefined, tracks, ended: [], events: [], motion: k === 0 };
      for (const e of await stage.step(r)) if (e.kind === 'violation') violations.push(e);
    }
    expect(violations.map((v) => [v.violation, v.trackId])).toEqual([['illegal_stopping', 3]]);
    expect(violations[0]!.atMs - 1_000_000).toBeGreaterThanOrEqual(3000);
    expect(violations[0]!.atMs - 1_000_000).toBeLessThanOrEqual(3400);
    // Every frame is recorded, with the colour read from its pixels; gated frames are recognisable.
    expect(lines).toHaveLength(26);
    expect(lines.every((l) => l.signals?.[0]?.colour === 'red')).toBe(true);
    expect(stage.engine.signals().get('main')?.colour).toBe('red');
    expect(isGatedFrame(lines[1]!, lines[0]!.tracks)).toBe(true);
    expect(isGatedFrame(lines[0]!, undefined)).toBe(false);
  });

  it('hands violations to the evidence stage when asked, and releases everything else', async () => {
    const held: ViolationEvent[] = [];
    const stage = createRulesStage({ camera, siteTz: 'Asia/Ho_Chi_Minh', holdViolation: (v) => (held.push(v), true) });
    const out = [];
    for (let k = 0; k <= 25; k++) out.push(...(await stage.step({ frame: frame(k), detections: [], tracks: [parked], ended: [], events: [], motion: true })));
    expect(held.map((v) => v.violation)).toEqual(['illegal_stopping']);
    expect(out.filter((e) => e.kind === 'violation')).toEqual([]);
  });
});
