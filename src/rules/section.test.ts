import { describe, expect, it } from 'vitest';
import { sectionSchema } from '../config/schema.js';
import type { PlateSighting } from '../core/violation.js';
import { counterIds } from '../../test/fixtures/rules/scenario.js';
import { SectionMatcher, sectionSpeeds } from './section.js';

const section = sectionSchema.parse({
  id: 'ql1a-km10',
  entry: { camera: 'anpr-a' },
  exit: { camera: 'anpr-b', line: 'L1' },
  distanceM: 5000,
  speedLimits: { default: 80, truck: 60 },
  maxTravelMs: 3_600_000,
});

const T = Date.UTC(2026, 2, 2, 1, 0, 0);
const at = (plate: string, cameraId: string, min: number, extra: Partial<PlateSighting> = {}): PlateSighting => ({ plate, cameraId, atMs: T + min * 60_000, ...extra });

describe('section average speed', () => {
  it('reports plates whose average speed between the two points is over the class limit', () => {
    const sightings = [
      at('51A-123.45', 'anpr-a', 0),
      at('51A-123.45', 'anpr-b', 3, { lineId: 'L1' }), // 5 km in 3 min = 100 km/h
      at('29C-555.66', 'anpr-a', 1, { cls: 'truck' }),
      at('29C-555.66', 'anpr-b', 5, { lineId: 'L1', cls: 'truck' }), // 75 km/h, truck limit 60
      at('30G-777.88', 'anpr-a', 2),
      at('30G-777.88', 'anpr-b', 6, { lineId: 'L1' }), // 75 km/h, under 80
      at('43A-111.22', 'anpr-b', 7, { lineId: 'L1' }), // exit without entry
      at('51A-999.99', 'anpr-a', 10),
      at('51A-999.99', 'anpr-b', 12, { lineId: 'L2' }), // read on another line: not the section exit
    ];
    const events = sectionSpeeds(sightings, [section], counterIds());
    expect(events.map((e) => [e.plate, e.measurements.speedKmh, e.measurements.limitKmh, e.measurements.travelMs, e.atMs - T])).toEqual([
      ['51A-123.45', 100, 80, 180_000, 180_000],
      ['29C-555.66', 75, 60, 240_000, 300_000],
    ]);
    expect(events[0]).toMatchObject({ id: 'ev1', kind: 'section_speed', violation: 'section_speeding', sectionId: 'ql1a-km10', cameraId: 'anpr-b' });
  });

  const pairId = (e: PlateSighting, x: PlateSighting) => `${e.plate}@${e.atMs - T}-${x.atMs - T}`;

  it('forgets entries older than the maximum travel time, keeping state bounded', () => {
    const m = new SectionMatcher([section]);
    for (let i = 0; i < 100; i++) m.step(at(`P${i}`, 'anpr-a', i), pairId);
    expect(m.size()).toBe(61); // minutes 39..99 are within the hour
    expect(m.step(at('P0', 'anpr-b', 100, { lineId: 'L1' }), pairId)).toEqual([]);
  });

  it('pairs an exit that arrives before its entry (a partner posting late), once', () => {
    const m = new SectionMatcher([section]);
    expect(m.step(at('51A-123.45', 'anpr-b', 3, { lineId: 'L1' }), pairId)).toEqual([]);
    const [e] = m.step(at('51A-123.45', 'anpr-a', 0), pairId);
    expect(e).toMatchObject({ id: '51A-123.45@0-180000', measurements: { speedKmh: 100, travelMs: 180_000 } });
    expect(m.size()).toBe(0);
    // An entry after the exit, or more than maxTravelMs before it, does not pair.
    m.step(at('30G-1', 'anpr-b', 10, { lineId: 'L1' }), pairId);
    expect(m.step(at('30G-1', 'anpr-a', 11), pairId)).toEqual([]);
  });

  it('drops averages no vehicle drives (misread or clock error), and counts them', () => {
    const m = new SectionMatcher([section]);
    m.step({ plate: 'X', cameraId: 'anpr-a', atMs: T }, pairId);
    expect(m.step({ plate: 'X', cameraId: 'anpr-b', lineId: 'L1', atMs: T + 20_000 }, pairId)).toEqual([]); // 5 km in 20 s = 900 km/h
    expect(m.stats()).toEqual({ events: 0, implausible: 1, overflow: 0 });
  });

  it('holds at most maxOpen sightings per side, whatever a flood of distinct plates', () => {
    const m = new SectionMatcher([section], { maxOpen: 1000 });
    for (let i = 0; i < 20_000; i++) m.step({ plate: `F${i}`, cameraId: 'anpr-a', atMs: T + i }, pairId);
    for (let i = 0; i < 20_000; i++) m.step({ plate: `G${i}`, cameraId: 'anpr-b', lineId: 'L1', atMs: T + i }, pairId);
    expect(m.size()).toBe(2000);
    expect(m.stats().overflow).toBe(38_000);
  });

  it('stays bounded over a day of traffic: size follows the travel window, not the stream', () => {
    const m = new SectionMatcher([section]);
    let max = 0;
    for (let i = 0; i < 24 * 60 * 20; i++) { // 20 plates a minute at the entry, a day long; none exits
      m.step({ plate: `D${i}`, cameraId: 'anpr-a', atMs: T + i * 3000 }, pairId);
      max = Math.max(max, m.size());
    }
    expect(max).toBeLessThanOrEqual(1201); // one hour at 20 a minute
  });
});
