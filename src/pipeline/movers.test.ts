import { describe, expect, it } from 'vitest';
import type { Track } from '../core/track.js';
import { moversInit, moversStep, type MoverState } from './movers.js';

const track = (id: number, cx: number, cy: number, h = 150): Track => ({
  id,
  box: { x1: cx - 30, y1: cy - h / 2, x2: cx + 30, y2: cy + h / 2 },
  cls: 'motorcycle',
  score: 0.6,
  state: 'tracked',
  firstSeenMs: 0,
  lastSeenMs: 0,
  hits: 1,
});

/** Feed positions at 15 fps; return whether each frame said "moving". */
function run(pos: (k: number) => { x: number; y: number }, frames = 45): boolean[] {
  let s: MoverState = moversInit();
  const out: boolean[] = [];
  for (let k = 0; k < frames; k++) {
    const p = pos(k);
    const r = moversStep(s, [track(1, p.x, p.y)], [], k / 15);
    s = r.state;
    out.push(r.moving);
  }
  return out;
}

describe('moving tracks', () => {
  it('a waiting vehicle whose box jitters by ±3 px is not moving', () => {
    expect(run((k) => ({ x: 740 + ((k * 7) % 7) - 3, y: 345 + ((k * 5) % 7) - 3 })).some(Boolean)).toBe(false);
  });

  it('a rider creeping at 40 px/s (a quarter of its height a second) is moving once the window spans it', () => {
    const m = run((k) => ({ x: 260, y: 500 - (40 * k) / 15 }));
    expect(m.slice(0, 6).some(Boolean)).toBe(false);
    expect(m.slice(15).every(Boolean)).toBe(true);
  });

  it('forgets ended tracks and samples older than the window', () => {
    let s = moversInit();
    s = moversStep(s, [track(1, 0, 0), track(2, 100, 100)], [], 0).state;
    s = moversStep(s, [track(1, 0, 0), track(2, 100, 100)], [2], 0.1).state;
    expect([...s.samples.keys()]).toEqual([1]);
    s = moversStep(s, [track(1, 0, 0)], [], 5).state;
    expect(s.samples.get(1)).toHaveLength(1);
  });
});
