/** Sites, cameras (list, detail with geometry, live health) and recorded segments. */
import { z } from 'zod';
import { CAMERA_KINDS } from '../core/kinds.js';
import { jsonValue, latLng, listOf } from './common.js';
import { crowdStatus } from './heatmap.js';
import { detectorStatus } from './system.js';

export const site = z.strictObject({
  id: z.string(),
  name: z.string(),
  /** IANA zone of the site's local times (hours of the dashboards, notices). */
  timeZone: z.string(),
  district: z.string().nullable(),
  ward: z.string().nullable(),
  location: latLng.nullable(),
  /** Province codes of the site's own plates (seed of the plate reader's site prior). */
  provinces: z.array(z.number()).optional(),
});
export type Site = z.infer<typeof site>;
export const sites = listOf(site);

export const recordingStatus = z.strictObject({
  /** ffmpeg is running (false while it waits to restart). */
  running: z.boolean(),
  segments: z.number(),
  lastSegment: z.string().nullable(),
  lastSegmentAtMs: z.number().nullable(),
  restarts: z.number(),
  lastError: z.string().nullable(),
});

export const plateStatus = z.strictObject({
  /** `vehicles`: plates of the detected vehicles; `anpr`: the whole picture. */
  mode: z.enum(['vehicles', 'anpr']),
  read: z.number(),
  skipped: z.number(),
  plates: z.number(),
});

export const CAMERA_HEALTH = ['starting', 'online', 'degraded', 'offline', 'disabled'] as const;
export type CameraHealth = (typeof CAMERA_HEALTH)[number];

/** The live health of a camera (also pushed as the `health` event of /api/live). */
/** What a camera is analysed at: frame size (the source's aspect), rate, detector runs per frame, model (`none`). */
export const analysisSettings = z.strictObject({
  width: z.number(),
  height: z.number(),
  fps: z.number(),
  tiles: z.number(),
  model: z.string(),
});

/** Scaled mode: the worker that runs a camera (its lease holder), the analysed rate it measures and how far behind it is. */
export const cameraWorker = z.strictObject({
  name: z.string(),
  fps: z.number(),
  /** Age of the last analysed frame, ms (null before the first). */
  lagMs: z.number().nullable(),
  /** The lease revision it runs under (the fencing token). */
  lease: z.number(),
});
export type CameraWorker = z.infer<typeof cameraWorker>;

export const cameraStatus = z.strictObject({
  id: z.string(),
  health: z.enum(CAMERA_HEALTH),
  analysis: z.enum(['running', 'no_model', 'stopped']),
  fps: z.number(),
  /** Age of the last frame received, ms (null before the first). */
  lastFrameAgeMs: z.number().nullable(),
  framesAnalysed: z.number(),
  restarts: z.number(),
  signalLost: z.boolean(),
  message: z.string().nullable(),
  recording: recordingStatus.nullable(),
  plates: plateStatus.nullable(),
  /** The running chain's analysis settings (from the config and the probed source); null before it starts. */
  settings: analysisSettings.nullable(),
  /** Persons on the latest analysed frame, per zone with the density (null before the first frame; absent where not analysed here). */
  crowd: crowdStatus.nullable().optional(),
  /** Scaled mode only: the worker that runs the camera, null when no worker holds it (absent on the single box). */
  worker: cameraWorker.nullable().optional(),
});
export type CameraStatus = z.infer<typeof cameraStatus>;
export const camerasStatus = z.strictObject({ items: z.array(cameraStatus), detectors: z.array(detectorStatus) });

/** Where a camera looks (degrees clockwise from north), how wide (degrees) and how far (metres): its cone on the map. */
export const cameraView = z.strictObject({ headingDeg: z.number(), fovDeg: z.number(), rangeM: z.number() });
export type CameraView = z.infer<typeof cameraView>;
/** Federation (a province): the district that owns a shared camera; null for the installation's own cameras. */
export const cameraOwner = z.strictObject({ id: z.string(), name: z.string() });
export type CameraOwner = z.infer<typeof cameraOwner>;

/** A camera as the API shows it: the stream's password and a file source's folders are masked. */
export const publicCamera = z.strictObject({
  id: z.string(),
  siteId: z.string(),
  name: z.string(),
  kind: z.enum(CAMERA_KINDS),
  enabled: z.boolean(),
  location: latLng.nullable(),
  /** Direction and field of view; null when unknown (no cone). */
  view: cameraView.nullable(),
  area: z.strictObject({ district: z.string().nullable(), ward: z.string().nullable() }),
  source: z.string(),
  updatedAtMs: z.number(),
  /** The district that shares this camera with this province (its events come over the federation link), or null. */
  owner: cameraOwner.nullable(),
});
export type PublicCamera = z.infer<typeof publicCamera>;

export const camera = publicCamera.extend({ status: cameraStatus.nullable() });
export type Camera = z.infer<typeof camera>;
export const cameras = listOf(camera);

/** One camera for the set-up editor: its geometry and rules as in the config file (the config schema checks edits). */
export const cameraDetail = camera.extend({
  lines: z.array(jsonValue), zones: z.array(jsonValue), lanes: z.array(jsonValue), signals: z.array(jsonValue), rules: z.array(jsonValue),
  calibration: jsonValue, speedLimits: jsonValue,
  plates: z.union([z.boolean(), z.literal('anpr')]),
  /** `config`: the config file defines this camera and rewrites it at the next start (edits are temporary). */
  managedBy: z.enum(['config', 'store']),
});
export type CameraDetail = z.infer<typeof cameraDetail>;

export const recordingSegment = z.strictObject({ file: z.string(), startMs: z.number(), bytes: z.number(), url: z.string() });
export type RecordingSegment = z.infer<typeof recordingSegment>;
export const recordings = listOf(recordingSegment);
