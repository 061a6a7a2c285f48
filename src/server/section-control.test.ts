import { describe, expect, it } from 'vitest';
import { sectionSchema } from '../config/schema.js';
import { ulid } from '../core/ids.js';
import type { PlateReadEvent } from '../core/plate.js';
import type { SectionSpeedEvent } from '../core/violation.js';
import { SectionControl, sectionEventId, sectionViolation } from './section-control.js';

const NOW = Date.UTC(2026, 11, 1, 3, 0, 0);
const section = sectionSchema.parse({ id: 's1', entry: { camera: 'a', line: 'in' }, exit: { camera: 'b' }, distanceM: 2000, speedLimits: { default: 60 }, maxTravelMs: 600_000 });
const plate = (id: string, cameraId: string, key: string, atMs: number, lineId?: string): PlateReadEvent => ({
  id, cameraId, atMs, ptsSec: 0, kind: 'plate.read', trackId: 1, cls: 'motorcycle', reads: 3, ...(lineId ? { lineId } : {}),
  read: { plate: key, display: key, confidence: 0.9, category: 'private', lines: [] },
});

describe('section control', () => {
  it('pairs plate reads of the section cameras (the entry at its line) into events with ids derived from the pair', () => {
    const out: SectionSpeedEvent[] = [];
    const c = new SectionControl([section], (e) => out.push(e), { now: () => NOW });
    c.feed([plate('x1', 'b', '43B112345', NOW - 60_000), plate('x0', 'a', '43B112345', NOW - 120_000, 'in'), plate('y', 'z', '43B112345', NOW)]);
    expect(out).toHaveLength(1); // 2 km in 60 s = 120 km/h
    expect(out[0]).toMatchObject({ plate: '43B112345', cls: 'motorcycle', measurements: { speedKmh: 120, limitKmh: 60 } });
    expect(out[0]!.id).toBe(sectionEventId(section, out[0]!.entry, out[0]!.exit));
    expect(out[0]!.id.slice(0, 10)).toBe(ulid(NOW - 60_000).slice(0, 10)); // a ULID of the exit's time: sorts with the others
    expect(sectionViolation(out[0]!, {})).toMatchObject({ kind: 'section_speeding', cameraId: 'b', plateKey: '43B112345', plateDisplay: '43-B1 123.45' });
    // An entry read at another line (or with none) is not this section's entry.
    c.feed([plate('w0', 'a', '43B199999', NOW - 120_000, 'out'), plate('w1', 'b', '43B199999', NOW - 60_000)]);
    expect(out).toHaveLength(1);
  });

  it('ignores reads from ahead of the clock, and stays bounded under a flood of plates', () => {
    const c = new SectionControl([section], () => undefined, { now: () => NOW, maxOpen: 5000 });
    c.feed([plate('f', 'a', '30A11111', NOW + 3_600_000, 'in')]);
    expect([c.size(), c.stats().ahead]).toEqual([0, 1]);
    for (let batch = 0; batch < 50; batch++) {
      c.feed(Array.from({ length: 1000 }, (_, i) => plate(`p${batch}-${i}`, 'a', `30A${String(batch * 1000 + i).padStart(5, '0')}`, NOW - 1000 + batch, 'in')));
    }
    expect(c.size()).toBe(5000);
    expect(c.stats().overflow).toBe(45_000);
  });
});
