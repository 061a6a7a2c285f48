import { describe, expect, it } from 'vitest';
import type { RuleEvent } from '../core/violation.js';
import { cameraOf, counterIds, linear, scenario, T0, waypoints, type Mover } from '../../test/fixtures/rules/scenario.js';
import { createRuleEngine } from './engine.js';
import { replayRules } from './replay.js';

const lanes = [
  { id: 'moto', polygon: [[0, 0], [0.3, 0], [0.3, 1], [0, 1]], classes: ['motorcycle', 'bicycle'], direction: { vector: [0, 1] } },
  { id: 'main', polygon: [[0.3, 0], [1, 0], [1, 1], [0.3, 1]], direction: { vector: [0, 1] } },
];

async function run(rule: Record<string, unknown>, movers: Mover[], durationMs: number, stepMs = 200): Promise<{ events: RuleEvent[]; size: number }> {
  const engine = createRuleEngine(cameraOf({ lanes, rules: [rule] }), 'Asia/Ho_Chi_Minh', { newId: counterIds() });
  const events = await replayRules(scenario(movers, durationMs, stepMs), engine);
  return { events, size: engine.size() };
}

const brief = (events: RuleEvent[]) => events.map((e) => (e.kind === 'violation' ? [e.violation, e.trackId, e.atMs - T0, e.laneId, e.measurements] : e.kind));

describe('wrong lane', () => {
  it('reports a car that stays in the motorbike lane, not one that only clips it, nor the motorbikes', async () => {
    const movers: Mover[] = [
      { id: 1, cls: 'car', at: linear({ x: 150, y: 0 }, { x: 150, y: 1000 }, 0, 5000) }, // car in the motorbike lane
      { id: 2, cls: 'motorcycle', at: linear({ x: 100, y: 0 }, { x: 100, y: 1000 }, 0, 5000) },
      { id: 3, cls: 'car', at: waypoints([[0, 400, 0], [1000, 280, 200], [2000, 400, 400], [5000, 400, 1000]]) }, // clips it < 1.5 s
      { id: 4, cls: 'truck', at: linear({ x: 600, y: 0 }, { x: 600, y: 1000 }, 0, 5000) },
    ];
    const { events, size } = await run({ id: 'wl', kind: 'wrong_lane', lanes: ['moto', 'main'], minInsideMs: 1500 }, movers, 6000);
    expect(brief(events)).toEqual([['wrong_lane', 1, 1600, 'moto', { dwellMs: 1600 }]]);
    expect(size).toBe(0);
  });
});

describe('motorbike with three or more riders', () => {
  it('reports a motorbike carrying three, once, after the fusion noise settles', async () => {
    const movers: Mover[] = [
      { id: 1, cls: 'motorcycle', at: linear({ x: 100, y: 0 }, { x: 100, y: 1000 }, 0, 5000), riders: (t) => (t < 1000 ? 2 : t < 1400 ? 3 : t < 1600 ? 2 : 3) },
      { id: 2, cls: 'motorcycle', at: linear({ x: 200, y: 0 }, { x: 200, y: 1000 }, 0, 5000), riders: (t) => (t === 2000 ? 3 : 2) }, // one noisy frame
      { id: 3, cls: 'car', at: linear({ x: 600, y: 0 }, { x: 600, y: 1000 }, 0, 5000), riders: () => 4 },
    ];
    const { events } = await run({ id: 'r', kind: 'riders', maxRiders: 2, minSeenMs: 1000 }, movers, 6000);
    expect(events.map((e) => (e.kind === 'violation' ? [e.violation, e.trackId, e.atMs - T0, e.measurements] : e.kind))).toEqual([
      ['too_many_riders', 1, 2600, { riders: 3, maxRiders: 2 }],
    ]);
  });
});

describe('suspected accident', () => {
  it('alerts when two vehicles stop abruptly close together and stay, not for a queue that slows gently', async () => {
    const movers: Mover[] = [
      // Two cars meet at 3 s and stay.
      { id: 1, cls: 'car', at: waypoints([[0, 500, 100], [3000, 500, 500], [30000, 500, 500]]) },
      { id: 2, cls: 'motorcycle', at: waypoints([[0, 900, 500], [3000, 545, 500], [30000, 545, 500]]) },
      // A car that brakes gently over 8 s and parks next to nothing.
      { id: 3, cls: 'car', at: waypoints([[0, 150, 100], [2000, 150, 300], [10000, 150, 420], [30000, 150, 420]]) },
      // A car passing by the crash without stopping.
      { id: 4, cls: 'car', at: linear({ x: 560, y: 0 }, { x: 560, y: 1000 }, 0, 10000) },
    ];
    const rule = { id: 'acc', kind: 'accident', movingPxPerSec: 60, stoppedPxPerSec: 8, maxDecelMs: 1500, maxGapPx: 40, minStayMs: 10000 };
    const { events } = await run(rule, movers, 30000);
    expect(events.map((e) => (e.kind === 'alert' ? [e.alert, e.trackIds, e.atMs - T0, e.measurements] : e.kind))).toEqual([
      ['accident', [1, 2], 13600, { count: 2, stoppedMs: 10000 }],
    ]);
  });
});
