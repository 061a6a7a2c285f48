/**
 * ANPR-camera mode: no vehicle detector. Frames → motion gate → the plate reader on the whole frame (in its
 * worker thread) → plate tracks (plates/plate-tracker.ts: the reads of one plate over frames, joined by text and
 * overlap, fused) → one `plate.read` event per plate per pass: as soon as two witnesses agree on it (the tracker's
 * `takeConfirmed`: two frames, or one frame that PP-OCR alone reads the same) or reads that differ keep fusing to the
 * same confident plate (three reads, stable over the last two), else when the track ends. A track that
 * ends partial (cut
 * off at the frame's edge, reads that disagree, too faint, not a plate by the grammar) is counted, not reported.
 * The same plate (or one character off, same length) whose track starts within `dedupSec` of its last sighting
 * is the same pass. Reads happen on moving frames (at most every `everySec`) and every `keepAliveSec` regardless
 * (the first frame, a vehicle that stopped). Up to the host's `slots` reads are out at once (two plate workers read
 * two frames on two cores); a live source skips frames while every slot is busy, a file waits for the oldest read.
 */
import sharp from 'sharp';
import type { MotionConfig } from '../config/schema.js';
import type { Box } from '../core/box.js';
import type { ObjectClass } from '../core/classes.js';
import { ulid } from '../core/ids.js';
import type { PlateRead, PlateReadEvent } from '../core/plate.js';
import type { Frame } from '../core/frame.js';
import { cropRgb, isValidPlateKey, rgbImage, type CropRead } from '../plates/index.js';
import { createPlateTracker, type EndedPlateTrack, type PlateObservation } from '../plates/plate-tracker.js';
import { motionStep, type MotionMasks, type MotionState } from '../video/motion.js';
import type { FrameSource } from '../video/source.js';
import type { PlateHost } from './plate-host.js';

export interface AnprOptions {
  readonly cameraId: string;
  readonly source: FrameSource;
  readonly host: PlateHost;
  readonly motion: MotionConfig;
  readonly masks?: MotionMasks;
  /** Live source: skip frames while the reader is busy. */
  readonly live?: boolean;
  /** Seconds between reads while there is motion (default 0.25). */
  readonly everySec?: number;
  /** Same plate within this many seconds of its last sighting → the same pass (default 10). */
  readonly dedupSec?: number;
  /** A plate track not seen for this long ends and gives its plate (default 1.5 s: three frames at 2 fps). */
  readonly trackGapSec?: number;
  /** Witnesses that report a plate while its track is live (plate-tracker's `confirmWitnesses`; default 2, 0 = at the track's end). */
  readonly confirmWitnesses?: number;
  /** Minimum read confidence (default 0.1: the photos' real plates read down to 0.14 — confidence alone does not tell misreads). */
  readonly minConfidence?: number;
  readonly onEvent?: (e: PlateReadEvent) => Promise<void> | void;
  /** Every decoded frame (the service's live snapshot and frame counters). */
  readonly onFrame?: (f: Frame) => void;
  /** Counters kept up to date while it runs (the service's camera status); the summary has the final ones. */
  readonly counters?: AnprCounters;
  /** Put the plate's pixels on each event as a JPEG (`cropJpeg`, default false). */
  readonly keepCrop?: boolean;
  readonly signal?: AbortSignal;
}

export interface AnprCounters {
  frames: number;
  reads: number;
  skipped: number;
  plates: number;
  /** Plate tracks that ended partial (not reported). */
  partial?: number;
}

export interface AnprSummary {
  readonly frames: number;
  readonly seconds: number;
  readonly wallSec: number;
  /** Frames handed to the reader. */
  readonly reads: number;
  /** Frames skipped because the reader was busy (live sources). */
  readonly skipped: number;
  readonly plates: number;
  /** Plate tracks that ended partial: cut off, reads that disagree, too faint (counted, not reported). */
  readonly partial: number;
  /** Mean milliseconds of one whole-frame read (localise + read every candidate, in the plate worker; 0: none). */
  readonly readMs: number;
}

/** Same length and at most one character different. */
const near = (a: string, b: string): boolean => {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && ++d > 1) return false;
  return true;
};

/** Without a detector the class is a guess from the plate: a motorbike series is a letter and a digit (59-U1). */
const classOf = (read: PlateRead): ObjectClass => (/^\d{2}[A-Z]\d$/.test(read.lines[0] ?? '') && read.lines.length === 2 ? 'motorcycle' : 'car');

/** Plates reported recently, keyed by plate, with their last sighting; sightings refresh the window; old ones are evicted. */
class RecentPlates {
  private readonly seen = new Map<string, number>();
  constructor(private readonly windowSec: number) {}
  /** A track of `plate` seen from `firstSec` to `lastSec`: true when this is a new pass. */
  see(plate: string, firstSec: number, lastSec: number): boolean {
    for (const [k, t] of this.seen) if (firstSec - t > this.windowSec) this.seen.delete(k);
    const match = [...this.seen.keys()].find((k) => near(k, plate));
    this.seen.set(match ?? plate, Math.max(lastSec, this.seen.get(match ?? plate) ?? -Infinity));
    return match === undefined;
  }
}

/** What a plate track keeps of each read: the frame's time and, when crops are kept, the plate's JPEG. */
interface ReadAt {
  readonly atMs: number;
  readonly ptsSec: number;
  /** The read's box in source pixels. */
  readonly box?: Box;
  readonly jpeg?: Promise<Uint8Array>;
}

/** The first recogniser's text of the line hypothesis that gave the read (`raw`'s last entry: experts ' / ', lines '|'). */
const expertText = (r: CropRead): string | undefined => r.raw.at(-1)?.split(' / ')[0]?.replace(/[^0-9A-Z]/g, '');

/** Scale a read's box from analysed-frame pixels to source pixels (like every box in events). */
function toSource(read: PlateRead, f: Frame): PlateRead {
  const b = read.box;
  if (!b) return read;
  const sx = f.sourceSize.width / f.size.width;
  const sy = f.sourceSize.height / f.size.height;
  return { ...read, box: { x1: b.x1 * sx, y1: b.y1 * sy, x2: b.x2 * sx, y2: b.y2 * sy } };
}

/** The plate's pixels (box in analysed-frame pixels, a little margin) as a JPEG. */
async function plateJpeg(f: Frame, b: Box): Promise<Uint8Array> {
  const crop = cropRgb(rgbImage(f.rgb, f.size.width, f.size.height), b.x1 - 2, b.y1 - 2, b.x2 - b.x1 + 4, b.y2 - b.y1 + 4);
  return new Uint8Array(await sharp(crop.data, { raw: { width: crop.width, height: crop.height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer());
}

export async function runAnpr(o: AnprOptions): Promise<AnprSummary> {
  const started = performance.now();
  const everySec = o.everySec ?? 0.25;
  const minConf = o.minConfidence ?? 0.1;
  const recent = new RecentPlates(o.dedupSec ?? 10);
  const tracker = createPlateTracker<ReadAt>({ maxGapSec: o.trackGapSec ?? 1.5, ...(o.confirmWitnesses !== undefined ? { confirmWitnesses: o.confirmWitnesses } : {}) });
  let motion: MotionState | undefined;
  let lastRead = -Infinity;
  const n: AnprCounters = o.counters ?? { frames: 0, reads: 0, skipped: 0, plates: 0 };
  n.partial ??= 0;
  let firstPts: number | undefined;
  let lastPts = 0;
  let pass = 0;
  /** This camera's reads not yet answered (the host may be shared with other cameras: its own count is not ours). */
  let inFlight = 0;
  let readMsTotal = 0;
  /** The reads out, oldest first (a file source waits for the oldest when every slot is taken). */
  const oldest = new Set<Promise<void>>();
  // Results are handled in frame order, one chain: tracks and events stay ordered.
  let chain: Promise<void> = Promise.resolve();

  /** One `plate.read` for a track's plate (confirmed while live, or ended), unless its pass was reported already. */
  const emit = async (t: EndedPlateTrack<ReadAt>): Promise<void> => {
    const fused = t.fused;
    if (!recent.see(fused.plate, t.firstSec, t.lastSec)) return;
    n.plates++;
    const at = fused.best.crop!;
    const read: PlateRead = { plate: fused.plate, display: fused.display, confidence: fused.confidence, category: fused.category, lines: fused.lines, ...(at.box ? { box: at.box } : {}) };
    const jpeg = at.jpeg ? await at.jpeg : undefined;
    const event: PlateReadEvent = {
      id: ulid(at.atMs),
      cameraId: o.cameraId,
      atMs: at.atMs,
      ptsSec: at.ptsSec,
      kind: 'plate.read',
      trackId: ++pass,
      cls: classOf(read),
      read,
      reads: fused.reads,
      ...(jpeg ? { cropJpeg: jpeg } : {}),
    };
    await o.onEvent?.(event);
  };

  const report = async (ended: readonly EndedPlateTrack<ReadAt>[]): Promise<void> => {
    for (const t of ended) {
      if (t.confirmedPlate !== undefined) {
        // Reported when it was confirmed: its pass now lasts until the track's end (the dedup window runs from there).
        recent.see(t.confirmedPlate, t.firstSec, t.lastSec);
        continue;
      }
      if (t.partial) {
        n.partial = (n.partial ?? 0) + 1;
        continue;
      }
      await emit(t);
    }
  };

  const handle = async (f: Frame, found: readonly CropRead[]): Promise<void> => {
    const observations: PlateObservation<ReadAt>[] = [];
    for (const r of found) {
      const read = r.read;
      if (!read?.box || read.confidence < minConf || !isValidPlateKey(read.plate)) continue;
      const src = toSource(read, f).box;
      const crop: ReadAt = {
        atMs: f.capturedAtMs,
        ptsSec: f.ptsSec,
        ...(src ? { box: src } : {}),
        ...(o.keepCrop ? { jpeg: plateJpeg(f, read.box) } : {}),
      };
      crop.jpeg?.catch(() => undefined);
      observations.push({
        box: read.box,
        ...(r.region ? { region: r.region } : {}),
        ...(expertText(r) !== undefined ? { expertText: expertText(r)! } : {}),
        read: { plate: read.plate, lines: read.lines, confidence: read.confidence, charProbs: r.charProbs, sharpness: r.sharpness, category: read.category, atMs: f.capturedAtMs, crop },
      });
    }
    await report(tracker.update(f.ptsSec, observations, f.size.width, f.size.height));
    // A plate enough witnesses agree on goes out now, not when the vehicle has left (a watch-list hit is urgent).
    for (const t of tracker.takeConfirmed()) await emit(t);
  };

  for await (const f of o.source) {
    if (o.signal?.aborted) break;
    o.onFrame?.(f);
    const m = motionStep(motion, f, o.motion, o.masks);
    motion = m.state;
    n.frames++;
    firstPts ??= f.ptsSec;
    lastPts = f.ptsSec;
    const due = (m.motion && f.ptsSec - lastRead >= everySec) || f.ptsSec - lastRead >= o.motion.keepAliveSec;
    if (!due) {
      // Tracks not seen for a while end on time even while nothing is read (after the reads still out).
      if (tracker.size > 0) chain = chain.then(() => report(tracker.expire(f.ptsSec)));
      continue;
    }
    // As many reads out at once as the host runs (its workers, a core each); results are still handled in frame order.
    if (inFlight >= Math.max(1, o.host.slots)) {
      if (o.live) {
        n.skipped++;
        continue;
      }
      await oldest.values().next().value;
    }
    lastRead = f.ptsSec;
    n.reads++;
    // Settled at once (no rejection left unhandled while earlier results are still being handled).
    inFlight++;
    const t0 = performance.now();
    const job = o.host.read('find', f.rgb.slice(), f.size.width, f.size.height).then(
      (found) => ({ found }),
      (error: unknown) => ({ error }),
    );
    const answered: Promise<void> = job.then(() => {
      inFlight--;
      readMsTotal += performance.now() - t0;
      oldest.delete(answered);
    });
    oldest.add(answered);
    chain = chain.then(async () => {
      const got = await job;
      if ('error' in got) throw got.error;
      await handle(f, got.found);
    });
  }
  await chain;
  await report(tracker.flush());
  const wallSec = (performance.now() - started) / 1000;
  return { frames: n.frames, seconds: round3(lastPts - (firstPts ?? 0)), wallSec: round3(wallSec), reads: n.reads, skipped: n.skipped, plates: n.plates, partial: n.partial ?? 0, readMs: n.reads > 0 ? Math.round(readMsTotal / n.reads) : 0 };
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
