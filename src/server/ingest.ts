/**
 * Events of the cameras and of partner systems into the store, in batches: line crossings → per-minute counts +
 * events, plate reads → sightings (+ watch-list hits → alerts), violations → violations (+ evidence), rule alerts →
 * alerts. A burst is queued (bounded: callers wait when it is full) and written every ~50 ms in ONE transaction
 * (store.writeBatch, idempotent); what a batch stored is then pushed to the live hub.
 *
 * - `handle(e)` / `handleMany(es)` resolve only when the batch that carries the events is COMMITTED: this is the
 *   acknowledgement of the ingest API (a 200 means durable, even if the process is killed the next instant).
 * - `event(e)` (the camera pipelines) resolves when the event is queued, so a camera never waits for a commit; it
 *   waits only while the queue is full (backpressure). A write that fails is logged with the events it lost.
 * - A watch-list hit makes its batch urgent (written at once, not after the timer); the alert is committed in the
 *   same transaction as its sighting, with an id derived from both, so a retried batch raises it once.
 */
import { createHash } from 'node:crypto';
import { relative, resolve, sep } from 'node:path';
import type { BlobStore } from '../bus/blobs.js';
import type { ArgusEvent, TrackAttributesEvent } from '../core/events.js';
import { ulid } from '../core/ids.js';
import { Histogram, type HistogramSnapshot } from '../core/metrics.js';
import type { FaceSeenEvent } from '../core/face.js';
import type { PlateReadEvent } from '../core/plate.js';
import { normalizePlateText } from '../plates/format.js';
import { matchPlate } from '../plates/match.js';
import type { HeatmapBucket } from '../core/heatmap.js';
import type { EventCount, EventRecord, EvidenceRecord, FaceRecord, IngestBatch, JsonValue, NewAlert, NewViolation, SightingRecord, Store, TrackAttributesRecord, WatchEntryRecord, WatchListRecord } from '../store/store.js';
import { isJpeg, writeCrop } from './crops.js';
import { FaceMatcher } from './face-matcher.js';
import { inside } from './evidence-files.js';
import { BatchQueue, type BatchQueueOptions, type QueueStats } from './ingest-queue.js';
import type { LiveHub } from './live.js';

/** Where committed events and alerts are pushed: the live hub, or (scaled mode) every replica's hub. */
export type LivePublisher = Pick<LiveHub, 'publish'>;

/** `live: false`: stored without the live push of its events (someone else pushes them). */
export interface HandleOptions {
  /** Push to the live hub once committed (default true; false where every replica follows the stream itself). */
  readonly live?: boolean;
  /** Written at once rather than after the flush interval (a caller that batched them already: the bus consumer). */
  readonly urgent?: boolean;
  /**
   * The events were parsed from JSON (the bus consumer): they hold no bytes and are stored as they are, not copied
   * through JSON again. The caller gives them up: they must not change after.
   */
  readonly parsed?: boolean;
}
import { sectionViolation } from './section-control.js';

export interface IngestLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface IngestOptions extends Partial<BatchQueueOptions> {
  /** How long a loaded copy of the watch lists is used before it is read again, ms (default 10 000). */
  readonly watchTtlMs?: number;
  /** Evidence root (`<data>/evidence`): package paths are stored relative to it, as the store requires. */
  readonly evidenceRoot?: string;
  /** Plate crops root (`<data>/crops`): a plate read's crop JPEG is written there before its sighting commits. */
  readonly cropsRoot?: string;
  /** The face watch lists (the service's, shared with exports); default: a matcher of this ingest's own. */
  readonly faceMatcher?: FaceMatcher;
  /** Face crops root (`<data>/faces`): the aligned face of a face.seen is written there before its row commits. */
  readonly facesRoot?: string;
  /** Where the cameras' plate crops arrive by reference (the bus carries no bytes): fetched, digest checked. */
  readonly cropBlobs?: Pick<BlobStore, 'get'>;
  /** Federation (a district): whether a camera's events are shared with the province (queued in the outbox with their batch). */
  readonly shared?: (cameraId: string) => boolean;
}

/** The event without binary fields, as stored and pushed; `parsed`: it came from JSON already (no bytes, no copy needed). */
export function eventPayload(e: ArgusEvent, parsed = false): JsonValue {
  if (parsed) return e as unknown as JsonValue;
  return JSON.parse(JSON.stringify(e, (k, v: unknown) => (k === 'cropJpeg' || v instanceof Uint8Array ? undefined : v))) as JsonValue;
}

/** The rows one unit (an event, or a partner's batch) adds to a batch. */
interface Rows {
  /** Its events are not pushed live after the commit (the scaled mode's stream consumer: every replica follows the stream itself). */
  quiet?: boolean;
  events: EventRecord[];
  sightings: SightingRecord[];
  counts: EventCount[];
  violations: NewViolation[];
  evidence: EvidenceRecord[];
  alerts: NewAlert[];
  /** Faces (their own table: never the events list, never federated). */
  faces: FaceRecord[];
  /** Ids of the events federation shares (queued in the outbox in the batch's transaction). */
  outbox: string[];
  /** Track summaries of attribute search (their own table: never listed with the events, never pushed live). */
  tracks: TrackAttributesRecord[];
}

/** Plate crops fetched and written at once per batch (each may wait on the blob store's network). */
const CROP_PARALLEL = 16;

const emptyRows = (): Rows => ({ events: [], sightings: [], counts: [], violations: [], evidence: [], alerts: [], faces: [], outbox: [], tracks: [] });

/** The alert id of a watch-list hit: the same sighting and entry give the same id (a retry dedupes). */
export const watchAlertId = (sightingId: string, entryId: string): string =>
  `wl${createHash('sha256').update(`${sightingId}\n${entryId}`).digest('hex').slice(0, 30)}`;

/** The plate key of a violation's plate text (display or key form), or null when no plate was read. */
const violationPlateKey = (plate: string | undefined): string | null => (plate === undefined ? null : normalizePlateText(plate) || null);

/**
 * A package path as the store keeps it: relative to the evidence root (the stage writes `<root>/<id>`). A path
 * outside the root is kept as the stage gave it, and the store refuses it (a misconfiguration, logged by the batch).
 */
export function evidencePath(root: string | undefined, uri: string): string {
  if (!root) return uri;
  const [r, abs] = [resolve(root), resolve(uri)];
  return inside(r, abs) ? relative(r, abs).split(sep).join('/') : uri;
}

/** An event that may carry a crop (plate reads, track summaries). */
type WithCrop = PlateReadEvent | FaceSeenEvent | TrackAttributesEvent;

/** A track summary as the store keeps it: the colour names per region, the rest as details. */
export function trackRow(e: TrackAttributesEvent, cropRef: string | null): TrackAttributesRecord {
  const names = (s: readonly { colour: string }[] | undefined): string[] => (s ?? []).slice(0, 2).map((c) => c.colour);
  return {
    id: e.id, cameraId: e.cameraId, trackId: e.trackId, cls: e.cls, firstMs: Math.round(e.firstMs), lastMs: Math.round(e.lastMs),
    upper: names(e.colours.upper), lower: names(e.colours.lower), body: names(e.colours.body),
    details: { colours: e.colours, startBox: e.startBox, endBox: e.endBox, samples: e.samples } as unknown as JsonValue, cropRef,
  };
}

export class Ingest {
  private watch: { entries: WatchEntryRecord[]; lists: Map<string, WatchListRecord>; loadedAtMs: number } | undefined;
  private readonly queue: BatchQueue<Rows>;
  private readonly watchTtlMs: number;
  private readonly evidenceRoot: string | undefined;
  private readonly cropsRoot: string | undefined;
  private readonly facesRoot: string | undefined;
  private readonly faceMatcher: FaceMatcher;
  private readonly committedListeners: Array<(events: readonly ArgusEvent[], o: { live: boolean }) => void> = [];
  private readonly cropBlobs: Pick<BlobStore, 'get'> | undefined;
  /** Time of each batch written to the store (one transaction), seconds. */
  private readonly writeLatency = new Histogram();
  private readonly shared: ((cameraId: string) => boolean) | undefined;

  constructor(private readonly store: Store, private readonly hub: LivePublisher, private readonly log: IngestLogger, opts: IngestOptions = {}) {
    this.watchTtlMs = opts.watchTtlMs ?? 10_000;
    this.evidenceRoot = opts.evidenceRoot;
    this.cropsRoot = opts.cropsRoot;
    this.facesRoot = opts.facesRoot;
    this.faceMatcher = opts.faceMatcher ?? new FaceMatcher(store, opts.watchTtlMs ?? 10_000);
    this.cropBlobs = opts.cropBlobs;
    this.shared = opts.shared;
    this.queue = new BatchQueue<Rows>(async (units) => {
      const t0 = performance.now();
      try {
        return await this.write(units);
      } finally {
        this.writeLatency.observe((performance.now() - t0) / 1000);
      }
    }, opts);
  }

  /** Told of the events of every batch once it is committed (section control pairs plates across cameras); `live`: as handled. */
  onCommitted(listener: (events: readonly ArgusEvent[], o: { live: boolean }) => void): void {
    this.committedListeners.push(listener);
  }

  /** Watch lists changed: reload before the next plate. */
  invalidateWatchLists(): void {
    this.watch = undefined;
  }

  /** Face watch lists changed: reload before the next face. */
  invalidateFaceLists(): void {
    this.faceMatcher.invalidate();
  }

  /** Closed heatmap buckets of the cameras (a few per camera every 5 minutes): stored at once, idempotent on their ids. */
  async heatmaps(buckets: readonly HeatmapBucket[]): Promise<void> {
    if (buckets.length > 0) await this.store.insertHeatmapBuckets(buckets);
  }

  /** An alert outside the event stream (signal loss, disk quota): written and pushed at once. */
  async raiseAlert(alert: Omit<NewAlert, 'id' | 'atMs'> & { atMs?: number }, o: HandleOptions = {}): Promise<NewAlert> {
    const full: NewAlert = { id: ulid(), atMs: alert.atMs ?? Date.now(), ...alert };
    await this.store.insertAlert(full);
    if (o.live ?? true) this.hub.publish({ topic: 'alert', cameraId: full.cameraId, data: full });
    return full;
  }

  /** The camera path: resolves once the event is queued (waits only while the queue is full). */
  async event(e: ArgusEvent): Promise<void> {
    const { committed } = await this.enqueue([e]);
    committed.catch((err: unknown) => this.log.warn({ err, eventId: e.id, cameraId: e.cameraId, kind: e.kind }, 'ingest batch failed: event not stored'));
  }

  /** Resolves when the event is committed (durable). */
  async handle(e: ArgusEvent, o: HandleOptions = {}): Promise<void> {
    await (await this.enqueue([e], o)).committed;
  }

  /**
   * Resolves when every event is committed; they travel in one batch (one transaction). `urgent`: written at once
   * rather than after the flush interval (a caller that batched them already: the bus consumer).
   */
  async handleMany(events: readonly ArgusEvent[], o: HandleOptions = {}): Promise<void> {
    if (events.length === 0) return;
    await (await this.enqueue(events, o)).committed;
  }

  stats(): QueueStats {
    return this.queue.getStats();
  }

  /** How long the store took for each batch (one transaction), seconds. */
  storeLatency(): HistogramSnapshot {
    return this.writeLatency.snapshot();
  }

  /** Writes what is queued and refuses more (the service is stopping). */
  async close(): Promise<void> {
    await this.queue.close();
  }

  private async enqueue(events: readonly ArgusEvent[], o: HandleOptions = {}): Promise<{ committed: Promise<void> }> {
    const crops = await this.saveCrops(events);
    const rows = emptyRows();
    if (o.live === false) rows.quiet = true;
    for (const e of events) await this.rowsOf(e, rows, crops, o.parsed ?? false);
    const queued = await this.queue.push(rows, events.length, (o.urgent ?? false) || rows.alerts.length > 0);
    this.afterCommit(queued.committed, events, o.live ?? true);
    return queued;
  }

  /** The committed-listeners get the events once their batch commits (a failed batch: its caller has the error). */
  private afterCommit(committed: Promise<void>, events: readonly ArgusEvent[], live: boolean): void {
    if (this.committedListeners.length === 0) return;
    void committed.then(() => {
      for (const listener of this.committedListeners) {
        try {
          listener(events, { live });
        } catch (err) {
          this.log.warn({ err }, 'a listener of committed events failed');
        }
      }
    }, () => undefined); // nothing was committed: nothing to tell (event() logs the failure, handle() rethrows it)
  }

  /** The crops of a batch's plate reads on disk, CROP_PARALLEL at a time (each may be a fetch from the blob store): id → cropRef. */
  private async saveCrops(events: readonly ArgusEvent[]): Promise<Map<string, string | null>> {
    const plates = events.filter((e): e is WithCrop => e.kind === 'plate.read' || e.kind === 'face.seen' || e.kind === 'track.attributes');
    const refs = new Map<string, string | null>();
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < plates.length) {
        const e = plates[next++]!;
        refs.set(e.id, await this.saveCrop(e, e.kind === 'face.seen' ? this.facesRoot : this.cropsRoot));
      }
    };
    await Promise.all(Array.from({ length: Math.min(CROP_PARALLEL, plates.length) }, lane));
    return refs;
  }

  private async rowsOf(e: ArgusEvent, out: Rows, crops: ReadonlyMap<string, string | null>, parsed: boolean): Promise<void> {
    if (e.kind === 'face.seen') {
      // Faces are not events: their own table, no live push of the face itself, never in the federation outbox.
      const alerts = await this.faceMatcher.alertsOf(e);
      out.alerts.push(...alerts);
      out.faces.push({
        id: e.id, cameraId: e.cameraId, atMs: e.atMs, trackId: e.trackId, box: e.box, quality: e.quality, model: e.model,
        embedding: Float32Array.from(e.embedding), cropRef: crops.get(e.id) ?? null, matched: alerts.length > 0,
      });
      return;
    }
    if (e.kind === 'track.attributes') {
      out.tracks.push(trackRow(e, crops.get(e.id) ?? null));
      return;
    }
    const payload = eventPayload(e, parsed);
    out.events.push({ id: e.id, cameraId: e.cameraId, atMs: e.atMs, kind: e.kind, payload });
    if (this.shared?.(e.cameraId)) out.outbox.push(e.id);
    switch (e.kind) {
      case 'line.cross':
        out.counts.push({ eventId: e.id, cameraId: e.cameraId, lineId: e.lineId, cls: e.cls, direction: e.direction, minuteMs: Math.floor(e.atMs / 60_000) * 60_000, n: 1 });
        break;
      case 'plate.read':
        out.sightings.push({
          id: e.id, cameraId: e.cameraId, atMs: e.atMs, plateKey: e.read.plate, display: e.read.display, confidence: e.read.confidence,
          category: e.read.category, cls: e.cls, trackId: e.trackId, direction: e.direction ?? null, cropRef: crops.get(e.id) ?? null,
        });
        out.alerts.push(...(await this.watchAlerts(e.cameraId, e.atMs, e.read.plate, e.read.display, e.id)));
        break;
      case 'violation':
        // The pipeline puts the display form on a violation (30A-123.45); the store searches by the key (30A12345).
        out.violations.push({ id: e.id, cameraId: e.cameraId, atMs: e.atMs, kind: e.violation, plateKey: violationPlateKey(e.plate), plateDisplay: e.plate ?? null, details: payload });
        if (e.evidence) {
          // The signed package (directory or URI as the evidence stage wrote it) and its manifest hash.
          out.evidence.push({
            id: `${e.id}-pkg`, violationId: e.id, eventId: null, kind: 'manifest', path: evidencePath(this.evidenceRoot, e.evidence.uri),
            sha256: e.evidence.manifestSha256 ?? '', bytes: 0, createdAtMs: e.atMs,
          });
        }
        break;
      case 'section_speed':
        out.violations.push(sectionViolation(e, payload));
        break;
      case 'alert':
        out.alerts.push({ id: `${e.id}-alert`, cameraId: e.cameraId, atMs: e.atMs, kind: e.alert, severity: 'warning', message: `${e.alert} (${e.ruleId})`, payload });
        break;
      default:
        break;
    }
  }

  /**
   * One transaction for the units of a batch, then the live push of what it stored. When the batch fails, each
   * unit is tried alone: one bad unit (a partner's batch the store refuses) fails alone, not the cameras' events.
   */
  private async write(units: Rows[]): Promise<void | unknown[]> {
    try {
      await this.writeRows(units);
    } catch (e) {
      if (units.length === 1) throw e;
      const errors: unknown[] = [];
      for (const u of units) errors.push(await this.writeRows([u]).then(() => undefined, (err: unknown) => err ?? new Error('write failed')));
      return errors;
    }
  }

  private async writeRows(units: Rows[]): Promise<void> {
    const all = emptyRows();
    for (const u of units) for (const k of Object.keys(all) as Array<Exclude<keyof Rows, 'quiet'>>) (all[k] as unknown[]).push(...u[k]);
    const batch: IngestBatch = all;
    const stored = await this.store.writeBatch(batch);
    for (const u of units) if (!u.quiet) for (const e of u.events) this.hub.publish({ topic: 'event', cameraId: e.cameraId, data: e.payload });
    const fresh = new Set(stored.newAlertIds);
    for (const a of all.alerts) if (fresh.has(a.id)) this.hub.publish({ topic: 'alert', cameraId: a.cameraId, data: a });
  }

  /**
   * The crop of a plate read on disk, before its batch is queued (so before it commits): its `cropRef`, or null (no
   * crop, no crops root, not a JPEG, or the write failed — logged; the sighting is stored without its thumbnail).
   */
  private async saveCrop(e: WithCrop, root: string | undefined): Promise<string | null> {
    if (!root) return null;
    const jpeg = e.cropJpeg ?? (await this.fetchCrop(e));
    if (!jpeg) return null;
    if (!isJpeg(jpeg)) {
      this.log.warn({ eventId: e.id, cameraId: e.cameraId }, 'crop is not a JPEG: stored without it');
      return null;
    }
    try {
      return await writeCrop(root, e.id, e.atMs, jpeg);
    } catch (err) {
      this.log.warn({ err, eventId: e.id, cameraId: e.cameraId }, 'crop not written: stored without it');
      return null;
    }
  }

  /** A camera's crop by its reference (the bytes must match its digest); a crop that cannot be had is logged. */
  private async fetchCrop(e: WithCrop): Promise<Uint8Array | undefined> {
    if (!e.crop || !this.cropBlobs) return undefined;
    try {
      return await this.cropBlobs.get(e.crop);
    } catch (err) {
      this.log.warn({ err, eventId: e.id, cameraId: e.cameraId }, 'crop not fetched: stored without it');
      return undefined;
    }
  }

  /** A sighting against every active watch-list entry: one alert per hit (written with the sighting). */
  private async watchAlerts(cameraId: string, atMs: number, plateKey: string, display: string, sightingId: string): Promise<NewAlert[]> {
    const now = Date.now();
    if (!this.watch || now - this.watch.loadedAtMs > this.watchTtlMs) {
      const [entries, lists] = await Promise.all([this.store.activeWatchEntries(now), this.store.listWatchLists()]);
      this.watch = { entries, lists: new Map(lists.map((l) => [l.id, l])), loadedAtMs: now };
    }
    const alerts: NewAlert[] = [];
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
      const list = this.watch.lists.get(entry.listId);
      alerts.push({
        id: watchAlertId(sightingId, entry.id), cameraId, atMs, kind: 'watchlist_hit', severity: list?.severity ?? 'warning',
        message: `${display} matches watch list "${list?.name ?? entry.listId}" (${entry.pattern})`,
        payload: { listId: entry.listId, entryId: entry.id, pattern: entry.pattern, plateKey, display, sightingId, matchKind: m.kind, note: entry.note },
      });
    }
    return alerts;
  }
}
