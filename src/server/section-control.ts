/**
 * Section (average-speed) control in the running service. The plate reads of a section's entry and exit cameras
 * meet only here, at the central ingest: the ingest hands this component every batch of events once it is COMMITTED
 * (`Ingest.onCommitted`), the matcher of src/rules/section.ts pairs the plates, and each pair over the limit goes back
 * through the ingest as a `section_speed` event, stored as a `section_speeding` violation (its plate key, the exit
 * camera, the measured average speed and the class: the legal basis and labels of speeding follow from them).
 *
 * State is bounded by the matcher (the travel window, `maxOpen` per side). The id of a violation is derived from its
 * section and its two sightings, so a partner's retried batch, which is fed again, stores it once. Open entries live
 * in memory: a restart forgets them (a pass that spans the restart is not measured).
 */
import { createHash } from 'node:crypto';
import type { SectionConfig } from '../config/schema.js';
import type { ArgusEvent } from '../core/events.js';
import { ulid } from '../core/ids.js';
import type { PlateSighting, SectionSpeedEvent } from '../core/violation.js';
import { displayPlate } from '../plates/format.js';
import { SectionMatcher, type SectionMatcherOptions, type SectionMatcherStats } from '../rules/section.js';
import type { JsonValue, NewViolation } from '../store/store.js';

export interface SectionControlOptions extends SectionMatcherOptions {
  /** Sightings this far ahead of the clock are ignored: one bad clock must not age every open entry out (default 5 min). */
  readonly maxAheadMs?: number;
  readonly now?: () => number;
}

/** The id of a section violation: the exit's time, then a hash of the section and both sightings. */
export function sectionEventId(section: SectionConfig, entry: PlateSighting, exit: PlateSighting): string {
  const seed = createHash('sha256').update(JSON.stringify([section.id, entry.plate, entry.cameraId, entry.atMs, exit.cameraId, exit.atMs])).digest();
  return ulid(exit.atMs, seed);
}

/** The violation row of a section event (the ingest stores it with the event). */
export function sectionViolation(e: SectionSpeedEvent, details: JsonValue): NewViolation {
  return { id: e.id, cameraId: e.cameraId, atMs: e.atMs, kind: e.violation, plateKey: e.plate, plateDisplay: displayPlate(e.plate) ?? e.plate, details };
}

export class SectionControl {
  private readonly matcher: SectionMatcher;
  private readonly maxAheadMs: number;
  private readonly now: () => number;
  private ahead = 0;

  constructor(sections: readonly SectionConfig[], private readonly emit: (e: SectionSpeedEvent) => void, opts: SectionControlOptions = {}) {
    this.matcher = new SectionMatcher(sections, opts);
    this.maxAheadMs = opts.maxAheadMs ?? 300_000;
    this.now = opts.now ?? Date.now;
  }

  /** Events of a committed batch: their plate reads at a section's cameras, in time order. */
  feed(events: readonly ArgusEvent[]): void {
    const limit = this.now() + this.maxAheadMs;
    const sightings: PlateSighting[] = [];
    for (const e of events) {
      if (e.kind !== 'plate.read' || !this.matcher.watches(e.cameraId)) continue;
      if (e.atMs > limit) {
        this.ahead++;
        continue;
      }
      sightings.push({ plate: e.read.plate, cameraId: e.cameraId, atMs: e.atMs, cls: e.cls, ...(e.lineId !== undefined ? { lineId: e.lineId } : {}) });
    }
    sightings.sort((a, b) => a.atMs - b.atMs);
    for (const s of sightings) for (const v of this.matcher.step(s, (entry, exit, section) => sectionEventId(section, entry, exit))) this.emit(v);
  }

  /** Open sightings held (bounded by the travel window and `maxOpen`). */
  size(): number {
    return this.matcher.size();
  }

  stats(): SectionMatcherStats & { readonly ahead: number } {
    return { ...this.matcher.stats(), ahead: this.ahead };
  }
}
