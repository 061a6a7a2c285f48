import { describe, expect, it } from 'vitest';
import { cameraSchema } from '../config/schema.js';
import { cameraForAnalyze, parseLineArg } from './analyze-camera.js';

const SIZE = { width: 1600, height: 800 };
const configured = cameraSchema.parse({
  id: 'boulevard', name: 'Đại lộ', site: 'hcm', kind: 'overview', source: '/videos/b.mp4', location: { lat: 10.78, lng: 106.7 },
  analysis: { fps: 10, height: 400, tracker: { highScore: 0.2 } }, lines: [{ id: 'stop', points: [[0, 0.5], [1, 0.5]] }],
  zones: [{ id: 'z', polygon: [[0, 0], [1, 0], [1, 1]] }], rules: [{ id: 'r', kind: 'congestion', zone: 'z' }],
});

describe("argus analyze's flags as a camera config", () => {
  it('give a bare source a camera of its own, with the --line in picture coordinates', () => {
    const cam = cameraForAnalyze('/videos/a.mp4', { lines: [parseLineArg('400,200,1200,200', 0)] }, undefined, SIZE);
    expect([cam.id, cam.source, cam.plates, cam.rules]).toEqual(['cli', '/videos/a.mp4', false, []]);
    expect(cam.lines).toEqual([{ id: 'L1', points: [[0.25, 0.25], [0.75, 0.25]] }]);
    expect(cam.analysis.detector).toMatchObject({ kind: 'onnx', tiles: 'auto' });
  });

  it("write the flags over the configured camera's settings and keep its lines, rules and tuning", () => {
    const cam = cameraForAnalyze('/videos/b.mp4', { fps: 5, width: 1280, tiles: 1, minScore: 0.2, noMotion: true, lines: [parseLineArg('0,100,1600,100', 0)] }, configured, SIZE);
    expect(cam.analysis).toMatchObject({ fps: 5, width: 1280, detector: { kind: 'onnx', tiles: 1, minScore: 0.2 }, tracker: { kind: 'bytetrack', highScore: 0.2 } });
    // A width on the command line keeps the source's aspect: the config's height no longer applies.
    expect(cam.analysis.height).toBeUndefined();
    expect(cam.analysis.motion.enabled).toBe(false);
    expect(cam.lines.map((l) => l.id)).toEqual(['L1', 'stop']);
    expect(cam.rules.map((r) => r.id)).toEqual(['r']);
  });

  it('make an ANPR camera of --anpr, without the rules an ANPR camera cannot run', () => {
    const cam = cameraForAnalyze('/videos/b.mp4', { anpr: true, lines: [] }, configured, SIZE);
    expect([cam.plates, cam.rules]).toEqual(['anpr', []]);
  });

  it('refuse a --line outside the picture, naming it', () => {
    expect(() => cameraForAnalyze('/v.mp4', { lines: [parseLineArg('10,10,1700,10', 0)] }, undefined, SIZE)).toThrow('--line 10,10,1700,10: outside the 1600×800 picture');
  });
});
