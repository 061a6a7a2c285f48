/**
 * ANPR-camera mode: no vehicle detector, no tracker. Frames → motion gate → the plate reader on the whole
 * frame (in its worker thread) → one `plate.read` event per plate per pass: the same plate (or one character
 * off, same length) seen again within `dedupSec` of its last sighting is the same pass. Reads happen on
 * moving frames (at most every `everySec`) and every `keepAliveSec` regardless (the first frame, a vehicle
 * that stopped). A live source skips frames while its last read is still out; a file waits for it.
 */
import sharp from 'sharp';
import type { MotionConfig } from '../config/schema.js';
import type { Box } from '../core/box.js';
import type { ObjectClass } from '../core/classes.js';
import { ulid } from '../core/ids.js';
import type { PlateRead, PlateReadEvent } from '../core/plate.js';
import type { Frame } from '../core/frame.js';
import { cropRgb, isValidPlateKey, rgbImage, type CropRead } from '../plates/index.js';
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

/** Plates seen recently, keyed by plate; sightings refresh the window; old ones are evicted. */
class RecentPlates {
  private readonly seen = new Map<string, number>();
  constructor(private readonly windowSec: number) {}
  /** True when this is a new pass. */
  see(plate: string, ptsSec: number): boolean {
    for (const [k, t] of this.seen) if (ptsSec - t > this.windowSec) this.seen.delete(k);
    const match = [...this.seen.keys()].find((k) => near(k, plate));
    this.seen.set(match ?? plate, ptsSec);
    return match === undefined;
  }
}

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
  let motion: MotionState | undefined;
  let lastRead = -Infinity;
  const n: AnprCounters = o.counters ?? { frames: 0, reads: 0, skipped: 0, plates: 0 };
  let firstPts: number | undefined;
  let lastPts = 0;
  let pass = 0;
  /** This camera's reads not yet answered (the host may be shared with other cameras: its own count is not ours). */
  let inFlight = 0;
  // Results are handled in frame order, one chain: dedup and events stay ordered.
  let chain: Promise<void> = Promise.resolve();

  const handle = async (f: Frame, found: readonly CropRead[]): Promise<void> => {
    for (const r of found) {
      const read = r.read;
      if (!read || read.confidence < minConf || !isValidPlateKey(read.plate) || !recent.see(read.plate, f.ptsSec)) continue;
      n.plates++;
      const event: PlateReadEvent = {
        id: ulid(f.capturedAtMs),
        cameraId: o.cameraId,
        atMs: f.capturedAtMs,
        ptsSec: f.ptsSec,
        kind: 'plate.read',
        trackId: ++pass,
        cls: classOf(read),
        read: toSource(read, f),
        reads: 1,
        ...(o.keepCrop && read.box ? { cropJpeg: await plateJpeg(f, read.box) } : {}),
      };
      await o.onEvent?.(event);
    }
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
    if (!due) continue;
    if (inFlight > 0) {
      if (o.live) {
        n.skipped++;
        continue;
      }
      await chain;
    }
    lastRead = f.ptsSec;
    n.reads++;
    // Settled at once (no rejection left unhandled while earlier results are still being handled).
    inFlight++;
    const job = o.host.read('find', f.rgb.slice(), f.size.width, f.size.height).then(
      (found) => ({ found }),
      (error: unknown) => ({ error }),
    );
    void job.then(() => inFlight--);
    chain = chain.then(async () => {
      const got = await job;
      if ('error' in got) throw got.error;
      await handle(f, got.found);
    });
  }
  await chain;
  const wallSec = (performance.now() - started) / 1000;
  return { frames: n.frames, seconds: round3(lastPts - (firstPts ?? 0)), wallSec: round3(wallSec), reads: n.reads, skipped: n.skipped, plates: n.plates };
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
