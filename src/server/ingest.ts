/**
 * Events of the cameras into the store: line crossings → per-minute counts + events, plate reads → sightings
 * (+ watch-list hits → alerts at once), violations → violations, rule alerts → alerts. Everything is also pushed
 * to the live hub.
 */
import type { ArgusEvent } from '../core/events.js';
import { ulid } from '../core/ids.js';
import { matchPlate } from '../plates/match.js';
import type { JsonValue, NewAlert, Store, WatchEntryRecord } from '../store/store.js';
import type { LiveHub } from './live.js';

export interface IngestLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

/** The event without binary fields, as stored and pushed. */
export function eventPayload(e: ArgusEvent): JsonValue {
  return JSON.parse(JSON.stringify(e, (k, v: unknown) => (k === 'cropJpeg' || v instanceof Uint8Array ? undefined : v))) as JsonValue;
}

export class Ingest {
  private watch: { entries: WatchEntryRecord[]; loadedAtMs: number } | undefined;

  constructor(private readonly store: Store, private readonly hub: LiveHub, private readonly log: IngestLogger, private readonly watchTtlMs = 10_000) {}

  /** Watch lists changed: reload before the next plate. */
  invalidateWatchLists(): void {
    this.watch = undefined;
  }

  async raiseAlert(alert: Omit<NewAlert, 'id' | 'atMs'> & { atMs?: number }): Promise<NewAlert> {
    const full: NewAlert = { id: ulid(), atMs: alert.atMs ?? Date.now(), ...alert };
    await this.store.insertAlert(full);
    this.hub.publish({ topic: 'alert', cameraId: full.cameraId, data: full });
    return full;
  }

  async event(e: ArgusEvent): Promise<void> {
    const payload = eventPayload(e);
    await this.store.insertEvents([{ id: e.id, cameraId: e.cameraId, atMs: e.atMs, kind: e.kind, payload }]);
    switch (e.kind) {
      case 'line.cross':
        await this.store.addCounts([{ cameraId: e.cameraId, lineId: e.lineId, cls: e.cls, direction: e.direction, minuteMs: Math.floor(e.atMs / 60_000) * 60_000, n: 1 }]);
        break;
      case 'plate.read':
        await this.store.insertSightings([{
          id: e.id, cameraId: e.cameraId, atMs: e.atMs, plateKey: e.read.plate, display: e.read.display, confidence: e.read.confidence,
          category: e.read.category, cls: e.cls, trackId: e.trackId, direction: e.direction ?? null, cropRef: null,
        }]);
        await this.matchWatchLists(e.cameraId, e.atMs, e.read.plate, e.read.display, e.id);
        break;
      case 'violation':
        await this.store.insertViolation({
          id: e.id, cameraId: e.cameraId, atMs: e.atMs, kind: e.violation, plateKey: e.plate ?? null, plateDisplay: e.plate ?? null, details: payload,
        });
        if (e.evidence) {
          // The signed package (directory or URI as the evidence stage wrote it) and its manifest hash.
          await this.store.putEvidence({
            id: `${e.id}-pkg`, violationId: e.id, eventId: null, kind: 'manifest', path: e.evidence.uri,
            sha256: e.evidence.manifestSha256 ?? '', bytes: 0, createdAtMs: e.atMs,
          });
        }
        break;
      case 'alert':
        await this.raiseAlert({ cameraId: e.cameraId, atMs: e.atMs, kind: e.alert, severity: 'warning', message: `${e.alert} (${e.ruleId})`, payload });
        break;
      default:
        break;
    }
    this.hub.publish({ topic: 'event', cameraId: e.cameraId, data: payload });
  }

  /** A sighting against every active watch-list entry; each hit raises an alert immediately. */
  async matchWatchLists(cameraId: string, atMs: number, plateKey: string, display: string, sightingId: string): Promise<number> {
    const now = Date.now();
    if (!this.watch || now - this.watch.loadedAtMs > this.watchTtlMs) this.watch = { entries: await this.store.activeWatchEntries(now), loadedAtMs: now };
    let hits = 0;
    for (const entry of this.watch.entries) {
      if (entry.expiresAtMs !== null && entry.expiresAtMs <= now) continue;
      let m;
      try {
        m = matchPlate(entry.pattern, plateKey);
      } catch (e) {
        this.log.warn({ err: e, entry: entry.id }, 'watch-list entry has an invalid pattern');
        continue;
      }
      if (!m.match) continue;
      hits++;
      const list = await this.store.getWatchList(entry.listId);
      await this.raiseAlert({
        cameraId, atMs, kind: 'watchlist_hit', severity: list?.severity ?? 'warning',
        message: `${display} matches watch list "${list?.name ?? entry.listId}" (${entry.pattern})`,
        payload: { listId: entry.listId, entryId: entry.id, pattern: entry.pattern, plateKey, display, sightingId, matchKind: m.kind, note: entry.note },
      });
    }
    return hits;
  }
}
