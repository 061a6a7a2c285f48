/**
 * Run-time edits of a camera (the set-up editor of the web UI, scripts): the PATCH body — lines, zones, lanes,
 * signals, calibration, speed limits and rules with the config file's own schemas — and the full check of the
 * merged camera, cross-references included (a rule naming an unknown zone is refused as the config loader
 * refuses it). Problems leave as `path: message; …` with paths of the camera (`lines.0.points.1.0`).
 */
import { z } from 'zod';
import {
  cameraViewSchema,
  calibrationSchema, CAMERA_KINDS, cameraSchema, configSchema, laneSchema, lineSchema, signalSchema, speedLimitsSchema, recordingSchema, zoneSchema,
  type CameraConfig,
} from '../config/schema.js';
import { ruleSchema } from '../config/rules.js';
import type { CameraRecord, JsonValue } from '../store/store.js';
import { isJsonObject } from '../core/violation.js';
import { HttpError } from './errors.js';
import { latLng } from './schemas.js';

export const cameraPatchSchema = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  kind: z.enum(CAMERA_KINDS).optional(),
  source: z.string().min(1).max(2000).optional().describe('rtsp(s):// or http(s):// on a host inside server.cameraNetworks; a file source only from the config file (camera-source.ts)'),
  enabled: z.boolean().optional(),
  location: latLng.optional(),
  view: cameraViewSchema.nullable().optional().describe('Replaces the direction and field of view (the cone on the map); null: unknown'),
  lines: z.array(lineSchema).max(100).optional().describe('Replaces the counting and stop lines'),
  zones: z.array(zoneSchema).max(100).optional().describe('Replaces the zones'),
  lanes: z.array(laneSchema).max(100).optional().describe('Replaces the lanes'),
  signals: z.array(signalSchema).max(50).optional().describe('Replaces the traffic signals'),
  calibration: calibrationSchema.nullable().optional().describe('Replaces the ground calibration; null removes it'),
  speedLimits: speedLimitsSchema.nullable().optional().describe('Replaces the speed limits; null removes them'),
  rules: z.array(ruleSchema).max(100).optional().describe('Replaces the rules'),
  recording: recordingSchema.optional().describe('Continuous recording on or off, segment length'),
  plates: z.union([z.boolean(), z.literal('anpr')]).optional().describe("Licence plates: true (the camera's vehicles), 'anpr' (whole picture, no detector) or false"),
  faces: z.boolean().nullable().optional().describe('Faces on this camera: true, false (excluded from face processing), null: the default of its kind (face_crowd, gateway)'),
});
export type CameraPatch = z.output<typeof cameraPatchSchema>;

type Issue = { path: PropertyKey[]; message: string };
const issueText = (issues: readonly Issue[]): string => issues.slice(0, 20).map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('; ');

/** The camera with the patch applied, checked like a camera of the config file; 400 with every problem otherwise. */
export function applyCameraPatch(current: CameraConfig, patch: CameraPatch): CameraConfig {
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) delete next[key];
    else next[key] = value;
  }
  const camera = cameraSchema.safeParse(next);
  if (!camera.success) throw new HttpError(400, 'invalid_request', issueText(camera.error.issues));
  // The cross-reference checks (rule → zone/line/lane/signal, duplicate ids, calibration needs) live on the config.
  const whole = configSchema.safeParse({ version: 1, sites: [{ id: camera.data.site, name: camera.data.site }], cameras: [camera.data] });
  if (!whole.success) {
    const mine = whole.error.issues.filter((i) => i.path[0] === 'cameras' && i.path[1] === 0).map((i) => ({ ...i, path: i.path.slice(2) }));
    if (mine.length > 0) throw new HttpError(400, 'invalid_request', issueText(mine));
  }
  return camera.data;
}

const asObject = (v: JsonValue): { readonly [k: string]: JsonValue } => (isJsonObject(v) ? v : {});

/** What the editor draws on: a stored camera's geometry and rules (no stream URL). */
export function cameraGeometry(r: CameraRecord) {
  const g = asObject(r.zones);
  const list = (v: JsonValue | undefined): JsonValue[] => (Array.isArray(v) ? v : []);
  return {
    lines: list(g['lines']), zones: list(g['zones']), lanes: list(g['lanes']), signals: list(g['signals']),
    calibration: g['calibration'] ?? null, speedLimits: g['speedLimits'] ?? null, rules: list(r.rules),
    plates: typeof g['plates'] === 'boolean' || g['plates'] === 'anpr' ? g['plates'] : false,
  };
}
