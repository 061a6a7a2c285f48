import type { VehicleClass } from '../core/classes.js';
import type { PlateSighting, SectionSpeedEvent } from '../core/violation.js';
import type { SectionConfig } from '../config/schema.js';

/**
 * Section (average-speed) control over plate sightings from the ANPR points of the configured sections: the same
 * plate at a section's entry and then at its exit, at most `maxTravelMs` apart, travelled `distanceM` at an average
 * speed; over the class limit plus tolerance, that is a `section_speeding` event.
 *
 * Unlike the per-camera rules (pure state machines over one camera's frames), this matcher sees the plate reads of
 * many cameras at the central ingest, up to thousands a minute: its state is mutated in place so a sighting costs
 * O(1), and it is bounded: entries older than `maxTravelMs` before the newest sighting are evicted, and at most
 * `maxOpen` are kept per section and side (the oldest go first). Sightings may arrive out of time order (partners post
 * in batches): an exit seen before its entry waits, as long, for the entry. `sectionSpeeds` is the pure form.
 */

export interface SectionMatcherOptions {
  /** Open sightings kept per section and side at most (default 50 000). */
  readonly maxOpen?: number;
  /** An average above this is a misread or a clock error, not a violation (default 400 km/h). */
  readonly maxPlausibleKmh?: number;
}

export interface SectionMatcherStats {
  /** Pairs over the limit. */
  readonly events: number;
  /** Pairs at an average above `maxPlausibleKmh`, dropped. */
  readonly implausible: number;
  /** Open sightings dropped because a section side was full. */
  readonly overflow: number;
}

const matches = (s: PlateSighting, point: SectionConfig['entry']): boolean =>
  s.cameraId === point.camera && (point.line === undefined || s.lineId === point.line);

function limitFor(section: SectionConfig, cls: PlateSighting['cls']): number {
  const l = section.speedLimits;
  return (cls !== undefined && cls !== 'person' && cls !== 'traffic_light' ? l[cls as VehicleClass] : undefined) ?? l.default;
}

/** One section's open sightings: plate → sighting, in the order they came (eviction runs from the front). */
interface Open {
  readonly entries: Map<string, PlateSighting>;
  /** Exits whose entry has not been seen (yet). */
  readonly exits: Map<string, PlateSighting>;
}

export class SectionMatcher {
  private readonly open = new Map<string, Open>();
  private newestMs = -Infinity;
  private readonly maxOpen: number;
  private readonly maxKmh: number;
  private counts = { events: 0, implausible: 0, overflow: 0 };

  constructor(private readonly sections: readonly SectionConfig[], opts: SectionMatcherOptions = {}) {
    this.maxOpen = opts.maxOpen ?? 50_000;
    this.maxKmh = opts.maxPlausibleKmh ?? 400;
    for (const s of sections) this.open.set(s.id, { entries: new Map(), exits: new Map() });
  }

  /** Whether a sighting at this camera can matter to any section (the others are not worth a look). */
  watches(cameraId: string): boolean {
    return this.sections.some((s) => s.entry.camera === cameraId || s.exit.camera === cameraId);
  }

  /** Feed one sighting; `newId` stamps the events (the same pair should get the same id: a replay then dedupes). */
  step(s: PlateSighting, newId: (entry: PlateSighting, exit: PlateSighting, section: SectionConfig) => string): SectionSpeedEvent[] {
    this.newestMs = Math.max(this.newestMs, s.atMs);
    const events: SectionSpeedEvent[] = [];
    for (const section of this.sections) {
      const open = this.open.get(section.id)!;
      this.evict(open, section.maxTravelMs);
      if (s.atMs < this.newestMs - section.maxTravelMs) continue; // too late to pair with anything still open
      const atExit = matches(s, section.exit);
      const atEntry = matches(s, section.entry);
      if (atExit) {
        const entry = open.entries.get(s.plate);
        if (entry && s.atMs > entry.atMs && s.atMs - entry.atMs <= section.maxTravelMs) {
          open.entries.delete(s.plate);
          this.pair(section, entry, s, newId, events);
          continue;
        }
        const waiting = open.exits.get(s.plate);
        if (!waiting || s.atMs < waiting.atMs) this.keep(open.exits, s);
      }
      if (atEntry) {
        const exit = open.exits.get(s.plate);
        if (exit && exit.atMs > s.atMs && exit.atMs - s.atMs <= section.maxTravelMs) {
          open.exits.delete(s.plate);
          this.pair(section, s, exit, newId, events);
          continue;
        }
        const held = open.entries.get(s.plate);
        if (!held || s.atMs > held.atMs) this.keep(open.entries, s);
      }
    }
    return events;
  }

  /** Open sightings held, all sections and sides (for leak checks). */
  size(): number {
    let n = 0;
    for (const o of this.open.values()) n += o.entries.size + o.exits.size;
    return n;
  }

  stats(): SectionMatcherStats {
    return { ...this.counts };
  }

  private keep(side: Map<string, PlateSighting>, s: PlateSighting): void {
    side.delete(s.plate); // re-inserted at the end: insertion order stays arrival order
    side.set(s.plate, s);
    if (side.size > this.maxOpen) {
      side.delete(side.keys().next().value!);
      this.counts.overflow++;
    }
  }

  /** Drops sightings older than the travel window before the newest one, from the front (amortised O(1)). */
  private evict(open: Open, maxTravelMs: number): void {
    const cutoff = this.newestMs - maxTravelMs;
    for (const side of [open.entries, open.exits]) {
      for (const [plate, s] of side) {
        if (s.atMs >= cutoff) break; // arrival order is nearly time order; a straggler behind goes with the cap or later
        side.delete(plate);
      }
    }
  }

  private pair(section: SectionConfig, entry: PlateSighting, exit: PlateSighting, newId: Parameters<SectionMatcher['step']>[1], out: SectionSpeedEvent[]): void {
    const travelMs = exit.atMs - entry.atMs;
    const speedKmh = (section.distanceM / (travelMs / 1000)) * 3.6;
    if (speedKmh > this.maxKmh) {
      this.counts.implausible++;
      return;
    }
    const cls = exit.cls ?? entry.cls;
    const limitKmh = limitFor(section, cls);
    if (speedKmh <= limitKmh + section.toleranceKmh) return;
    this.counts.events++;
    out.push({
      id: newId(entry, exit, section),
      kind: 'section_speed',
      violation: 'section_speeding',
      sectionId: section.id,
      plate: exit.plate,
      cameraId: exit.cameraId,
      atMs: exit.atMs,
      entry,
      exit,
      ...(cls !== undefined ? { cls } : {}),
      measurements: { speedKmh: Math.round(speedKmh * 10) / 10, limitKmh, travelMs, distanceM: section.distanceM },
    });
  }
}

/** Pure function over a whole list of sightings (fed in time order). `newId` stamps event ids. */
export function sectionSpeeds(sightings: readonly PlateSighting[], sections: readonly SectionConfig[], newId: (atMs: number) => string): SectionSpeedEvent[] {
  const m = new SectionMatcher(sections);
  return [...sightings].sort((a, b) => a.atMs - b.atMs).flatMap((s) => m.step(s, (_entry, exit) => newId(exit.atMs)));
}
