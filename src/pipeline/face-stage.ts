/**
 * Faces on the cameras that process them (face_crowd and gateway by default). Every `everySec` the face detector
 * looks at the whole picture (a person half hidden by a barrier or a turnstile is often not a person track, but
 * their face is in view). Each face goes to the person track whose head it is in, else to a face track of its own
 * (a face near where a face was at the last look). The best face of each track (by quality: size, sharpness,
 * frontal pose, detector score) is kept, aligned from its 5 landmarks. ONE `face.seen` per track: `emitAfterSec`
 * after its first face (a watch-list match must not wait for the person to leave), or when the track ends, whichever
 * comes first; the embedding is computed once, for the face emitted. Per-track state is dropped when the track ends.
 */
import sharp from 'sharp';
import { boxHeight, boxWidth, type Box } from '../core/box.js';
import type { ArgusEvent } from '../core/events.js';
import type { FaceSeenEvent } from '../core/face.js';
import type { Frame } from '../core/frame.js';
import { ulid } from '../core/ids.js';
import type { Track, TrackId } from '../core/track.js';
import { alignForEmbedder, alignToTemplate, faceQuality, type AlignedFace, type FaceDetection, type FaceDetector, type FaceEmbedder } from '../vision/faces/index.js';
import type { FrameStage } from './analysis.js';

export interface FaceStageOptions {
  readonly cameraId: string;
  readonly detector: FaceDetector;
  readonly embedder: FaceEmbedder;
  /** Seconds between two looks (default 0.25). */
  readonly everySec?: number;
  /** Quality a face needs to be kept at all (default 0: every face the detector is sure of; quality ranks them). */
  readonly minQuality?: number;
  /** Seconds after a track's first face when its best face is emitted (default 1.5). */
  readonly emitAfterSec?: number;
  /** A face track not seen for this long has ended (default 1 s). */
  readonly faceTrackGapSec?: number;
  /**
   * Look even when no person is tracked (default false: only frames with a person track are looked at — a gateway
   * camera watching vehicles costs nothing until someone walks in). face_crowd cameras look always.
   */
  readonly always?: boolean;
}

export interface FaceStageStats {
  readonly looks: number;
  readonly faces: number;
  readonly emitted: number;
}

export interface FaceStage extends FrameStage {
  stats(): FaceStageStats;
}

interface Best {
  readonly face: FaceDetection;
  readonly quality: number;
  /** Aligned on the embedder's own template (for the embedding) and on ArcFace 112 (the crop people look at). */
  readonly forModel: AlignedFace;
  readonly crop: AlignedFace;
  readonly atMs: number;
  readonly ptsSec: number;
}

interface FaceTrack {
  readonly id: TrackId;
  /** A face track of its own (no person track): where its face was last, and when. */
  last?: { box: Box; pts: number };
  firstFacePts?: number;
  best?: Best;
  emitted: boolean;
}

/** Face tracks of their own take ids far above the tracker's (never the same id as a person track). */
const OWN_TRACK_BASE = 1_000_000_000;

/** The head of a person box (upper 40 %, a little wider): where a face of theirs can be. */
export function headRegion(b: Box): Box {
  const w = boxWidth(b);
  const h = boxHeight(b);
  return { x1: b.x1 - 0.15 * w, y1: b.y1 - 0.05 * h, x2: b.x2 + 0.15 * w, y2: b.y1 + 0.4 * h };
}

const centre = (b: Box): [number, number] => [(b.x1 + b.x2) / 2, (b.y1 + b.y2) / 2];
const inside = ([x, y]: [number, number], b: Box): boolean => x >= b.x1 && x <= b.x2 && y >= b.y1 && y <= b.y2;

export async function alignedJpeg(face: AlignedFace): Promise<Uint8Array> {
  return new Uint8Array(await sharp(Buffer.from(face.rgb), { raw: { width: face.size, height: face.size, channels: 3 } }).jpeg({ quality: 90 }).toBuffer());
}

export function createFaceStage(o: FaceStageOptions): FaceStage {
  const everySec = o.everySec ?? 0.25;
  const minQ = o.minQuality ?? 0;
  const emitAfter = o.emitAfterSec ?? 1.5;
  const gap = o.faceTrackGapSec ?? 1;
  /** By person track id, and the face tracks of their own. */
  const byPerson = new Map<TrackId, FaceTrack>();
  const own: FaceTrack[] = [];
  let nextOwn = OWN_TRACK_BASE;
  let lastLook = -Infinity;
  const counts = { looks: 0, faces: 0, emitted: 0 };

  const emit = async (t: FaceTrack): Promise<FaceSeenEvent | undefined> => {
    t.emitted = true;
    const b = t.best;
    // An emitted track keeps only its marker until it ends (one face per track).
    t.best = undefined;
    if (!b) return undefined;
    const [embedding] = await o.embedder.embed([b.forModel]);
    counts.emitted++;
    return {
      id: ulid(b.atMs), cameraId: o.cameraId, atMs: b.atMs, ptsSec: b.ptsSec, kind: 'face.seen', trackId: t.id, box: b.face.box,
      quality: Math.round(b.quality * 1000) / 1000, model: o.embedder.model,
      embedding: Array.from(embedding!, (x) => Math.round(x * 1e5) / 1e5), cropJpeg: await alignedJpeg(b.crop),
    };
  };

  /** The track a face belongs to: the person whose head holds it (the smallest such head), else the nearest face track of its own. */
  const trackOf = (face: FaceDetection, persons: readonly Track[], pts: number): FaceTrack => {
    const c = centre(face.box);
    let person: Track | undefined;
    for (const p of persons) if (inside(c, headRegion(p.box)) && (!person || boxHeight(p.box) < boxHeight(person.box))) person = p;
    if (person) {
      let t = byPerson.get(person.id);
      if (!t) byPerson.set(person.id, (t = { id: person.id, emitted: false }));
      return t;
    }
    const size = Math.max(boxWidth(face.box), boxHeight(face.box));
    let near: FaceTrack | undefined;
    let nearD = Infinity;
    for (const t of own) {
      const [x, y] = centre(t.last!.box);
      const d = Math.hypot(x - c[0], y - c[1]);
      if (d < 1.5 * size && d < nearD && pts - t.last!.pts <= gap) [near, nearD] = [t, d];
    }
    if (!near) own.push((near = { id: nextOwn++ as TrackId, emitted: false }));
    near.last = { box: face.box, pts };
    return near;
  };

  const look = async (frame: Frame, persons: readonly Track[]): Promise<void> => {
    lastLook = frame.ptsSec;
    counts.looks++;
    for (const face of await o.detector.detect(frame)) {
      const t = trackOf(face, persons, frame.ptsSec);
      if (t.emitted) continue;
      const quality = faceQuality(frame, face);
      if (quality < minQ || (t.best && quality <= t.best.quality)) continue;
      counts.faces++;
      t.firstFacePts ??= frame.ptsSec;
      t.best = {
        face, quality, atMs: frame.capturedAtMs, ptsSec: frame.ptsSec,
        forModel: alignForEmbedder(o.embedder, frame, face.landmarks), crop: alignToTemplate(frame, face.landmarks, 'arcface', 112),
      };
    }
  };

  const due = async (t: FaceTrack, pts: number, ended: boolean, out: ArgusEvent[]): Promise<void> => {
    if (t.emitted || t.firstFacePts === undefined || (!ended && pts - t.firstFacePts < emitAfter)) return;
    const e = await emit(t);
    if (e) out.push(e);
  };

  return {
    name: 'faces',
    async step(r) {
      const out: ArgusEvent[] = [];
      const pts = r.frame.ptsSec;
      const persons = r.tracks.filter((t) => t.cls === 'person');
      if (pts - lastLook >= everySec && (o.always || persons.length > 0 || own.length > 0)) await look(r.frame, persons);
      for (const t of byPerson.values()) await due(t, pts, false, out);
      for (const id of r.ended) {
        const t = byPerson.get(id);
        if (!t) continue;
        byPerson.delete(id);
        await due(t, pts, true, out);
      }
      for (let i = own.length - 1; i >= 0; i--) {
        const t = own[i]!;
        const gone = pts - t.last!.pts > gap;
        await due(t, pts, gone, out);
        if (gone) own.splice(i, 1);
      }
      return out;
    },
    async finish() {
      const out: ArgusEvent[] = [];
      for (const t of [...byPerson.values(), ...own]) await due(t, Infinity, true, out);
      byPerson.clear();
      own.length = 0;
      return out;
    },
    stats: () => ({ ...counts }),
  };
}
