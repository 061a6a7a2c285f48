import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import type { Frame } from '../core/frame.js';
import type { Track } from '../core/track.js';
import type { ViolationEvent } from '../core/violation.js';
import { probeDurationSec } from '../evidence/clip.js';
import { loadOrCreateKeyPair } from '../evidence/keys.js';
import { verifyEvidenceTree } from '../evidence/verify.js';
import type { FrameResult } from './analysis.js';
import { createEvidenceStage, type EvidenceStageOptions } from './evidence-stage.js';

const SIZE = { width: 160, height: 90 };
const SOURCE = { width: 640, height: 360 };
const T0 = Date.UTC(2026, 10, 21, 1, 0, 0);
const parsed = parseConfig(`
version: 1
sites: [{ id: s, name: Site }]
cameras:
  - { id: cam, name: Camera, site: s, kind: overview, source: rtsp://x/y, location: { lat: 16, lng: 108 },
      lanes: [{ id: l1, polygon: [[0, 0], [1, 0], [1, 1], [0, 1]], direction: { vector: [1, 0] } }] }
`);
if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
const camera = parsed.config.cameras[0]!;

/** A moving bright square on a grey road: the car of track 7, in source pixels at 4× the frame. */
function result(k: number, fps = 10): FrameResult {
  const rgb = new Uint8Array(SIZE.width * SIZE.height * 3).fill(90);
  const x = 10 + k;
  for (let y = 40; y < 55; y++) for (let dx = 0; dx < 20; dx++) rgb.fill(220, ((y * SIZE.width) + x + dx) * 3, ((y * SIZE.width) + x + dx) * 3 + 3);
  const frame: Frame = { index: k, ptsSec: k / fps, capturedAtMs: T0 + (k * 1000) / fps, size: SIZE, sourceSize: SOURCE, rgb };
  const box = { x1: x * 4, y1: 160, x2: (x + 20) * 4, y2: 220 };
  const track: Track = { id: 7, box, cls: 'car', score: 0.9, state: 'tracked', firstSeenMs: T0, lastSeenMs: frame.capturedAtMs, hits: k + 1 };
  return { frame, detections: [], tracks: [track], ended: [], events: [], motion: true };
}

const violation = (k: number, id: string, fps = 10): ViolationEvent => {
  const r = result(k, fps);
  return {
    id,
    kind: 'violation',
    violation: 'wrong_way',
    cameraId: 'cam',
    atMs: r.frame.capturedAtMs,
    ptsSec: r.frame.ptsSec,
    ruleId: 'ww',
    ruleKind: 'wrong_way',
    trackId: 7,
    cls: 'car',
    box: r.tracks[0]!.box,
    laneId: 'l1',
    measurements: { distancePx: 80 },
    params: { minDistancePx: 60 },
  };
};

let dir = '';
let options: EvidenceStageOptions;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'argus-evidence-stage-'));
  const keys = await loadOrCreateKeyPair(join(dir, 'keys'));
  options = { dir: join(dir, 'evidence'), camera, signer: { privateKey: keys.privateKey, keyId: keys.keyId } };
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the evidence stage', () => {
  it('holds a violation until its frames have arrived, then releases it with a verifiable evidence set', async () => {
    const stage = createEvidenceStage(options);
    const released: ViolationEvent[] = [];
    for (let k = 0; k < 60; k++) {
      if (k === 30) expect(stage.hold(violation(30, 'V30'))).toBe(true);
      for (const e of await stage.step(result(k))) released.push(e as ViolationEvent);
      // Live source: nothing can be written before 2.5 s (the clip's end) after the moment.
      if (k < 55) expect(released).toEqual([]);
    }
    released.push(...((await stage.finish()) as ViolationEvent[]));
    expect(released).toHaveLength(1);
    const v = released[0]!;
    expect(v.evidence?.uri).toBe(join(dir, 'evidence', 'V30'));
    expect(v.evidence?.manifestSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await verifyEvidenceTree(join(dir, 'evidence'))).toMatchObject({ ok: true });
    expect(await probeDurationSec(join(v.evidence!.uri, 'clip.mp4'))).toBeGreaterThanOrEqual(5);
    expect(stage.stats()).toMatchObject({ written: 1, dropped: 0, failed: 0, pending: 0 });
    expect(stage.stats().ringFrames).toBeLessThanOrEqual(61);
  }, 60_000);

  it('drops evidence (not frames) on a live source when too many violations are pending, and says so', async () => {
    const problems: string[] = [];
    const stage = createEvidenceStage({ ...options, maxPending: 1, onProblem: (v, p) => problems.push(`${v.id}: ${p}`) });
    expect(stage.hold(violation(5, 'A'))).toBe(true);
    expect(stage.hold(violation(6, 'B'))).toBe(true);
    const first = await stage.step(result(0));
    expect(first.map((e) => e.id)).toEqual(['B']);
    expect((first[0] as ViolationEvent).evidence).toBeUndefined();
    expect(problems).toEqual([expect.stringMatching(/^B: evidence dropped/)]);
    expect(stage.stats()).toMatchObject({ dropped: 1, pending: 1 });
  });

  it('writes what is still waiting at the end of the stream with the frames there are', async () => {
    const stage = createEvidenceStage(options);
    for (let k = 0; k < 12; k++) {
      if (k === 10) stage.hold(violation(10, 'LATE'));
      expect(await stage.step(result(k))).toEqual([]);
    }
    const out = (await stage.finish()) as ViolationEvent[];
    expect(out.map((e) => e.id)).toEqual(['LATE']);
    expect(out[0]!.evidence).toBeDefined();
    expect(await readdir(join(dir, 'evidence'))).toEqual(['LATE']);
  }, 60_000);
});
