import { describe, expect, it } from 'vitest';
import { cameraOf, counterIds, linear, scenario, T0, waypoints, type Mover } from '../../test/fixtures/rules/scenario.js';
import { createRuleEngine } from './engine.js';
import { replayRules } from './replay.js';

// Left half: traffic goes down (vector). Right half: traffic goes up (entry→exit points).
const lanes = [
  { id: 'down', polygon: [[0, 0], [0.5, 0], [0.5, 1], [0, 1]], direction: { vector: [0, 1] } },
  { id: 'up', polygon: [[0.5, 0], [1, 0], [1, 1], [0.5, 1]], direction: { from: [0.75, 0.9], to: [0.75, 0.1] } },
];
// Uniform calibration: 1000 px = 50 m (20 px per metre), ground y grows up the picture.
const calibration = { points: [{ image: [0, 0], ground: [0, 50] }, { image: [1, 0], ground: [50, 50] }, { image: [1, 1], ground: [50, 0] }, { image: [0, 1], ground: [0, 0] }] };

const jitter = (t: number) => ({ x: 250, y: 500 + (Math.floor(t / 200) % 2 === 0 ? 10 : -10) });

const movers: Mover[] = [
  { id: 1, cls: 'car', at: linear({ x: 100, y: 100 }, { x: 100, y: 900 }, 0, 8000) }, // with the lane
  { id: 2, cls: 'motorcycle', at: linear({ x: 300, y: 800 }, { x: 300, y: 400 }, 0, 4000) }, // against: 20 px/frame
  { id: 3, cls: 'car', at: (t) => (t <= 6000 ? jitter(t) : undefined) }, // stationary with ±10 px jitter
  { id: 4, cls: 'car', at: waypoints([[0, 400, 200], [2000, 400, 600], [5000, 400, 300]]) }, // U-turn at 2 s
  { id: 5, cls: 'car', at: linear({ x: 750, y: 900 }, { x: 750, y: 100 }, 0, 8000) }, // up lane, going up: fine
  { id: 6, cls: 'car', at: linear({ x: 200, y: 800 }, { x: 200, y: 740 }, 0, 600) }, // against 60 px, then lost
];

const run = async (extra: Record<string, unknown>, rule: Record<string, unknown>) => {
  const engine = createRuleEngine(cameraOf({ lanes, ...extra, rules: [{ id: 'ww', kind: 'wrong_way', lanes: ['down', 'up'], ...rule }] }), 'Asia/Ho_Chi_Minh', { newId: counterIds() });
  const events = await replayRules(scenario(movers, 10000), engine);
  return { engine, events: events.map((e) => (e.kind === 'violation' ? [e.trackId, e.laneId, e.atMs - T0, e.measurements] : e.kind)) };
};

describe('wrong way', () => {
  it('reports travel against the lane over the minimum pixel distance, including a U-turn, once each', async () => {
    const { events, engine } = await run({}, { minDistancePx: 80 });
    expect(events).toEqual([
      [2, 'down', 800, { distancePx: 80 }],
      [4, 'down', 2800, { distancePx: 80 }],
    ]);
    expect(engine.size()).toBe(0); // every track ended: nothing held
  });

  it('measures in metres on the ground when the camera is calibrated', async () => {
    const { events } = await run({ calibration }, { minDistanceM: 8 });
    expect(events).toEqual([
      [2, 'down', 1600, { distanceM: 8 }],
      [4, 'down', 3600, { distanceM: 8 }],
    ]);
  });

  it('never accumulates jitter or short reversals', async () => {
    const { events } = await run({}, { minDistancePx: 70 });
    expect(events.map((e) => (e as unknown[])[0])).toEqual([2, 4]);
  });

  it('counts the way a track came before its class settled on a vehicle, and never reports it as a person', async () => {
    const movers: Mover[] = [
      // A small rider against the down lane, voted a person for its first 2 s (100 px), then a bicycle.
      { id: 10, cls: 'bicycle', clsAt: (t) => (t < 2000 ? 'person' : 'bicycle'), at: linear({ x: 300, y: 800 }, { x: 300, y: 600 }, 0, 4000) },
      // A pedestrian walking the same way for 200 px: not a vehicle, never reported.
      { id: 11, cls: 'person', at: linear({ x: 100, y: 800 }, { x: 100, y: 600 }, 0, 4000) },
    ];
    const engine = createRuleEngine(
      cameraOf({ lanes, rules: [{ id: 'ww', kind: 'wrong_way', lanes: ['down'], minDistancePx: 120 }] }),
      'Asia/Ho_Chi_Minh',
      { newId: counterIds() },
    );
    const events = await replayRules(scenario(movers, 6000), engine);
    // 120 px against the lane from its first sighting: at 2.4 s (it was a person until 2 s). Before, the way it came
    // as a person was not counted and it reached only 100 px as a bicycle.
    expect(events.map((e) => (e.kind === 'violation' ? [e.trackId, e.cls, e.atMs - T0] : e.kind))).toEqual([[10, 'bicycle', 2400]]);
  });

  it('does not report a vehicle twice when its track breaks and comes back under a new id', async () => {
    const broken: Mover[] = [
      // One vehicle against the down lane; its track breaks at 2 s and resumes as id 8 from the same spot.
      { id: 7, cls: 'motorcycle', at: linear({ x: 300, y: 900 }, { x: 300, y: 600 }, 0, 2000) },
      { id: 8, cls: 'motorcycle', at: linear({ x: 300, y: 590 }, { x: 300, y: 200 }, 2200, 5000) },
      // Another vehicle against the lane far away at the same time: reported.
      { id: 9, cls: 'car', at: linear({ x: 60, y: 300 }, { x: 60, y: 100 }, 2200, 4000) },
    ];
    const engine = createRuleEngine(
      cameraOf({ lanes, rules: [{ id: 'ww', kind: 'wrong_way', lanes: ['down'], minDistancePx: 80 }] }),
      'Asia/Ho_Chi_Minh',
      { newId: counterIds() },
    );
    const events = await replayRules(scenario(broken, 10000), engine);
    expect(events.map((e) => (e.kind === 'violation' ? e.trackId : e.kind))).toEqual([7, 9]);
    expect(engine.size()).toBe(0);
  });
});
