import { describe, expect, it } from 'vitest';
import { sectionSchema } from '../config/schema.js';
import type { PlateSighting } from '../core/violation.js';
import { counterIds } from '../../test/fixtures/rules/scenario.js';
import { sectionInit, sectionSpeeds, sectionStep } from './section.js';

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

  it('forgets entries older than the maximum travel time, keeping state bounded', () => {
    let state = sectionInit();
    for (let i = 0; i < 100; i++) state = sectionStep(state, at(`P${i}`, 'anpr-a', i), [section], counterIds()).state;
    expect(state.open.get(section.id)!.size).toBe(61); // minutes 39..99 are within the hour
    const late = sectionStep(state, at('P0', 'anpr-b', 100, { lineId: 'L1' }), [section], counterIds());
    expect(late.events).toEqual([]);
  });
});
