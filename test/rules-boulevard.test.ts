import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import type { Track } from '../src/core/track.js';
import { createRuleEngine } from '../src/rules/engine.js';
import type { ReplayLine } from '../src/rules/replay.js';
import { replayRules } from '../src/rules/replay.js';

/**
 * The boulevard lane configuration against the hand-read positions of the clip (test/fixtures/rules/
 * boulevard-wrong-way.json). The detector/tracker run on the real clip is the pipeline's test; this checks
 * that the lane geometry and thresholds turn the hand track into exactly one event at the right time, and
 * the same motion in the lane direction into none.
 */
interface Point {
  tSec: number;
  x: number;
  y: number;
}
const truth = JSON.parse(readFileSync('test/fixtures/rules/boulevard-wrong-way.json', 'utf8')) as {
  size: { width: number; height: number };
  wrongWay: { track: Point[]; expectEventBetweenSec: [number, number] }[];
};
const parsed = parseConfig(readFileSync('test/fixtures/rules/boulevard.yaml', 'utf8'));
if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
const camera = parsed.config.cameras[0]!;

function at(track: Point[], tSec: number): Point | undefined {
  for (let i = 0; i + 1 < track.length; i++) {
    const a = track[i]!;
    const b = track[i + 1]!;
    if (tSec >= a.tSec && tSec <= b.tSec) {
      const f = (tSec - a.tSec) / (b.tSec - a.tSec);
      return { tSec, x: a.x + (b.x - a.x) * f, y: a.y + (b.y - a.y) * f };
    }
  }
  return undefined;
}

/** Frames at 5 fps with one 30×50 px box centred on the track (± 3 px of deterministic wobble). */
function frames(track: Point[], id: number): ReplayLine[] {
  const out: ReplayLine[] = [];
  let seen = false;
  for (let k = 0; k <= 38; k++) {
    const tSec = k * 0.2;
    const p = at(track, tSec);
    const tracks: Track[] = [];
    const ended: number[] = [];
    if (p) {
      seen = true;
      const w = ((k * 5) % 7) - 3;
      tracks.push({ id, box: { x1: p.x - 15 + w, y1: p.y - 25, x2: p.x + 15 + w, y2: p.y + 25 + w }, cls: 'bicycle', score: 0.6, state: 'tracked', firstSeenMs: 0, lastSeenMs: tSec * 1000, hits: k });
    } else if (seen) {
      ended.push(id);
      seen = false;
    }
    out.push({ meta: { index: k, ptsSec: tSec, capturedAtMs: tSec * 1000, size: truth.size, sourceSize: truth.size }, tracks, ended });
  }
  return out;
}

describe('boulevard clip lane configuration', () => {
  it('turns the hand-read wrong-way cyclist into one wrong-way event inside the expected window', async () => {
    const ww = truth.wrongWay[0]!;
    const events = await replayRules(frames(ww.track, 1), createRuleEngine(camera, 'Asia/Ho_Chi_Minh'));
    expect(events).toHaveLength(1);
    const e = events[0]!;
    expect(e.kind === 'violation' && e.violation).toBe('wrong_way');
    expect(e.ptsSec).toBeGreaterThanOrEqual(ww.expectEventBetweenSec[0]);
    expect(e.ptsSec).toBeLessThanOrEqual(ww.expectEventBetweenSec[1]);
  });

  it('reports nothing for the same path ridden in the lane direction', async () => {
    const ww = truth.wrongWay[0]!;
    const end = ww.track.at(-1)!.tSec;
    const reversed = ww.track.map((p) => ({ ...p, tSec: end - p.tSec + ww.track[0]!.tSec })).reverse();
    expect(await replayRules(frames(reversed, 2), createRuleEngine(camera, 'Asia/Ho_Chi_Minh'))).toEqual([]);
  });
});
