import { describe, expect, it } from 'vitest';
import type { RuleEvent } from '../core/violation.js';
import { cameraOf, counterIds, linear, scenario, T0, waypoints, type Mover } from '../../test/fixtures/rules/scenario.js';
import { createRuleEngine } from './engine.js';
import { replayRules } from './replay.js';

const zones = [
  { id: 'box', polygon: [[0.4, 0.4], [0.6, 0.4], [0.6, 0.6], [0.4, 0.6]] },
  { id: 'north', polygon: [[0, 0], [1, 0], [1, 0.3], [0, 0.3]] },
  { id: 'east', polygon: [[0.7, 0.3], [1, 0.3], [1, 1], [0.7, 1]] },
];

async function run(rule: Record<string, unknown>, movers: Mover[], durationMs: number, stepMs = 200, tz = 'Asia/Ho_Chi_Minh'): Promise<{ events: RuleEvent[]; size: number }> {
  const engine = createRuleEngine(cameraOf({ zones, rules: [rule] }), tz, { newId: counterIds() });
  const events = await replayRules(scenario(movers, durationMs, stepMs), engine);
  return { events, size: engine.size() };
}

const still = (x: number, y: number, t0: number, t1: number) => linear({ x, y }, { x, y }, t0, t1);

describe('zone occupancy and dwell', () => {
  it('emits enter and exit with occupancy and dwell, with hysteresis, and a dwell alert', async () => {
    const movers: Mover[] = [
      { id: 1, cls: 'car', at: linear({ x: 500, y: 100 }, { x: 500, y: 900 }, 0, 8000) }, // inside 4–6 s
      { id: 2, cls: 'person', at: still(450, 450, 1000, 9000) }, // loiters 8 s, track ends inside
      { id: 3, cls: 'car', at: (t) => (t <= 6000 ? { x: 500, y: t % 400 === 0 ? 390 : 410 } : undefined) }, // flickers on the edge
    ];
    const { events, size } = await run({ id: 'z', kind: 'zone_dwell', zone: 'box', enterMs: 400, exitMs: 800, maxDwellMs: 5000 }, movers, 10000);
    const brief = events.map((e) => [e.kind, 'trackIds' in e ? e.trackIds : e.trackId, e.atMs - T0, 'occupancy' in e ? e.occupancy : e.measurements, 'dwellMs' in e ? e.dwellMs : undefined]);
    expect(brief).toEqual([
      ['zone.enter', 2, 1400, 1, undefined],
      ['zone.enter', 1, 3400, 2, undefined],
      ['zone.exit', 1, 5800, 1, 2000],
      ['alert', [2], 6200, { dwellMs: 5200 }, undefined],
      ['zone.exit', 2, 9200, 0, 8000],
    ]);
    expect(size).toBe(0);
  });
});

describe('crowd gathering', () => {
  it('alerts once when at least N people stay for T, and re-arms after they leave', async () => {
    const people: Mover[] = [1, 2, 3, 4].map((id) => ({ id, cls: 'person', at: (t: number) => (t < 5000 || (t >= 8000 && t < 14000) ? { x: 420 + id * 20, y: 500 } : undefined) }));
    people.push({ id: 9, cls: 'person', at: still(100, 100, 0, 14000) }); // outside the zone
    const { events } = await run({ id: 'c', kind: 'crowd', zone: 'box', minPeople: 4, minDurationMs: 3000, rearmMs: 2000 }, people, 15000);
    expect(events.map((e) => (e.kind === 'alert' ? [e.alert, e.atMs - T0, e.trackIds, e.measurements.count] : e.kind))).toEqual([
      ['crowd', 3000, [1, 2, 3, 4], 4],
      ['crowd', 11000, [1, 2, 3, 4], 4],
    ]);
  });
});

describe('illegal stopping', () => {
  it('reports a vehicle stationary in the zone longer than T, not one that pauses and moves on', async () => {
    const movers: Mover[] = [
      { id: 1, cls: 'car', at: waypoints([[0, 500, 200], [1000, 500, 480], [20000, 502, 482]]) }, // parks (creeps 2 px)
      { id: 2, cls: 'car', at: waypoints([[0, 450, 200], [1000, 450, 500], [4000, 450, 500], [5000, 450, 900]]) }, // 3 s pause
      { id: 3, cls: 'car', at: still(100, 100, 0, 20000) }, // parked outside the zone
    ];
    const { events } = await run({ id: 'ns', kind: 'illegal_stopping', zone: 'box', maxStopMs: 10000, radiusPx: 12 }, movers, 20000, 500);
    expect(events.map((e) => (e.kind === 'violation' ? [e.violation, e.trackId, e.atMs - T0, e.measurements] : e.kind))).toEqual([
      ['illegal_stopping', 1, 11500, { stoppedMs: 10500 }],
    ]);
  });
});

describe('prohibited entry and turns', () => {
  const truck: Mover = { id: 1, cls: 'truck', at: linear({ x: 500, y: 100 }, { x: 500, y: 900 }, 0, 8000) };
  const car: Mover = { id: 2, cls: 'car', at: linear({ x: 450, y: 100 }, { x: 450, y: 900 }, 0, 8000) };
  const turner: Mover = { id: 3, cls: 'truck', at: waypoints([[0, 500, 100], [3000, 500, 500], [6000, 900, 500]]) }; // north → east

  it('reports a listed class entering the zone inside the time window', async () => {
    const rule = { id: 'p', kind: 'prohibited', zone: 'box', classes: ['truck'], when: [{ days: ['mon'], from: '06:00', to: '09:00' }] };
    const { events } = await run(rule, [truck, car], 9000);
    expect(events.map((e) => (e.kind === 'violation' ? [e.violation, e.trackId, e.atMs - T0, e.zoneId] : e.kind))).toEqual([['prohibited_entry', 1, 3600, 'box']]);
  });

  it('stays silent outside the time window (site local time)', async () => {
    const rule = { id: 'p', kind: 'prohibited', zone: 'box', classes: ['truck'], when: [{ from: '16:30', to: '19:00' }] };
    expect((await run(rule, [truck, car], 9000)).events).toEqual([]);
    // 08:00 in Ho Chi Minh City is 01:00 UTC: a 00:30–02:00 window in UTC applies, the same in ICT does not.
    const utc = { ...rule, when: [{ from: '00:30', to: '02:00' }] };
    expect((await run(utc, [truck], 9000, 200, 'UTC')).events).toHaveLength(1);
    expect((await run(utc, [truck], 9000)).events).toHaveLength(0);
  });

  it('reports a prohibited turn from one zone into another', async () => {
    const rule = { id: 't', kind: 'prohibited', fromZone: 'north', toZone: 'east', classes: ['truck'] };
    const { events } = await run(rule, [truck, turner], 9000);
    expect(events.map((e) => (e.kind === 'violation' ? [e.violation, e.trackId, e.atMs - T0, e.zoneId] : e.kind))).toEqual([['prohibited_turn', 3, 5200, 'east']]);
  });
});

describe('congestion', () => {
  it('rises to a level when many slow vehicles fill the zone and falls back when they clear; short-lived levels are skipped', async () => {
    const jam: Mover[] = Array.from({ length: 12 }, (_, i) => ({
      id: i + 1,
      cls: 'car' as const,
      // 12 cars crawl 2 px/s from 5 s to 35 s, then leave.
      at: (t: number) => (t >= 5000 && t < 35000 ? { x: 410 + (i % 6) * 30, y: 420 + Math.floor(i / 6) * 100 + (t - 5000) / 500 } : undefined),
    }));
    const rule = { id: 'cg', kind: 'congestion', zone: 'box', windowMs: 10000, countLevels: [3, 6, 10], speedLevelsPxPerSec: [60, 30, 8], holdMs: 3000 };
    const { events, size } = await run(rule, jam, 60000, 1000);
    // Mean count over the 10 s window climbs 3.4 → 6 (9 s) → 10.8 (13 s); level 1 lasts < holdMs and is skipped.
    expect(events.map((e) => (e.kind === 'alert' ? [e.alert, e.level, e.atMs - T0, e.measurements] : e.kind))).toEqual([
      ['congestion', 2, 12000, { count: 9.6, meanSpeedPxPerSec: 2 }],
      ['congestion', 3, 16000, { count: 12, meanSpeedPxPerSec: 2 }],
      ['congestion', 2, 39000, { count: 6, meanSpeedPxPerSec: 2 }],
      ['congestion', 0, 45000, { count: 0 }],
    ]);
    expect(size).toBeLessThanOrEqual(10);
  });
});
