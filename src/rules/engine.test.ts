import { describe, expect, it } from 'vitest';
import { cameraOf, linear, scenario, T0, waypoints, type Mover } from '../../test/fixtures/rules/scenario.js';
import { ROAD_CALIBRATION } from '../../test/fixtures/rules/synthetic-road.js';
import { createRuleEngine, updateSignals } from './engine.js';
import { replayRules } from './replay.js';

describe('rule engine', () => {
  it('holds no per-track state once every track has ended, whatever the rules', async () => {
    const camera = cameraOf({
      calibration: ROAD_CALIBRATION,
      speedLimits: { default: 50 },
      lines: [{ id: 'stop', points: [[0, 0.5], [1, 0.5]] }, { id: 'far', points: [[0, 0.3], [1, 0.3]] }],
      zones: [{ id: 'z', polygon: [[0, 0], [1, 0], [1, 1], [0, 1]] }],
      lanes: [{ id: 'l', polygon: [[0, 0], [1, 0], [1, 1], [0, 1]], classes: ['car'], direction: { vector: [0, 1] } }],
      signals: [{ id: 's', source: 'feed' }],
      rules: [
        { id: 'a', kind: 'red_light', stopLine: 'stop', direction: 'pos', signal: 's' },
        { id: 'b', kind: 'stop_line', stopLine: 'stop', direction: 'pos', signal: 's' },
        { id: 'c', kind: 'wrong_way', lanes: ['l'] },
        { id: 'd', kind: 'wrong_lane', lanes: ['l'] },
        { id: 'e', kind: 'prohibited', zone: 'z' },
        { id: 'f', kind: 'speeding' },
        { id: 'g', kind: 'speed_trap', firstLine: 'far', secondLine: 'stop', distanceM: 10 },
        { id: 'h', kind: 'illegal_stopping', zone: 'z' },
        { id: 'i', kind: 'zone_dwell', zone: 'z' },
        { id: 'j', kind: 'accident' },
        { id: 'k', kind: 'riders' },
        { id: 'm', kind: 'crowd', zone: 'z', minPeople: 3 },
      ],
    });
    const movers: Mover[] = Array.from({ length: 60 }, (_, i) => ({
      id: i + 1,
      cls: (['car', 'motorcycle', 'truck', 'person'] as const)[i % 4]!,
      at: i % 5 === 0 ? waypoints([[i * 300, 100 + i * 10, 900], [i * 300 + 2000, 100 + i * 10, 100]]) : linear({ x: 100 + i * 10, y: 100 }, { x: 100 + i * 10, y: 900 }, i * 300, i * 300 + 4000),
      riders: () => (i % 7 === 0 ? 3 : 1),
    }));
    const engine = createRuleEngine(camera, 'Asia/Ho_Chi_Minh');
    const signal = (t: number) => [{ signalId: 's', colour: (Math.floor(t / 3000) % 2 === 0 ? 'green' : 'red') as 'green' | 'red' }];
    const lines = scenario(movers, 30000, 200, signal);
    let peak = 0;
    for (const l of lines) {
      engine.step(l.tracks, l.meta, l.ended, l.signals);
      peak = Math.max(peak, engine.size());
    }
    expect(peak).toBeGreaterThan(10);
    expect(engine.size()).toBe(0);
  });

  it('tracks signal colours with onset times and ignores brief unknown readings', () => {
    let s = updateSignals(new Map(), [{ signalId: 'a', colour: 'green' }], T0, 2000);
    s = updateSignals(s, [{ signalId: 'a', colour: 'green' }], T0 + 500, 2000);
    expect(s.get('a')).toMatchObject({ colour: 'green', sinceMs: T0 });
    s = updateSignals(s, [{ signalId: 'a', colour: 'unknown' }], T0 + 1000, 2000);
    expect(s.get('a')).toMatchObject({ colour: 'green', sinceMs: T0 });
    s = updateSignals(s, [{ signalId: 'a', colour: 'red' }], T0 + 1200, 2000);
    expect(s.get('a')).toMatchObject({ colour: 'red', sinceMs: T0 + 1200 });
    s = updateSignals(s, [{ signalId: 'a', colour: 'unknown' }], T0 + 3500, 2000);
    expect(s.get('a')).toMatchObject({ colour: 'unknown', sinceMs: T0 + 3500 });
  });

  it('stamps every event with a unique id and the camera', async () => {
    const camera = cameraOf({ zones: [{ id: 'z', polygon: [[0, 0], [1, 0], [1, 1], [0, 1]] }], rules: [{ id: 'i', kind: 'zone_dwell', zone: 'z' }] });
    const movers: Mover[] = [1, 2, 3].map((id) => ({ id, cls: 'car', at: linear({ x: 100 * id, y: 100 }, { x: 100 * id, y: 900 }, 0, 2000) }));
    const events = await replayRules(scenario(movers, 3000), createRuleEngine(camera, 'UTC'));
    expect(events).toHaveLength(6);
    expect(new Set(events.map((e) => e.id)).size).toBe(6);
    for (const e of events) expect(e.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(events.every((e) => e.cameraId === 'cam')).toBe(true);
  });
});
