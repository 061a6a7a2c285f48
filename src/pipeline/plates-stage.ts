/**
 * Plates in video: for each vehicle track, a few crops of the vehicle (every `everySec` while it is big
 * enough, at most `maxReadsPerTrack`) are read in the plate worker; the reads of one pass are fused, and ONE
 * `plate.read` event is emitted per vehicle pass when the track crosses a counting line (if the fused read is
 * already good) or ends. Work is bounded: at most `maxQueue` crops wait for the worker; a live source drops
 * reads when the queue is full, a file waits for the oldest one. Per-track state is dropped once emitted/ended.
 */
import sharp from 'sharp';
import { isVehicleClass, type ObjectClass } from '../core/classes.js';
import type { CrossDirection } from '../core/direction.js';
import type { ArgusEvent } from '../core/events.js';
import { ulid } from '../core/ids.js';
import type { PlateReadEvent } from '../core/plate.js';
import type { Track, TrackId } from '../core/track.js';
import { cropRgb, createPlateFusion, isValidPlateKey, rgbImage, type CropRead, type FusedPlate, type RgbImage } from '../plates/index.js';
import type { FrameResult, FrameStage } from './analysis.js';
import type { PlateHost } from './plate-host.js';

export interface PlatesStageOptions {
  readonly cameraId: string;
  readonly host: PlateHost;
  /** Live source: drop reads when the queue is full (never fall behind). Files wait instead. */
  readonly live?: boolean;
  /** Seconds between two reads of one track (default 0.4). */
  readonly everySec?: number;
  /** Reads per track at most (default 6). */
  readonly maxReadsPerTrack?: number;
  /** Vehicle box height (analysed-frame pixels) below which no read is tried (default 40). */
  readonly minHeightPx?: number;
  /** Crops waiting for the worker at most (default 4). */
  readonly maxQueue?: number;
  /** Fused confidence an event needs (default 0.25). */
  readonly minConfidence?: number;
  /** Keep the best plate crop as JPEG on the event (default true). */
  readonly keepCrop?: boolean;
}

export interface PlatesStageStats {
  readonly requested: number;
  readonly dropped: number;
  readonly reads: number;
  readonly emitted: number;
  readonly rejected: number;
}

export interface PlatesStage extends FrameStage {
  stats(): PlatesStageStats;
}

const PLATE_CLASSES: ReadonlySet<ObjectClass> = new Set(['car', 'bus', 'truck', 'motorcycle']);

interface TrackState {
  cls: ObjectClass;
  lastReadPts: number;
  requested: number;
  pending: number;
  direction?: CrossDirection;
  lineId?: string;
  /** Set when the pass is over (crossed with a good read, or ended): emit once pending reads are in. */
  closing?: { atMs: number; ptsSec: number; ended: boolean };
}

/** Source-pixel box → padded crop rectangle in analysed-frame pixels. */
function vehicleCrop(t: Track, r: FrameResult): { x: number; y: number; w: number; h: number } {
  const sx = r.frame.size.width / r.frame.sourceSize.width;
  const sy = r.frame.size.height / r.frame.sourceSize.height;
  const w = (t.box.x2 - t.box.x1) * sx;
  const h = (t.box.y2 - t.box.y1) * sy;
  const pad = 0.08;
  return { x: t.box.x1 * sx - pad * w, y: t.box.y1 * sy - pad * h, w: w * (1 + 2 * pad), h: h * (1 + 2 * pad) };
}

/** The plate's pixels out of the crop it was read from (for the evidence JPEG). */
function plateCrop(img: RgbImage, read: CropRead): RgbImage | undefined {
  const b = read.read?.box;
  return b ? cropRgb(img, b.x1, b.y1, b.x2 - b.x1, b.y2 - b.y1) : undefined;
}

export function createPlatesStage(o: PlatesStageOptions): PlatesStage {
  const everySec = o.everySec ?? 0.4;
  const maxReads = o.maxReadsPerTrack ?? 6;
  const minH = o.minHeightPx ?? 40;
  const maxQueue = o.maxQueue ?? 4;
  const minConf = o.minConfidence ?? 0.25;
  const fusion = createPlateFusion<RgbImage | undefined>({ maxReadsPerTrack: maxReads });
  const tracks = new Map<TrackId, TrackState>();
  const inFlight = new Set<Promise<void>>();
  const counts = { requested: 0, dropped: 0, reads: 0, emitted: 0, rejected: 0 };
  let failure: unknown;
  /** The latest frame seen: passes still open when the source ends close at its time. */
  let last: FrameResult['frame'] | undefined;

  const submit = (id: TrackId, st: TrackState, img: RgbImage, atMs: number): void => {
    st.pending++;
    counts.requested++;
    // The track's class goes with the crop: a motorbike's plate and a car's differ in layout (plates/vehicle-prior.ts).
    const job = o.host.read('find', img.data.slice(), img.width, img.height, isVehicleClass(st.cls) ? st.cls : undefined).then(
      (reads) => {
        const best = reads[0];
        if (!best?.read) return;
        counts.reads++;
        const rd = best.read;
        fusion.add(id, { plate: rd.plate, lines: rd.lines, confidence: rd.confidence, charProbs: best.charProbs, sharpness: best.sharpness, category: rd.category, atMs, crop: plateCrop(img, best) });
      },
      (e: unknown) => {
        failure ??= e;
      },
    );
    const tracked = job.finally(() => {
      st.pending--;
      inFlight.delete(tracked);
    });
    inFlight.add(tracked);
  };

  const room = async (): Promise<boolean> => {
    if (inFlight.size < maxQueue) return true;
    if (o.live) return false;
    await Promise.race(inFlight);
    return true;
  };

  async function toEvent(id: TrackId, st: TrackState, fused: FusedPlate<RgbImage | undefined>): Promise<PlateReadEvent> {
    const c = st.closing!;
    const crop = o.keepCrop === false ? undefined : fused.best.crop;
    const jpeg = crop ? new Uint8Array(await sharp(crop.data, { raw: { width: crop.width, height: crop.height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer()) : undefined;
    return {
      id: ulid(c.atMs),
      cameraId: o.cameraId,
      atMs: c.atMs,
      ptsSec: c.ptsSec,
      kind: 'plate.read',
      trackId: id,
      cls: st.cls,
      ...(st.direction ? { direction: st.direction } : {}),
      ...(st.lineId ? { lineId: st.lineId } : {}),
      read: { plate: fused.plate, display: fused.display, confidence: fused.confidence, category: fused.category, lines: fused.lines },
      reads: fused.reads,
      ...(jpeg ? { cropJpeg: jpeg } : {}),
    };
  }

  /** Passes that are over and have no read in flight: fuse, emit when good, forget. */
  async function flush(): Promise<PlateReadEvent[]> {
    const out: PlateReadEvent[] = [];
    for (const [id, st] of tracks) {
      if (!st.closing || st.pending > 0) continue;
      const fused = fusion.end(id);
      tracks.delete(id);
      if (fused && fused.confidence >= minConf && isValidPlateKey(fused.plate)) {
        counts.emitted++;
        out.push(await toEvent(id, st, fused));
      } else if (fused) counts.rejected++;
    }
    return out;
  }

  function close(id: TrackId, r: FrameResult, ended: boolean): void {
    const st = tracks.get(id);
    if (st && !st.closing) st.closing = { atMs: r.frame.capturedAtMs, ptsSec: r.frame.ptsSec, ended };
  }

  async function step(r: FrameResult): Promise<readonly ArgusEvent[]> {
    if (failure !== undefined) throw failure;
    last = r.frame;
    for (const e of r.events) {
      if (e.kind !== 'line.cross') continue;
      const st = tracks.get(e.trackId);
      if (!st) continue;
      st.direction ??= e.direction;
      st.lineId ??= e.lineId;
      // A good read already: emit now (the rules can attach it to a violation); else read on until the end.
      const now = fusion.peek(e.trackId);
      if (now && now.confidence >= minConf && isValidPlateKey(now.plate)) close(e.trackId, r, false);
    }
    for (const id of r.ended) close(id, r, true);
    if (r.detections !== undefined) await readTracks(r);
    return flush();
  }

  async function readTracks(r: FrameResult): Promise<void> {
    let frameImg: RgbImage | undefined;
    for (const t of r.tracks) {
      if (!PLATE_CLASSES.has(t.cls) || t.state !== 'tracked') continue;
      const st = tracks.get(t.id) ?? { cls: t.cls, lastReadPts: -Infinity, requested: 0, pending: 0 };
      tracks.set(t.id, st);
      if (st.closing || st.requested >= maxReads || r.frame.ptsSec - st.lastReadPts < everySec) continue;
      const c = vehicleCrop(t, r);
      if (c.h < minH) continue;
      if (!(await room())) {
        counts.dropped++;
        continue;
      }
      frameImg ??= rgbImage(r.frame.rgb, r.frame.size.width, r.frame.size.height);
      st.requested++;
      st.lastReadPts = r.frame.ptsSec;
      submit(t.id, st, cropRgb(frameImg, c.x, c.y, c.w, c.h), r.frame.capturedAtMs);
    }
  }

  return {
    name: 'plates',
    step,
    async finish() {
      await Promise.all(inFlight);
      for (const st of tracks.values()) st.closing ??= { atMs: last?.capturedAtMs ?? Date.now(), ptsSec: last?.ptsSec ?? NaN, ended: true };
      return flush();
    },
    stats: () => ({ ...counts }),
  };
}
