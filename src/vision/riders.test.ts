import { describe, expect, it } from 'vitest';
import { box, type Box } from '../core/box.js';
import type { ObjectClass } from '../core/classes.js';
import type { Detection } from '../core/detection.js';
import { fuseRiders, relabelTallCars, riderOverlap } from './riders.js';

const det = (cls: ObjectClass, b: Box, score = 0.8): Detection => ({ cls, box: b, score });

describe('riderOverlap', () => {
  it.each([
    { name: 'rider sitting on the bike', person: box(10, 0, 30, 40), bike: box(5, 20, 35, 60), min: 0.9 },
    { name: 'person beside the bike', person: box(40, 0, 60, 40), bike: box(5, 20, 35, 60), max: 0 },
    { name: 'person far above the bike', person: box(10, 0, 30, 20), bike: box(5, 50, 35, 80), max: 0 },
  ])('$name', ({ person, bike, min, max }) => {
    const v = riderOverlap(person, bike);
    if (min !== undefined) expect(v).toBeGreaterThanOrEqual(min);
    if (max !== undefined) expect(v).toBeLessThanOrEqual(max);
  });
});

describe('fuseRiders', () => {
  it('fuses a rider into the motorbike under it: the box grows, riders = 1', () => {
    const out = fuseRiders([det('motorcycle', box(5, 20, 35, 60), 0.7), det('person', box(10, 0, 30, 40))]);
    expect(out).toEqual([{ cls: 'motorcycle', box: box(5, 0, 35, 60), score: 0.7, riders: 1 }]);
  });

  it('counts three people on one motorbike', () => {
    const out = fuseRiders([
      det('motorcycle', box(0, 30, 60, 80)),
      det('person', box(0, 0, 20, 50)),
      det('person', box(20, 5, 40, 50)),
      det('person', box(40, 0, 60, 55)),
    ]);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ cls: 'motorcycle', riders: 3 });
  });

  it('fuses a cyclist with a bicycle but not with a car', () => {
    const out = fuseRiders([det('bicycle', box(0, 30, 40, 80)), det('car', box(100, 30, 200, 80)), det('person', box(110, 0, 130, 50))]);
    expect(out.map((d) => d.cls).sort()).toEqual(['bicycle', 'car', 'person']);
    expect(out.find((d) => d.cls === 'bicycle')?.riders).toBeUndefined();
  });

  it('gives each rider to the bike it overlaps most', () => {
    const out = fuseRiders([det('motorcycle', box(0, 40, 30, 80)), det('motorcycle', box(25, 40, 60, 80)), det('person', box(30, 10, 55, 60))]);
    expect(out.map((d) => d.riders ?? 0)).toEqual([0, 1]);
  });

  it('leaves a lone pedestrian a person', () => {
    const p = det('person', box(0, 0, 20, 60));
    expect(fuseRiders([p])).toEqual([p]);
  });

  it.each([
    { name: 'a squat (rider-shaped) person becomes a motorcycle', b: box(0, 0, 40, 60), promote: true, cls: 'motorcycle' },
    { name: 'a tall thin pedestrian stays a person', b: box(0, 0, 20, 60), promote: true, cls: 'person' },
    { name: 'without the option nothing is promoted', b: box(0, 0, 40, 60), promote: false, cls: 'person' },
  ])('$name', ({ b, promote, cls }) => {
    const [out] = fuseRiders([det('person', b)], { promoteLoneRiders: promote });
    expect(out?.cls).toBe(cls);
    if (cls === 'motorcycle') {
      expect(out?.riders).toBe(1);
      expect(out?.box.y2).toBeGreaterThan(b.y2); // grown down over the bike
    }
  });
});

describe('relabelTallCars', () => {
  it.each([
    { name: 'a car wider than tall stays a car', b: box(0, 0, 60, 40), cls: 'car' },
    { name: 'a square-ish car stays a car', b: box(0, 0, 50, 60), cls: 'car' },
    { name: 'a tall narrow "car" is a motorbike', b: box(0, 0, 30, 60), cls: 'motorcycle' },
  ])('$name', ({ b, cls }) => {
    expect(relabelTallCars([det('car', b)])[0]?.cls).toBe(cls);
  });

  it('then lets the relabelled motorbike take its rider', () => {
    const out = fuseRiders([det('car', box(0, 20, 30, 80)), det('person', box(2, 0, 28, 50))], { tallCarsAsMotorcycles: true });
    expect(out).toEqual([expect.objectContaining({ cls: 'motorcycle', riders: 1 })]);
  });
});
