import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isArgusError } from '../core/errors.js';
import { cameraOf, counterIds, linear, scenario } from '../../test/fixtures/rules/scenario.js';
import { createRuleEngine } from './engine.js';
import { createTrackLogWriter, parseReplayLine, readTrackLog, replayRules, toReplayLine } from './replay.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'argus-replay-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const camera = cameraOf({
  lanes: [{ id: 'down', polygon: [[0, 0], [1, 0], [1, 1], [0, 1]], direction: { vector: [0, 1] } }],
  rules: [{ id: 'ww', kind: 'wrong_way', lanes: ['down'], minDistancePx: 50 }],
});
const lines = scenario(
  [
    { id: 1, cls: 'car', at: linear({ x: 300, y: 800 }, { x: 300, y: 200 }, 0, 3000) },
    { id: 2, cls: 'motorcycle', at: linear({ x: 600, y: 200 }, { x: 600, y: 800 }, 0, 3000), riders: () => 2 },
  ],
  4000,
  200,
  () => [{ signalId: 's', colour: 'red' }],
);

describe('track log replay', () => {
  it('writes a JSONL log and replays it to the same events as the live run', async () => {
    const file = join(dir, 'tracks.jsonl');
    const w = createTrackLogWriter(file);
    for (const l of lines) await w.write(l);
    await w.close();
    const text = await readFile(file, 'utf8');
    expect(text.trim().split('\n')).toHaveLength(lines.length);

    const live = await replayRules(lines, createRuleEngine(camera, 'UTC', { newId: counterIds() }));
    const replayed = await replayRules(readTrackLog(file), createRuleEngine(camera, 'UTC', { newId: counterIds() }));
    expect(live).toHaveLength(1);
    expect(replayed).toEqual(live);
    const back = [];
    for await (const l of readTrackLog(file)) back.push(l);
    expect(back).toEqual(lines);
  });

  it('builds a line from a decoded frame without its pixels', () => {
    const l = lines[3]!;
    const frame = { ...l.meta, rgb: new Uint8Array(12) };
    const line = toReplayLine(frame, l.tracks, l.ended, l.signals);
    expect(line).toEqual(l);
    expect(parseReplayLine(JSON.stringify(line), 1)).toEqual(l);
  });

  it('names the file and line of a bad line', async () => {
    const file = join(dir, 'bad.jsonl');
    const good = JSON.stringify(lines[0]);
    const bad = JSON.stringify({ ...lines[1], tracks: [{ ...lines[1]!.tracks[0], cls: 'spaceship' }] });
    await writeFile(file, `${good}\n\n${bad}\n`);
    const read = async () => {
      for await (const _ of readTrackLog(file)) void _;
    };
    await expect(read()).rejects.toThrow(`${file}:3: tracks.0.cls:`);
    expect(() => parseReplayLine('{"meta":', 7)).toThrow(/track log:7: not JSON/);
    let err: unknown;
    try {
      parseReplayLine('{"meta":{},"tracks":[],"ended":[]}', 2);
    } catch (e) {
      err = e;
    }
    expect(isArgusError(err, 'invalid_argument')).toBe(true);
    expect((err as Error).message).toMatch(/^track log:2: meta\.index/);
  });
});
