import { describe, expect, it } from 'vitest';
import { cameraSchema } from '../../config/schema.js';
import { cameraCost, chooseWorker } from './protocol.js';

const cam = (analysis: object, extra: object = {}) =>
  cameraSchema.parse({ id: 'c1', name: 'C', site: 's', kind: 'intersection', source: 'x.mp4', location: { lat: 0, lng: 0 }, analysis, ...extra });

describe('camera assignment', () => {
  it('costs a camera its analysed fps times its tiles, nothing when disabled', () => {
    expect(cameraCost(cam({ fps: 5 }))).toBe(5);
    expect(cameraCost(cam({ fps: 5, detector: { kind: 'onnx', tiles: 2 } }))).toBe(10);
    expect(cameraCost(cam({}))).toBe(15);
    expect(cameraCost(cam({}, { plates: 'anpr' }))).toBe(5);
    expect(cameraCost(cam({ fps: 5 }, { enabled: false }))).toBe(0);
  });

  it('gives a camera to the worker with the lowest load ratio that has room, ties by name', () => {
    expect(chooseWorker(5, [])).toBeUndefined();
    expect(chooseWorker(5, [{ name: 'b', capacity: 80, load: 10 }, { name: 'a', capacity: 80, load: 10 }])).toBe('a');
    expect(chooseWorker(5, [{ name: 'a', capacity: 40, load: 20 }, { name: 'b', capacity: 80, load: 30 }])).toBe('b');
    // Only a has room, though b's ratio after taking it would be lower than a's is… b has none.
    expect(chooseWorker(10, [{ name: 'a', capacity: 100, load: 85 }, { name: 'b', capacity: 5, load: 0 }])).toBe('a');
    // Nobody has room: the least loaded still takes it.
    expect(chooseWorker(10, [{ name: 'a', capacity: 10, load: 10 }, { name: 'b', capacity: 10, load: 5 }])).toBe('b');
  });
});
