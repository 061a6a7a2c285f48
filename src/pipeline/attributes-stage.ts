/**
 * Track attributes for attribute search: while a track lives, a few of its well-sized, unoccluded boxes (at most one
 * every `sampleEveryMs`, at most `maxSamples`) vote the colours of a person's upper and lower body and of a vehicle's
 * body (a two-wheeler's rider: upper too) (src/vision/colour.ts, corrected for the frame's illuminant); when the track ends, ONE summary event
 * (`track.attributes`) carries its voted class, its colours, its first and last time and box, and its best crop (the
 * largest sampled box, as a JPEG). Tracks shorter than `minDurationMs` or with fewer than `minHits` detections, or
 * never sampled, give nothing. State is per live track and evicted when it ends.
 */
import sharp from 'sharp';
import type { Box } from '../core/box.js';
import type { ObjectClass } from '../core/classes.js';
import type { TrackColours } from '../core/colours.js';
import type { TrackAttributesEvent } from '../core/events.js';
import type { Frame } from '../core/frame.js';
import { ulid } from '../core/ids.js';
import type { Track, TrackId } from '../core/track.js';
import { ColourVotes, frameIlluminant, regionColours, type Illuminant, type RgbPicture } from '../vision/colour.js';
import type { FrameResult, FrameStage } from './analysis.js';

export interface AttributesStageOptions {
  readonly cameraId: string;
  /** A track summarised lived at least this long (first to last detection), ms. Default 1000. */
  readonly minDurationMs?: number;
  /** …and had at least this many detections. Default 5. */
  readonly minHits?: number;
  /** At most one sampled box per track this often, ms. Default 300. */
  readonly sampleEveryMs?: number;
  /** Boxes sampled per track at most. Default 12. */
  readonly maxSamples?: number;
  /** A sampled box is at least this tall in source pixels. Default 40. */
  readonly minHeightPx?: number;
  /** A sampled box shares at most this part of its area with another track's box. Default 0.15. */
  readonly maxOverlap?: number;
  /** …or this much, while the track has no sample yet (in a crowd, a colour seen past a shoulder beats none). Default 0.5. */
  readonly firstSampleOverlap?: number;
  /** The best crop as a JPEG on the summary (default true). */
  readonly keepCrop?: boolean;
}

export interface AttributesStats {
  /** Boxes whose colours were measured, and the time that took, ms. */
  readonly sampled: number;
  readonly sampleMs: number;
  readonly emitted: number;
}

interface Crop {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly area: number;
}

interface TrackState {
  readonly firstMs: number;
  readonly startBox: Box;
  lastMs: number;
  lastPts: number;
  endBox: Box;
  hits: number;
  readonly classes: Map<ObjectClass, number>;
  readonly upper: ColourVotes;
  readonly lower: ColourVotes;
  readonly body: ColourVotes;
  samples: number;
  lastSampleMs: number;
  crop?: Crop;
}

const PEOPLE: ReadonlySet<ObjectClass> = new Set(['person']);
/** Two-wheelers: the body colour, and the rider's top (a rider is a person a search for "a red top" wants too). */
const RIDDEN: ReadonlySet<ObjectClass> = new Set(['motorcycle', 'bicycle']);
/** Classes that are not searched by attributes (a traffic light is no one's vehicle). */
const SKIPPED: ReadonlySet<ObjectClass> = new Set(['traffic_light']);
/** The JPEG crop's longer side at most, px. */
const CROP_MAX_SIDE = 160;

/** The share of `a`'s area inside `b`. */
function coveredBy(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1));
  const iy = Math.max(0, Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1));
  const area = (a.x2 - a.x1) * (a.y2 - a.y1);
  return area > 0 ? (ix * iy) / area : 0;
}

const scaled = (b: Box, s: number): Box => ({ x1: b.x1 * s, y1: b.y1 * s, x2: b.x2 * s, y2: b.y2 * s });

function copyCrop(pic: RgbPicture, b: Box, area: number): Crop | undefined {
  const x1 = Math.max(0, Math.floor(b.x1));
  const y1 = Math.max(0, Math.floor(b.y1));
  const x2 = Math.min(pic.width, Math.ceil(b.x2));
  const y2 = Math.min(pic.height, Math.ceil(b.y2));
  const w = x2 - x1;
  const h = y2 - y1;
  if (w < 2 || h < 2) return undefined;
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) data.set(pic.rgb.subarray(((y1 + y) * pic.width + x1) * 3, ((y1 + y) * pic.width + x2) * 3), y * w * 3);
  return { data, width: w, height: h, area };
}

async function cropJpeg(c: Crop): Promise<Uint8Array> {
  const img = sharp(c.data, { raw: { width: c.width, height: c.height, channels: 3 } });
  const big = Math.max(c.width, c.height) > CROP_MAX_SIDE;
  const out = big ? img.resize({ width: CROP_MAX_SIDE, height: CROP_MAX_SIDE, fit: 'inside' }) : img;
  return new Uint8Array(await out.jpeg({ quality: 80 }).toBuffer());
}

export function votedClass(classes: ReadonlyMap<ObjectClass, number>): ObjectClass {
  let best: ObjectClass = 'car';
  let n = -1;
  for (const [c, k] of classes) if (k > n) [best, n] = [c, k];
  return best;
}

export function createAttributesStage(o: AttributesStageOptions): FrameStage & { stats(): AttributesStats } {
  const minDurationMs = o.minDurationMs ?? 1000;
  const minHits = o.minHits ?? 5;
  const sampleEveryMs = o.sampleEveryMs ?? 300;
  const maxSamples = o.maxSamples ?? 12;
  const minHeightPx = o.minHeightPx ?? 40;
  const maxOverlap = o.maxOverlap ?? 0.15;
  const firstSampleOverlap = o.firstSampleOverlap ?? 0.5;
  const tracks = new Map<TrackId, TrackState>();
  let sampled = 0;
  let sampleMs = 0;
  let emitted = 0;

  const sampleable = (t: Track, all: readonly Track[], frame: Frame, first: boolean): boolean => {
    const b = t.box;
    const { width, height } = frame.sourceSize;
    if (b.y2 - b.y1 < minHeightPx || b.x1 < 2 || b.y1 < 2 || b.x2 > width - 2 || b.y2 > height - 2) return false;
    const limit = first ? firstSampleOverlap : maxOverlap;
    return all.every((u) => u.id === t.id || u.state !== 'tracked' || coveredBy(b, u.box) <= limit);
  };

  const sample = (st: TrackState, t: Track, pic: RgbPicture, light: Illuminant, scale: number): void => {
    const t0 = performance.now();
    const b = scaled(t.box, scale);
    const area = (t.box.x2 - t.box.x1) * (t.box.y2 - t.box.y1);
    // Bigger boxes see more of the object: they weigh more (square root: one close box does not outvote all).
    const w = Math.sqrt(area);
    st.upper.add(regionColours(pic, b, 'upper', light), w);
    st.lower.add(regionColours(pic, b, 'lower', light), w);
    st.body.add(regionColours(pic, b, 'body', light), w);
    st.samples++;
    st.lastSampleMs = t.lastSeenMs;
    if (o.keepCrop !== false && (!st.crop || area > st.crop.area)) st.crop = copyCrop(pic, b, area) ?? st.crop;
    sampled++;
    sampleMs += performance.now() - t0;
  };

  const summary = async (id: TrackId, st: TrackState): Promise<TrackAttributesEvent | undefined> => {
    if (st.samples === 0 || st.hits < minHits || st.lastMs - st.firstMs < minDurationMs) return undefined;
    const cls = votedClass(st.classes);
    if (SKIPPED.has(cls)) return undefined;
    const colours: TrackColours = PEOPLE.has(cls)
      ? { upper: st.upper.dominant(), lower: st.lower.dominant() }
      : RIDDEN.has(cls) ? { upper: st.upper.dominant(), body: st.body.dominant() } : { body: st.body.dominant() };
    const jpeg = st.crop ? await cropJpeg(st.crop) : undefined;
    emitted++;
    return {
      id: ulid(st.lastMs),
      kind: 'track.attributes',
      cameraId: o.cameraId,
      atMs: st.lastMs,
      ptsSec: st.lastPts,
      trackId: id,
      cls,
      firstMs: st.firstMs,
      lastMs: st.lastMs,
      colours,
      startBox: st.startBox,
      endBox: st.endBox,
      samples: st.samples,
      ...(jpeg ? { cropJpeg: jpeg } : {}),
    };
  };

  const end = async (ids: Iterable<TrackId>): Promise<TrackAttributesEvent[]> => {
    const out: TrackAttributesEvent[] = [];
    for (const id of [...ids]) {
      const st = tracks.get(id);
      if (!st) continue;
      tracks.delete(id);
      const e = await summary(id, st);
      if (e) out.push(e);
    }
    return out;
  };

  return {
    name: 'attributes',
    async step(r: FrameResult) {
      const { frame } = r;
      // Frames the motion gate held (no detection) carry no new boxes.
      if (r.detections !== undefined) {
        const scale = frame.size.width / frame.sourceSize.width;
        const pic: RgbPicture = { rgb: frame.rgb, width: frame.size.width, height: frame.size.height };
        let light: Illuminant | undefined;
        for (const t of r.tracks) {
          if (t.state !== 'tracked' || t.lastSeenMs !== frame.capturedAtMs) continue;
          let st = tracks.get(t.id);
          if (!st) {
            st = {
              firstMs: t.lastSeenMs, startBox: t.box, lastMs: t.lastSeenMs, lastPts: frame.ptsSec, endBox: t.box, hits: 0, classes: new Map(),
              upper: new ColourVotes(), lower: new ColourVotes(), body: new ColourVotes(), samples: 0, lastSampleMs: -Infinity,
            };
            tracks.set(t.id, st);
          }
          st.lastMs = t.lastSeenMs;
          st.lastPts = frame.ptsSec;
          st.endBox = t.box;
          st.hits++;
          st.classes.set(t.cls, (st.classes.get(t.cls) ?? 0) + 1);
          if (st.samples >= maxSamples || t.lastSeenMs - st.lastSampleMs < sampleEveryMs || !sampleable(t, r.tracks, frame, st.samples === 0)) continue;
          light ??= frameIlluminant(pic);
          sample(st, t, pic, light, scale);
        }
      }
      return end(r.ended);
    },
    async finish() {
      return end(tracks.keys());
    },
    stats: () => ({ sampled, sampleMs, emitted }),
  };
}
