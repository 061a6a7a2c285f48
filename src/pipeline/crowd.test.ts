import { describe, expect, it } from 'vitest';
import { box } from '../core/box.js';
import type { FrameMeta } from '../core/frame.js';
import type { Track } from '../core/track.js';
import { CrowdCounter, polygonArea } from './crowd.js';

const size = { width: 1000, height: 1000 };
const meta: FrameMeta = { index: 0, ptsSec: 0, capturedAtMs: 5, size, sourceSize: size };
const person = (id: number, x: number, y: number, cls: Track['cls'] = 'person'): Track =>
  ({ id, cls, box: box(x - 5, y - 50, x + 5, y), score: 0.9, state: 'tracked', firstSeenMs: 0, lastSeenMs: 0, hits: 3 });
const zone = { id: 'z', polygon: [[0, 0.5], [0.5, 0.5], [0.5, 1], [0, 1]] as [number, number][] };

describe('persons per zone', () => {
  it('counts the persons whose feet are in each zone, with the density per 1 % of the picture without calibration', () => {
    const c = new CrowdCounter({ zones: [zone], calibration: undefined });
    const s = c.count(meta, [person(1, 100, 900), person(2, 400, 600), person(3, 800, 900), person(4, 100, 900, 'car'), { ...person(5, 100, 900), state: 'lost' }]);
    expect(s).toEqual({ atMs: 5, persons: 2 + 1, zones: [{ id: 'z', name: null, persons: 2, areaM2: null, perM2: null, framePct: 25, perFramePct: 0.08 }] });
    expect(c.latest()).toBe(s);
  });

  it('gives persons per m² from the ground calibration (a picture mapped 1:1 onto 20 m × 20 m)', () => {
    const calibration = { points: [[0, 0, 0, 0], [1, 0, 20, 0], [1, 1, 20, 20], [0, 1, 0, 20]].map(([x, y, gx, gy]) => ({ image: [x!, y!] as [number, number], ground: [gx!, gy!] as [number, number] })) };
    const c = new CrowdCounter({ zones: [zone], calibration });
    const z = c.count(meta, [person(1, 100, 900), person(2, 400, 600)]).zones[0]!;
    expect(z.areaM2).toBeCloseTo(100, 6);
    expect(z.perM2).toBe(0.02);
  });

  it('measures polygon areas either way round', () => {
    expect(polygonArea([{ x: 0, y: 0 }, { x: 2, y: 0 }, { x: 2, y: 3 }])).toBe(3);
    expect(polygonArea([{ x: 2, y: 3 }, { x: 2, y: 0 }, { x: 0, y: 0 }])).toBe(3);
  });
});
