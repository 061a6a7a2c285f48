import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CameraConfig } from '../config/schema.js';
import type { Box } from '../core/box.js';
import type { FrameSize } from '../core/geometry.js';
import type { TrackId } from '../core/track.js';
import type { ViolationEvent } from '../core/violation.js';
import { cutClip } from '../evidence/clip.js';
import type { FrameRing, TimedFrame } from '../evidence/frames.js';
import type { EvidenceFrame, EvidenceScene, EvidenceSigner, EvidenceVersions, LightState, NormXY, WrittenEvidence } from '../evidence/types.js';
import { writeEvidence } from '../evidence/writer.js';
import { openVideoWriter } from '../video/writer.js';

/** A frame kept for evidence: an analysis-size copy of the picture and the boxes of the tracks on it. */
export interface RingFrame extends TimedFrame {
  readonly ptsSec: number;
  /** Track boxes on this frame, source pixels. */
  readonly boxes: ReadonlyMap<TrackId, Box>;
}

/** Everything one evidence write needs, captured when the "after" frame has arrived. */
export interface EvidenceJob {
  readonly violation: ViolationEvent;
  readonly stills: { readonly approach: RingFrame; readonly moment: RingFrame; readonly after: RingFrame };
  /** Live sources: the frames of the clip, in order, and their rate. */
  readonly liveClip?: { readonly frames: readonly RingFrame[]; readonly fps: number };
  /** File sources: the clip is cut from the file over this range of its pts. */
  readonly fileClip?: { readonly source: string; readonly fromSec: number; readonly toSec: number };
  readonly sourceSize: FrameSize;
}

export interface EvidenceContext {
  readonly dir: string;
  readonly camera: CameraConfig;
  readonly site?: { readonly name: string; readonly timezone: string } | undefined;
  readonly signer: EvidenceSigner;
  readonly versions?: EvidenceVersions | undefined;
}

/** A short, stable version of the camera's geometry (calibration, lanes, lines, zones, signals). */
export function calibrationVersion(camera: CameraConfig): string {
  const geometry = { calibration: camera.calibration ?? null, lanes: camera.lanes, lines: camera.lines, zones: camera.zones, signals: camera.signals };
  const digest = createHash('sha256').update(JSON.stringify(geometry)).digest('hex').slice(0, 12);
  return `${camera.id}@${digest}`;
}

/** Overlays for the stills: the lane, zone or line the violation is about, and the light colour. */
export function sceneOf(camera: CameraConfig, v: ViolationEvent): EvidenceScene {
  const polygons: { label?: string; points: NormXY[] }[] = [];
  const lane = camera.lanes.find((l) => l.id === v.laneId);
  if (lane) polygons.push({ label: lane.name ?? lane.id, points: lane.polygon });
  const zone = camera.zones.find((z) => z.id === v.zoneId);
  if (zone) polygons.push({ label: zone.name ?? zone.id, points: zone.polygon });
  const line = camera.lines.find((l) => l.id === v.lineId);
  const signal = v.measurements.signal;
  return {
    ...(polygons.length > 0 ? { polygons } : {}),
    ...(line ? { lines: [{ label: line.name ?? line.id, points: line.points }] } : {}),
    ...(signal ? { light: signal satisfies LightState } : {}),
  };
}

/** The frames of a clip from `fromMs` to `toMs` at `fps`, taken from the ring (nearest frame per slot). */
export function clipFrames(ring: FrameRing<RingFrame>, fromMs: number, toMs: number, fps: number): RingFrame[] {
  const out: RingFrame[] = [];
  const n = Math.ceil(((toMs - fromMs) / 1000) * fps);
  for (let i = 0; i < n; i++) {
    const f = ring.nearest(fromMs + (i * 1000) / fps);
    if (f) out.push(f);
  }
  return out;
}

const evidenceFrame = (f: RingFrame, trackId: TrackId, box?: Box): EvidenceFrame => ({
  rgb: f.rgb,
  width: f.width,
  height: f.height,
  capturedAtMs: f.capturedAtMs,
  vehicleBox: box ?? f.boxes.get(trackId),
});

async function makeClip(job: EvidenceJob, tmp: string): Promise<string | undefined> {
  const out = join(tmp, 'clip.mp4');
  if (job.fileClip) {
    await cutClip({ source: job.fileClip.source, fromSec: job.fileClip.fromSec, toSec: job.fileClip.toSec, out });
    return out;
  }
  const live = job.liveClip;
  const first = live?.frames[0];
  if (!live || !first) return undefined;
  const writer = await openVideoWriter({ file: out, width: first.width, height: first.height, fps: live.fps });
  try {
    for (const f of live.frames) await writer.write(f.rgb);
  } finally {
    await writer.close();
  }
  return out;
}

/** Cuts or encodes the clip and writes the signed evidence set of one violation. */
export async function runEvidenceJob(job: EvidenceJob, ctx: EvidenceContext): Promise<WrittenEvidence> {
  const v = job.violation;
  const tmp = await mkdtemp(join(tmpdir(), 'argus-evidence-clip-'));
  try {
    const clipPath = await makeClip(job, tmp);
    const { approach, moment, after } = job.stills;
    return await writeEvidence({
      dir: ctx.dir,
      violation: v,
      frames: {
        approach: evidenceFrame(approach, v.trackId),
        moment: evidenceFrame(moment, v.trackId, v.box),
        after: evidenceFrame(after, v.trackId),
      },
      boxSpace: job.sourceSize,
      ...(clipPath ? { clipPath } : {}),
      scene: sceneOf(ctx.camera, v),
      place: {
        cameraName: ctx.camera.name,
        siteName: ctx.site?.name,
        lat: ctx.camera.location.lat,
        lng: ctx.camera.location.lng,
        timezone: ctx.site?.timezone,
      },
      versions: { ...ctx.versions, calibration: ctx.versions?.calibration ?? calibrationVersion(ctx.camera) },
      signer: ctx.signer,
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
