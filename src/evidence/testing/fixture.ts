import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cutClip, readFrameRgb } from '../clip.js';
import { loadOrCreateKeyPair, type EvidenceKeyPair } from '../keys.js';
import { writeEvidence } from '../writer.js';
import type { WrittenEvidence, RgbImage, WriteEvidenceInput } from '../types.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const ASSETS = process.env.ARGUS_ASSETS ?? resolve(REPO, '../shared/assets');

/** Real road footage: 640×360, 24 fps, 20 s; cars drive left to right in the lower lanes. */
export const TRAFFIC_VIDEO = join(ASSETS, 'videos', 'opencv4nodejs_traffic.mp4');

/** One car followed by hand over three frames of TRAFFIC_VIDEO (boxes checked by eye, source pixels). */
export const CAR_TRACK = [
  { atSec: 4, box: { x1: 114, y1: 219, x2: 281, y2: 281 } },
  { atSec: 5, box: { x1: 344, y1: 217, x2: 508, y2: 284 } },
  { atSec: 6, box: { x1: 514, y1: 219, x2: 640, y2: 283 } },
] as const;

export const tempDir = (prefix: string): Promise<string> => mkdtemp(join(tmpdir(), `argus-${prefix}-`));

let frames: Promise<RgbImage[]> | undefined;

/** The three real frames of CAR_TRACK (decoded once per test process). */
export function carFrames(): Promise<RgbImage[]> {
  frames ??= Promise.all(CAR_TRACK.map((c) => readFrameRgb({ source: TRAFFIC_VIDEO, atSec: c.atSec })));
  return frames;
}

let clip: Promise<string> | undefined;

/** A real 5.5 s clip around CAR_TRACK (cut once per test process; the writer copies it, never moves it). */
export function carClip(): Promise<string> {
  clip ??= tempDir('clip').then(async (dir) => (await cutClip({ source: TRAFFIC_VIDEO, fromSec: 2.5, toSec: 8, out: join(dir, 'cut.mp4') })).out);
  return clip;
}

export const newKeys = async (): Promise<EvidenceKeyPair> => loadOrCreateKeyPair(await tempDir('keys'));

/** A 2026-11-21 23:21:05.123 UTC moment (06:21 next morning in Hanoi). */
export const MOMENT_MS = Date.UTC(2026, 10, 21, 23, 21, 5, 123);

/** A speeding violation on the real frames, with a real clip cut from the same video. */
export async function speedingInput(dir: string, signer: EvidenceKeyPair, id = '01JDTEST0000000000000000AA'): Promise<WriteEvidenceInput> {
  const [a, m, b] = await carFrames();
  const clipPath = await carClip();
  const frame = (img: RgbImage | undefined, i: number) => ({ ...img!, capturedAtMs: MOMENT_MS + (i - 1) * 1000, vehicleBox: CAR_TRACK[i]!.box });
  return {
    dir,
    violation: {
      id,
      kind: 'speeding',
      atMs: MOMENT_MS,
      cameraId: 'cam-ql1a-945',
      trackId: 17,
      cls: 'car',
      plate: '92A-123.45',
      measurements: { speedKmh: 78.4, limitKmh: 60, distanceM: 22.5 },
      ruleId: 'speed-main',
      params: { limitKmh: 60, toleranceKmh: 3 },
    },
    frames: { approach: frame(a, 0), moment: frame(m, 1), after: frame(b, 2) },
    clipPath,
    scene: {
      lines: [
        { label: 'Vạch đo A', points: [[0.3, 0.6], [0.3, 0.84]] },
        { label: 'Vạch đo B', points: [[0.85, 0.6], [0.85, 0.84]] },
      ],
      polygons: [{ label: 'Làn 3 (xe ô tô)', points: [[0, 0.6], [1, 0.6], [1, 0.83], [0, 0.83]] }],
    },
    place: {
      cameraName: 'Camera QL1A km 945 hướng Bắc',
      siteName: 'Công an tỉnh Quảng Nam',
      address: 'Quốc lộ 1A, phường Điện Ngọc, thị xã Điện Bàn',
      lat: 15.95,
      lng: 108.25,
    },
    versions: { calibration: 'cam-ql1a-945@2026-11-01', models: { detector: 'yolox_nano_416_coco' } },
    signer,
  };
}

/** Writes the speeding evidence into `dir` and returns its reference. */
export async function writeSpeedingEvidence(dir: string, signer: EvidenceKeyPair, id?: string): Promise<WrittenEvidence> {
  return writeEvidence(await speedingInput(dir, signer, id));
}
