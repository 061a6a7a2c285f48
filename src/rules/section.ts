import type { VehicleClass } from '../core/classes.js';
import type { PlateSighting, SectionSpeedEvent } from '../core/violation.js';
import type { SectionConfig } from '../config/schema.js';

/**
 * Section (average-speed) control: a pure state machine over plate sightings from the ANPR points of the
 * configured sections. An entry sighting waits (at most `maxTravelMs`) for the same plate at the exit; the
 * average speed is distance / travel time. State holds only open entries and is pruned by time.
 */
export interface SectionState {
  /** Open entries per section: plate → entry sighting. */
  readonly open: ReadonlyMap<string, ReadonlyMap<string, PlateSighting>>;
}

export const sectionInit = (): SectionState => ({ open: new Map() });

const matches = (s: PlateSighting, point: SectionConfig['entry']): boolean =>
  s.cameraId === point.camera && (point.line === undefined || s.lineId === point.line);

function limitFor(section: SectionConfig, cls: PlateSighting['cls']): number {
  const l = section.speedLimits;
  return (cls !== undefined && cls !== 'person' && cls !== 'traffic_light' ? l[cls as VehicleClass] : undefined) ?? l.default;
}

/** Feed one sighting (in time order). `newId` stamps event ids. */
export function sectionStep(
  state: SectionState,
  sighting: PlateSighting,
  sections: readonly SectionConfig[],
  newId: (atMs: number) => string,
): { state: SectionState; events: SectionSpeedEvent[] } {
  const open = new Map(state.open);
  const events: SectionSpeedEvent[] = [];
  for (const section of sections) {
    const pruned = new Map([...(open.get(section.id) ?? new Map<string, PlateSighting>())].filter(([, s]) => sighting.atMs - s.atMs <= section.maxTravelMs));
    if (matches(sighting, section.exit)) {
      const entry = pruned.get(sighting.plate);
      if (entry && sighting.atMs > entry.atMs) {
        pruned.delete(sighting.plate);
        const travelMs = sighting.atMs - entry.atMs;
        const speedKmh = (section.distanceM / (travelMs / 1000)) * 3.6;
        const cls = sighting.cls ?? entry.cls;
        const limitKmh = limitFor(section, cls);
        if (speedKmh > limitKmh + section.toleranceKmh) {
          events.push({
            id: newId(sighting.atMs),
            kind: 'section_speed',
            violation: 'section_speeding',
            sectionId: section.id,
            plate: sighting.plate,
            cameraId: sighting.cameraId,
            atMs: sighting.atMs,
            entry,
            exit: sighting,
            ...(cls !== undefined ? { cls } : {}),
            measurements: { speedKmh: Math.round(speedKmh * 10) / 10, limitKmh, travelMs, distanceM: section.distanceM },
          });
        }
      }
    }
    if (matches(sighting, section.entry)) pruned.set(sighting.plate, sighting);
    if (pruned.size > 0) open.set(section.id, pruned);
    else open.delete(section.id);
  }
  return { state: { open }, events };
}

/** Pure function over a whole list of sightings (sorted by time here). */
export function sectionSpeeds(sightings: readonly PlateSighting[], sections: readonly SectionConfig[], newId: (atMs: number) => string): SectionSpeedEvent[] {
  let state = sectionInit();
  const out: SectionSpeedEvent[] = [];
  for (const s of [...sightings].sort((a, b) => a.atMs - b.atMs)) {
    const r = sectionStep(state, s, sections, newId);
    state = r.state;
    out.push(...r.events);
  }
  return out;
}
