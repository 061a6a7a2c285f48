import { describe, expect, it } from 'vitest';
import { box } from '../core/box.js';
import type { ObjectClass } from '../core/classes.js';
import type { FrameMeta } from '../core/frame.js';
import { px } from '../core/geometry.js';
import type { Track, TrackId } from '../core/track.js';
import {
  counts,
  countLineFromConfig,
  lineCounterInit,
  lineCounterStep,
  lineCounterTrackCount,
  type CountLine,
  type LineCounterState,
} from './line-counter.js';

const T0 = Date.UTC(2026, 0, 1, 8, 0, 0);
const SIZE = { width: 1920, height: 1080 };
const meta = (atMs: number): FrameMeta => ({ index: 0, ptsSec: (atMs - T0) / 1000, capturedAtMs: atMs, size: SIZE, sourceSize: SIZE });

/** Horizontal L1 from (100,500) to (900,500): `pos` is below it (y > 500, image coordinates). */
const L1: CountLine = { id: 'L1', a: px(100, 500), b: px(900, 500) };
/** Vertical L2 from (1200,100) down to (1200,900): `pos` is left of it (x < 1200). */
const L2: CountLine = { id: 'L2', a: px(1200, 100), b: px(1200, 900) };

/** A track whose anchor (bottom-centre) is at (x, y). */
const track = (id: TrackId, x: number, y: number, cls: ObjectClass = 'car'): Track => ({
  id,
  box: box(x - 20, y - 40, x + 20, y),
  cls,
  score: 0.9,
  state: 'tracked',
  firstSeenMs: T0,
  lastSeenMs: T0,
  hits: 3,
});

interface Frame {
  readonly dtMs: number;
  readonly tracks: readonly Track[];
  readonly ended?: readonly TrackId[];
}
/** One track's anchor path, one update every `stepMs`. */
const path = (id: TrackId, pts: readonly (readonly [number, number])[], stepMs = 100, cls: ObjectClass = 'car'): Frame[] =>
  pts.map(([x, y], i) => ({ dtMs: Math.round(i * stepMs), tracks: [track(id, x, y, cls)] }));
const ys = (x: number, values: readonly number[]): [number, number][] => values.map((y) => [x, y]);

interface Expected {
  readonly lineId: string;
  readonly trackId: TrackId;
  readonly cls: ObjectClass;
  readonly direction: 'pos' | 'neg';
  readonly dtMs: number;
}

function run(frames: readonly Frame[], lines: readonly CountLine[] = [L1, L2]): { events: Expected[]; state: LineCounterState } {
  let state = lineCounterInit(lines, { cameraId: 'cam-1' });
  const events: Expected[] = [];
  for (const f of frames) {
    const out = lineCounterStep(state, f.tracks, meta(T0 + f.dtMs), f.ended ?? []);
    state = out.state;
    for (const e of out.events) {
      expect(e.kind).toBe('line.cross');
      expect(e.cameraId).toBe('cam-1');
      expect(e.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
      expect(e.ptsSec).toBeCloseTo((e.atMs - T0) / 1000, 9);
      expect(e.box).toEqual(f.tracks.find((t) => t.id === e.trackId)!.box);
      events.push({ lineId: e.lineId, trackId: e.trackId, cls: e.cls, direction: e.direction, dtMs: e.atMs - T0 });
    }
  }
  return { events, state };
}

const cases: readonly { name: string; frames: Frame[]; expected: Expected[] }[] = [
  {
    name: 'counts a track crossing downwards as pos, on the second update beyond the margin',
    frames: path(1, ys(500, [480, 490, 498, 506, 512, 520])),
    expected: [{ lineId: 'L1', trackId: 1, cls: 'car', direction: 'pos', dtMs: 400 }],
  },
  {
    name: 'counts a track crossing upwards as neg',
    frames: path(2, ys(300, [530, 515, 495, 490, 470])),
    expected: [{ lineId: 'L1', trackId: 2, cls: 'car', direction: 'neg', dtMs: 300 }],
  },
  {
    name: 'counts a left-to-right crossing of a vertical line as neg (pos ends where cross(B−A, P−A) > 0)',
    frames: path(3, [[1150, 400], [1190, 400], [1210, 400], [1250, 400]]),
    expected: [{ lineId: 'L2', trackId: 3, cls: 'car', direction: 'neg', dtMs: 300 }],
  },
  {
    name: 'does not count a track first seen already past the line',
    frames: path(4, ys(500, [520, 530, 545, 560])),
    expected: [],
  },
  {
    name: 'does not count a track first seen on the line that then moves away',
    frames: path(5, ys(500, [499, 502, 510, 520, 530])),
    expected: [],
  },
  {
    name: 'does not count single-update excursions of a track jittering on the line',
    frames: path(6, ys(500, [490, 506, 494, 507, 493, 506, 495, 508, 492])),
    expected: [],
  },
  {
    name: 'counts a jittering track at most once even when it dwells on both sides',
    frames: path(7, ys(500, [490, 506, 508, 494, 490, 507, 509, 492, 490, 510, 511])),
    expected: [{ lineId: 'L1', trackId: 7, cls: 'car', direction: 'pos', dtMs: 200 }],
  },
  {
    name: 'restarts the confirmation when the anchor falls back into the dead band',
    frames: path(8, ys(500, [490, 506, 502, 506, 508])),
    expected: [{ lineId: 'L1', trackId: 8, cls: 'car', direction: 'pos', dtMs: 400 }],
  },
  {
    name: 'counts once a track lost mid-crossing and re-found with the same id',
    frames: [
      ...path(9, ys(400, [470, 485, 497])),
      { dtMs: 300, tracks: [] },
      { dtMs: 800, tracks: [] },
      { dtMs: 1300, tracks: [track(9, 420, 540)] },
      { dtMs: 1400, tracks: [track(9, 425, 550)] },
      { dtMs: 1500, tracks: [track(9, 430, 560)] },
    ],
    expected: [{ lineId: 'L1', trackId: 9, cls: 'car', direction: 'pos', dtMs: 1400 }],
  },
  {
    name: 'does not count a U-turn back across the same line a second time',
    frames: path(10, ys(600, [480, 495, 510, 520, 510, 495, 480, 470, 490, 515, 525])),
    expected: [{ lineId: 'L1', trackId: 10, cls: 'car', direction: 'pos', dtMs: 300 }],
  },
  {
    name: 'requires 100 ms beyond the line at a fast update rate (30 fps: four updates)',
    frames: path(11, ys(500, [490, 495, 506, 507, 508, 509, 510]), 1000 / 30),
    expected: [{ lineId: 'L1', trackId: 11, cls: 'car', direction: 'pos', dtMs: 167 }],
  },
  {
    name: 'does not count a crossing beyond the end of the segment',
    frames: path(12, ys(1000, [480, 490, 510, 520])),
    expected: [],
  },
  {
    name: 'counts a crossing just past the end within the tolerance',
    frames: path(13, ys(910, [480, 490, 510, 520])),
    expected: [{ lineId: 'L1', trackId: 13, cls: 'car', direction: 'pos', dtMs: 300 }],
  },
  {
    name: 'judges the extent at the interpolated crossing point, not at the end point',
    frames: path(14, [[1000, 470], [860, 530], [850, 540]]),
    expected: [],
  },
  {
    name: 'counts with the class the track has at the moment of counting',
    frames: [...path(15, ys(700, [480, 490]), 100, 'motorcycle'), ...path(15, ys(700, [510, 520, 530]), 100, 'car').map((f) => ({ ...f, dtMs: f.dtMs + 200 }))],
    expected: [{ lineId: 'L1', trackId: 15, cls: 'car', direction: 'pos', dtMs: 300 }],
  },
  {
    name: 'counts each line once for a track crossing two lines',
    frames: path(16, [[1300, 440], [1230, 450], [1170, 460], [1100, 470], [800, 480], [700, 490], [650, 510], [620, 520], [600, 530]]),
    expected: [
      { lineId: 'L2', trackId: 16, cls: 'car', direction: 'pos', dtMs: 300 },
      { lineId: 'L1', trackId: 16, cls: 'car', direction: 'pos', dtMs: 700 },
    ],
  },
  {
    name: 'forgets an ended track: the same id seen again past the line does not count',
    frames: [
      ...path(17, ys(500, [480, 490, 497])),
      { dtMs: 300, tracks: [], ended: [17] },
      ...path(17, ys(500, [520, 530])).map((f) => ({ ...f, dtMs: f.dtMs + 400 })),
    ],
    expected: [],
  },
];

describe('line counter', () => {
  it.each(cases)('$name', ({ frames, expected }) => {
    expect(run(frames).events).toEqual(expected);
  });

  it('counts several tracks and classes in the summary', () => {
    const frames: Frame[] = [0, 100, 200, 300, 400, 500].map((dtMs, i) => ({
      dtMs,
      tracks: [
        track(1, 200, 480 + i * 10),
        track(2, 300, 480 + i * 10, 'motorcycle'),
        track(3, 400, 530 - i * 10, 'motorcycle'),
        track(4, 1150 + i * 30, 300, 'truck'),
      ],
    }));
    const { events, state } = run(frames);
    expect(events.map((e) => `${e.lineId}:${e.trackId}:${e.direction}`).sort()).toEqual(['L1:1:pos', 'L1:2:pos', 'L1:3:neg', 'L2:4:neg']);
    expect(counts(state)).toEqual({
      L1: { car: { pos: 1, neg: 0 }, motorcycle: { pos: 1, neg: 1 } },
      L2: { truck: { pos: 0, neg: 1 } },
    });
  });

  it('returns a new state and leaves the previous one untouched', () => {
    const s0 = lineCounterInit([L1]);
    const s1 = lineCounterStep(s0, [track(1, 500, 480)], meta(T0), []).state;
    const s2 = lineCounterStep(s1, [track(1, 500, 510)], meta(T0 + 100), []).state;
    const a = lineCounterStep(s2, [track(1, 500, 520)], meta(T0 + 200), []);
    const b = lineCounterStep(s2, [track(1, 500, 520)], meta(T0 + 200), []);
    expect(a.events).toHaveLength(1);
    expect(b.events).toHaveLength(1);
    expect(counts(s2)).toEqual({ L1: {} });
    expect(counts(a.state)).toEqual({ L1: { car: { pos: 1, neg: 0 } } });
    expect(lineCounterTrackCount(s0)).toBe(0);
  });

  it('evicts per-track state for ended tracks so memory stays flat', () => {
    let state = lineCounterInit([L1, L2]);
    let total = 0;
    for (let id = 1; id <= 2000; id++) {
      for (const [i, y] of [480, 490, 510, 520].entries()) {
        const out = lineCounterStep(state, [track(id, 500, y)], meta(T0 + id * 1000 + i * 100), i === 0 && id > 1 ? [id - 1] : []);
        state = out.state;
        total += out.events.length;
      }
      expect(lineCounterTrackCount(state)).toBe(1);
    }
    expect(total).toBe(2000);
    expect(counts(state)).toEqual({ L1: { car: { pos: 2000, neg: 0 } }, L2: {} });
  });

  it('builds source-pixel lines from the normalised config', () => {
    const l = countLineFromConfig({ id: 'L1', points: [[0.1, 0.5], [0.9, 0.5]] }, { width: 1000, height: 800 });
    expect(l).toEqual({ id: 'L1', a: { x: 100, y: 400 }, b: { x: 900, y: 400 } });
  });

  it('accepts lines given as x1,y1,x2,y2 and counts them the same way', () => {
    const state = lineCounterInit([{ id: 'L1', x1: 100, y1: 500, x2: 900, y2: 500 }]);
    expect(state.lines).toEqual([L1]);
  });

  it('drops the state of a track never reported as ended after staleTrackMs', () => {
    let state = lineCounterInit([L1], { staleTrackMs: 10_000 });
    state = lineCounterStep(state, [track(1, 500, 480)], meta(T0), []).state;
    state = lineCounterStep(state, [track(2, 500, 480)], meta(T0 + 9_000), []).state;
    expect(lineCounterTrackCount(state)).toBe(2);
    state = lineCounterStep(state, [], meta(T0 + 10_001), []).state;
    expect(lineCounterTrackCount(state)).toBe(1);
  });

  it('rejects duplicate ids and zero-length lines', () => {
    expect(() => lineCounterInit([L1, L1])).toThrow(/duplicate line id/);
    expect(() => lineCounterInit([{ id: 'L3', a: px(1, 1), b: px(1, 1) }])).toThrow(/zero length/);
  });
});
