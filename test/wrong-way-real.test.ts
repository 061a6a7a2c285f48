/**
 * Wrong-way detection on real footage through the REAL pipeline (the built `argus analyze`: detector, tracker,
 * rules, evidence) on the Vietnamese boulevard clip with test/fixtures/rules/boulevard.yaml, checked against
 * the hand-read path of the one vehicle riding against the lane (test/fixtures/rules/boulevard-wrong-way.json).
 * The evidence written for those violations must verify, and fail once one byte of a still changes.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ViolationEvent } from '../src/core/violation.js';
import { runArgus, readJsonl } from './argus-cli.js';
import { REPO_ROOT, video } from './assets.js';

const CONFIG = join(REPO_ROOT, 'test/fixtures/rules/boulevard.yaml');

interface Point {
  tSec: number;
  x: number;
  y: number;
}
const truth = JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/rules/boulevard-wrong-way.json'), 'utf8')) as {
  wrongWay: { firstSeenSec: number; lastSeenSec: number; track: Point[] }[];
};
const rider = truth.wrongWay[0]!;

/** The hand-read position at `tSec` (linear between the read points). */
function handAt(tSec: number): Point | undefined {
  const t = rider.track;
  for (let i = 0; i + 1 < t.length; i++) {
    const a = t[i]!;
    const b = t[i + 1]!;
    if (tSec >= a.tSec && tSec <= b.tSec) {
      const f = (tSec - a.tSec) / (b.tSec - a.tSec);
      return { tSec, x: a.x + (b.x - a.x) * f, y: a.y + (b.y - a.y) * f };
    }
  }
  return undefined;
}


let dir = '';
let violations: ViolationEvent[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'argus-wrong-way-'));
  const r = await runArgus([
    'analyze', video('vn_street_cctv_wrong_way_nguoc_chieu.mp4'), '--config', CONFIG, '--camera', 'boulevard',
    '--events', join(dir, 'events.jsonl'), '--evidence', join(dir, 'evidence'), '--record-tracks', join(dir, 'tracks.jsonl'), '--summary',
  ]);
  expect(r.code, r.stderr).toBe(0);
  violations = (await readJsonl<{ kind: string }>(join(dir, 'events.jsonl'))).filter((e): e is ViolationEvent => e.kind === 'violation');
}, 320_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('wrong way on the boulevard clip, real detector and tracker', () => {
  it('reports the cyclist riding against the lane', () => {
    expect(violations.filter((v) => v.violation === 'wrong_way').length).toBe(1);
  });

  it('reports nothing but that cyclist: every event is on its hand-read path at that moment', () => {
    const margin = 30;
    for (const v of violations) {
      expect(v.violation).toBe('wrong_way');
      expect(v.laneId).toBe('near-carriageway');
      expect(v.ptsSec).toBeGreaterThanOrEqual(rider.firstSeenSec);
      expect(v.ptsSec).toBeLessThanOrEqual(rider.lastSeenSec);
      const p = handAt(v.ptsSec)!;
      const where = `event at ${v.ptsSec.toFixed(2)} s box ${JSON.stringify(v.box)} vs hand ${Math.round(p.x)},${Math.round(p.y)}`;
      expect(p.x >= v.box.x1 - margin && p.x <= v.box.x2 + margin, where).toBe(true);
      expect(p.y >= v.box.y1 - margin && p.y <= v.box.y2 + margin, where).toBe(true);
    }
  });

  it('gives the same violations when the recorded tracks are replayed without video', async () => {
    const r = await runArgus(['analyze', '--replay', join(dir, 'tracks.jsonl'), '--config', CONFIG, '--camera', 'boulevard', '--events', join(dir, 'replayed.jsonl')]);
    expect(r.code, r.stderr).toBe(0);
    const replayed = (await readJsonl<{ kind: string }>(join(dir, 'replayed.jsonl'))).filter((e): e is ViolationEvent => e.kind === 'violation');
    const key = (v: ViolationEvent): string => `${v.violation} ${v.trackId} ${v.ptsSec.toFixed(3)}`;
    expect(replayed.map(key)).toEqual(violations.map(key));
  });
});

describe('evidence of those violations', () => {
  it('is referenced by every violation event and holds the stills, the clip and the metadata', async () => {
    for (const v of violations) {
      expect(v.evidence?.uri).toBe(join(dir, 'evidence', v.id));
      expect(v.evidence?.manifestSha256).toMatch(/^[0-9a-f]{64}$/);
      const meta = JSON.parse(await readFile(join(v.evidence!.uri, 'metadata.json'), 'utf8')) as {
        rule: { id: string };
        clip: { durationSec: number };
        versions: { calibration: string; models: Record<string, string> };
        camera: { id: string };
      };
      expect(meta.rule.id).toBe('wrong-way');
      expect(meta.camera.id).toBe('boulevard');
      expect(meta.clip.durationSec).toBeGreaterThanOrEqual(5);
      expect(meta.versions.calibration).toMatch(/^boulevard@[0-9a-f]{12}$/);
      expect(meta.versions.models.detector).toBe('yolox_nano_416_coco');
    }
  });

  it('verifies with `argus evidence verify`, and fails once one byte of a still is changed', async () => {
    const root = join(dir, 'evidence');
    const ok = await runArgus(['evidence', 'verify', root]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    const v = violations[0]!;
    const still = join(v.evidence!.uri, '2-moment.jpg');
    const bytes = await readFile(still);
    const i = Math.floor(bytes.length / 2);
    bytes[i] = bytes[i]! ^ 0x01;
    await writeFile(still, bytes);
    const bad = await runArgus(['evidence', 'verify', root]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`${v.id}/2-moment.jpg: modified`);
  });
});
