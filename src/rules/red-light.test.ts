import { describe, expect, it } from 'vitest';
import type { SignalObservation } from '../core/violation.js';
import { cameraOf, counterIds, linear, scenario, T0, waypoints, type Mover } from '../../test/fixtures/rules/scenario.js';
import { createRuleEngine } from './engine.js';
import { replayRules } from './replay.js';

// Stop line across the picture at y = 500 px; traffic moves down (into the intersection = the `pos` side).
// Signal: green 0–4 s, amber 4–7 s, red from 7 s.
const signal = (t: number): SignalObservation[] => [{ signalId: 'sig', colour: t < 4000 ? 'green' : t < 7000 ? 'amber' : 'red' }];

const movers: Mover[] = [
  { id: 1, cls: 'car', at: linear({ x: 200, y: 300 }, { x: 200, y: 900 }, 0, 4000) }, // crosses on green
  { id: 2, cls: 'car', at: linear({ x: 400, y: 300 }, { x: 400, y: 900 }, 4000, 7000) }, // crosses early in amber (5.2 s)
  { id: 3, cls: 'car', at: linear({ x: 300, y: 300 }, { x: 300, y: 900 }, 7000, 13000) }, // crosses on red at 9.2 s
  { id: 4, cls: 'car', at: waypoints([[7000, 500, 300], [9000, 500, 515], [20000, 500, 515]]) }, // stops ON the line
  { id: 5, cls: 'motorcycle', at: waypoints([[8000, 600, 300], [10200, 600, 520]]) }, // lost mid-crossing
  { id: 6, cls: 'car', at: linear({ x: 850, y: 300 }, { x: 850, y: 900 }, 7000, 13000) }, // free right-turn lane
  { id: 7, cls: 'car', at: linear({ x: 700, y: 300 }, { x: 700, y: 900 }, 5000, 8000) }, // crosses late in amber (6.2 s)
  { id: 8, cls: 'truck', at: waypoints([[6000, 150, 440], [6800, 150, 500], [7000, 150, 520], [8000, 150, 620]]) }, // first red frame
];

const camera = (rule: Record<string, unknown>) =>
  cameraOf({
    lines: [{ id: 'stop', points: [[0.05, 0.5], [0.95, 0.5]] }],
    lanes: [{ id: 'right', polygon: [[0.75, 0], [0.95, 0], [0.95, 1], [0.75, 1]], direction: { vector: [0, 1] } }],
    signals: [{ id: 'sig', source: 'feed' }],
    rules: [rule],
  });

const run = async (rule: Record<string, unknown>) => {
  const engine = createRuleEngine(camera(rule), 'Asia/Ho_Chi_Minh', { newId: counterIds() });
  const events = await replayRules(scenario(movers, 20000, 200, signal), engine);
  return { events, engine };
};

const RED = { id: 'rl', kind: 'red_light', stopLine: 'stop', direction: 'pos', signal: 'sig', exemptLanes: ['right'] };

describe('red-light running', () => {
  it('reports only vehicles that cross on red and go on, at the crossing time with the signal age', async () => {
    const { events } = await run(RED);
    expect(events.map((e) => (e.kind === 'violation' ? [e.violation, e.trackId, e.atMs - T0, e.measurements] : e.kind))).toEqual([
      ['red_light', 8, 7000, { signal: 'red', signalAgeMs: 0 }],
      ['red_light', 3, 9200, { signal: 'red', signalAgeMs: 2200 }],
    ]);
    const first = events[0]!;
    expect(first).toMatchObject({ id: 'ev1', cameraId: 'cam', ruleId: 'rl', ruleKind: 'red_light', lineId: 'stop', cls: 'truck', ptsSec: 7 });
  });

  it('tolerates crossings inside the red grace (amber-to-red timing)', async () => {
    const { events } = await run({ ...RED, redGraceMs: 500 });
    expect(events.map((e) => e.kind === 'violation' && e.trackId)).toEqual([3]);
  });

  it('reports late-amber crossings only when amber counts, after the amber grace', async () => {
    const { events } = await run({ ...RED, amberIsViolation: true, amberGraceMs: 1500 });
    expect(events.map((e) => (e.kind === 'violation' ? [e.violation, e.trackId, e.atMs - T0] : e.kind))).toEqual([
      ['amber_light', 7, 6200],
      ['red_light', 8, 7000],
      ['red_light', 3, 9200],
    ]);
  });

  it('evicts per-track state when tracks end', async () => {
    const { engine } = await run(RED);
    expect(engine.size()).toBe(1); // only track 4, still standing on the line
  });
});

describe('stop-line encroachment', () => {
  it('reports the vehicle that stopped on the line at red, once, after the minimum stop', async () => {
    const { events, engine } = await run({ id: 'sl', kind: 'stop_line', stopLine: 'stop', direction: 'pos', signal: 'sig' });
    expect(events.map((e) => (e.kind === 'violation' ? [e.violation, e.trackId, e.atMs - T0, e.measurements] : e.kind))).toEqual([
      ['stop_line', 4, 10000, { signal: 'red', stoppedMs: 1000, distancePx: 15 }],
    ]);
    expect(engine.size()).toBe(1);
  });
});

describe('running the red versus waiting past the line', () => {
  // Red 0–10 s, then green. Stop line at y = 500 px, the intersection below it (`pos`).
  const redThenGreen = (t: number): SignalObservation[] => [{ signalId: 'sig', colour: t < 10_000 ? 'red' : 'green' }];
  const cases: Mover[] = [
    // Turns along the line: crosses at x 300 and rides off to the left only 20 px past it (never 40 px).
    { id: 11, cls: 'motorcycle', at: waypoints([[0, 300, 300], [1500, 300, 520], [3000, 60, 520]]) },
    // Stops 20 px past the line on red, waits, and goes on once the lamp is green: encroachment, not a run.
    { id: 12, cls: 'car', at: waypoints([[0, 600, 300], [2000, 600, 520], [12_000, 600, 520], [14_000, 600, 900]]) },
    // Stops past the line for 1.5 s, then goes on while still red: a run.
    { id: 13, cls: 'car', at: waypoints([[0, 450, 300], [2000, 450, 520], [3500, 450, 520], [5000, 450, 900]]) },
  ];
  const runCases = async (rule: Record<string, unknown>) =>
    replayRules(scenario(cases, 16_000, 200, redThenGreen), createRuleEngine(camera(rule), 'Asia/Ho_Chi_Minh', { newId: counterIds() }));

  it('reports the rider who turns along the line (moved on from where it crossed) and the car that went on during the red', async () => {
    const events = await runCases(RED);
    expect(events.map((e) => e.kind === 'violation' && [e.violation, e.trackId]).sort()).toEqual([
      ['red_light', 11],
      ['red_light', 13],
    ]);
  });

  it('does not call the car that waited past the line until green a runner: the stop_line rule reports it', async () => {
    const runs = await runCases(RED);
    expect(runs.some((e) => e.kind === 'violation' && e.trackId === 12)).toBe(false);
    const stops = await runCases({ id: 'sl', kind: 'stop_line', stopLine: 'stop', direction: 'pos', signal: 'sig' });
    expect(stops.map((e) => e.kind === 'violation' && [e.violation, e.trackId])).toContainEqual(['stop_line', 12]);
  });
});
