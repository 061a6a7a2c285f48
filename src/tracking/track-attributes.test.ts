import { describe, expect, it } from 'vitest';
import { box } from '../core/box.js';
import { ClassVote, RidersWindow, classesCompatible, usableDetection, votedClass } from './track-attributes.js';

describe('track attributes', () => {
  it('switches the class only when another class clearly out-votes the current one', () => {
    const v = new ClassVote('car', 0.6);
    v.add('motorcycle', 0.8); // motorcycle 0.8 vs car 0.6: not enough (needs × 1.5)
    expect(v.cls).toBe('car');
    v.add('motorcycle', 0.8); // 1.6 > 0.9
    expect(v.cls).toBe('motorcycle');
    v.add('car', 0.9); // car 1.5 vs 1.6: stays
    expect(v.cls).toBe('motorcycle');
  });

  it('lets vehicles continue each other, a rider and a two-wheeler each other, but never a person and a car, bus or truck', () => {
    expect(classesCompatible('car', 'motorcycle')).toBe(true);
    expect(classesCompatible('bus', 'truck')).toBe(true);
    expect(classesCompatible('person', 'person')).toBe(true);
    expect(classesCompatible('person', 'bicycle')).toBe(true);
    expect(classesCompatible('motorcycle', 'person')).toBe(true);
    expect(classesCompatible('person', 'car')).toBe(false);
    expect(classesCompatible('truck', 'person')).toBe(false);
    expect(classesCompatible('car', 'traffic_light')).toBe(false);
  });

  it('a person on a two-wheeler track votes for the two-wheeler (its rider); elsewhere a detection votes its class', () => {
    expect(votedClass('bicycle', 'person')).toBe('bicycle');
    expect(votedClass('motorcycle', 'person')).toBe('motorcycle');
    expect(votedClass('person', 'motorcycle')).toBe('motorcycle');
    expect(votedClass('car', 'truck')).toBe('truck');
  });

  it('reports the maximum riders over the window and keeps the last count when old', () => {
    const r = new RidersWindow(1000);
    expect(r.value).toBeUndefined();
    r.add(1, 0);
    r.add(3, 200);
    r.add(undefined, 400);
    r.add(1, 600);
    expect(r.value).toBe(3);
    r.add(2, 1300); // the 3 (at 200 ms) is now older than 1 s
    expect(r.value).toBe(2);
    r.add(undefined, 5000);
    expect(r.value).toBe(2);
  });

  it('drops degenerate detections (empty or non-finite boxes, NaN scores)', () => {
    const ok = { box: box(0, 0, 10, 10), cls: 'car' as const, score: 0.9 };
    expect(usableDetection(ok)).toBe(true);
    expect(usableDetection({ ...ok, box: box(5, 5, 5, 20) })).toBe(false);
    expect(usableDetection({ ...ok, box: box(0, 0, Number.NaN, 10) })).toBe(false);
    expect(usableDetection({ ...ok, score: Number.NaN })).toBe(false);
  });
});
