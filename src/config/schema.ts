import { z } from 'zod';
import { VEHICLE_CLASSES } from '../core/classes.js';
import { CAMERA_KINDS } from '../core/kinds.js';
import { PROVINCE_CODES } from '../core/plate.js';
import { detectorSchema, LEGACY_DETECTOR_KEYS } from './detectors.js';
import { mapSchema } from './map.js';
import { federationSchema } from './federation.js';
import { facesSchema, ingestLimitsSchema, serverSchema, sharingSchema } from './service.js';
import { trackerSchema } from './trackers.js';
import { RULES_NEEDING_CALIBRATION, RULES_NEEDING_SPEED_LIMITS, ruleRefs, ruleSchema, type RefKind } from './rules.js';
import { signalLampsSchema, signalReaderSchema } from './signal-lamps.js';

/**
 * The site configuration (YAML). Strict: unknown keys are errors. Every field is described: the text feeds
 * the docs and the UI forms. Geometry is normalised 0–1 of the camera picture.
 */

export { CAMERA_KINDS } from '../core/kinds.js';

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, 'must be 1–64 letters, digits, "-" or "_", starting with a letter or digit');

const unit = z.number().min(0, 'must be ≥ 0 (normalised)').max(1, 'must be ≤ 1 (normalised)');
export const normPointSchema = z.tuple([unit, unit]).describe('[x, y] normalised to the picture: 0,0 top-left, 1,1 bottom-right');

export const lineSchema = z
  .strictObject({
    id: id.describe('Line id, unique within the camera'),
    name: z.string().min(1).optional().describe('Human name, e.g. "Stop line northbound"'),
    points: z.tuple([normPointSchema, normPointSchema]).describe('Segment A→B; direction `pos` ends on the side where cross(B−A, P−A) > 0'),
  })
  .describe('A counting line');

export const zoneSchema = z
  .strictObject({
    id: id.describe('Zone id, unique within the camera'),
    name: z.string().min(1).optional().describe('Human name'),
    polygon: z.array(normPointSchema).min(3, 'a polygon needs at least 3 points').describe('Closed polygon, normalised points'),
  })
  .describe('A zone (polygon) in the picture');

const metres = z.number().min(-100_000).max(100_000);
export const groundPointSchema = z.tuple([metres, metres]).describe('[x, y] on the ground plane, metres (any origin, axes at right angles)');

export const calibrationSchema = z
  .strictObject({
    points: z
      .array(
        z
          .strictObject({
            image: normPointSchema.describe('Point in the picture, normalised'),
            ground: groundPointSchema.describe('The same point on the ground, metres'),
          })
          .describe('One correspondence picture ↔ ground'),
      )
      .min(4, 'a homography needs at least 4 point pairs')
      .describe('Picture ↔ ground correspondences (lane marks, kerb corners measured on site or on a map); ≥ 4, no 3 in a line'),
    note: z.string().optional().describe('How the points were measured (for the evidence metadata)'),
  })
  .describe('Ground-plane calibration (homography picture ↔ metres)');

export const laneDirectionSchema = z
  .union([
    z.strictObject({
      from: normPointSchema.describe('A point where traffic enters the lane'),
      to: normPointSchema.describe('A point where traffic leaves the lane'),
    }),
    z.strictObject({ vector: z.tuple([z.number(), z.number()]).describe('Travel direction in the picture [dx, dy] (y down)') }),
  ])
  .describe('Travel direction: an entry→exit pair of points, or a direction vector in the picture');

export const laneSchema = z
  .strictObject({
    id: id.describe('Lane id, unique within the camera'),
    name: z.string().min(1).optional().describe('Human name, e.g. "Làn xe máy hướng Bắc"'),
    polygon: z.array(normPointSchema).min(3, 'a polygon needs at least 3 points').describe('Lane area, normalised points'),
    classes: z.array(z.enum(VEHICLE_CLASSES)).min(1).default([...VEHICLE_CLASSES]).describe('Vehicle classes allowed in the lane'),
    direction: laneDirectionSchema,
  })
  .describe('A traffic lane with its allowed classes and travel direction');

export const signalSchema = z
  .strictObject({
    id: id.describe('Signal id, unique within the camera'),
    name: z.string().min(1).optional().describe('Human name'),
    region: z.array(normPointSchema).min(3).optional().describe('The signal head in the picture (for the colour classifier and overlays)'),
    source: z.enum(['classifier', 'feed']).default('classifier').describe('Where the state comes from: colour classifier on `region`, or an external controller feed'),
    reader: signalReaderSchema,
    lamps: signalLampsSchema.prefault({}),
  })
  .refine((s) => s.source === 'feed' || s.region !== undefined, { message: 'a classifier signal needs a `region`', path: ['region'] })
  .describe('A traffic signal (its state drives red-light and stop-line rules)');

const kmh = z.number().positive().max(300);
export const speedLimitsSchema = z
  .strictObject({
    default: kmh.describe('Limit for classes not listed, km/h'),
    ...Object.fromEntries(VEHICLE_CLASSES.map((c) => [c, kmh.optional().describe(`Limit for ${c}, km/h`)])),
  } as { default: typeof kmh } & Record<(typeof VEHICLE_CLASSES)[number], z.ZodOptional<typeof kmh>>)
  .describe('Speed limits per vehicle class, km/h');

export const sectionPointSchema = z
  .strictObject({
    camera: id.describe('ANPR camera id'),
    line: id.optional().describe("Only plates of vehicles that crossed this line of the camera count (the camera's own plate reads carry the first line crossed; partners' posted reads carry none: leave it out for them)"),
  })
  .describe('One end of a section');

export const sectionSchema = z
  .strictObject({
    id: id.describe('Section id'),
    name: z.string().min(1).optional().describe('Human name'),
    entry: sectionPointSchema.describe('Where vehicles enter the section'),
    exit: sectionPointSchema.describe('Where vehicles leave the section'),
    distanceM: z.number().positive().describe('Road distance between the two points, metres'),
    speedLimits: speedLimitsSchema,
    toleranceKmh: z.number().min(0).default(3).describe('Report only above limit + tolerance'),
    maxTravelMs: z.number().int().positive().default(3_600_000).describe('Forget an entry sighting after this long, ms'),
  })
  .describe('Section (average-speed) control between two ANPR points');

export const motionSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Skip the detector on frames without motion'),
    threshold: z.number().int().min(1).max(255).default(25).describe('Per-pixel luma change (0–255) that counts as motion'),
    minAreaRatio: z.number().min(0).max(1).default(0.005).describe('Fraction of the picture that must change to count as motion'),
    holdSec: z.number().min(0).max(10).default(0.5).describe('Motion continues this long (s) after the last moving frame (repeated frames do not end it)'),
    keepAliveSec: z.number().min(0).max(60).default(2).describe('Run the detector at least this often (s) while tracks are alive or for a periodic refresh'),
  })
  .describe('Motion gate');

const analysisFields = z
  .strictObject({
    fps: z.number().positive().max(60).optional().describe("Analysed frames per second (default: the source's rate, at most 15; 5 for an ANPR camera)"),
    width: z.number().int().min(64).max(3840).optional().describe('Analysis width in pixels (defaults to the source width, capped at 1280)'),
    height: z.number().int().min(64).max(2160).optional().describe('Analysis height in pixels (keeps the aspect when omitted)'),
    detector: detectorSchema.prefault({}),
    tracker: trackerSchema.prefault({}),
    motion: motionSchema.prefault({}).describe('Motion gate settings'),
    masks: z.array(z.array(normPointSchema).min(3)).default([]).describe('Static regions to ignore (billboards, screens)'),
  })
  .describe('Analysis settings');

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Configs and stored cameras written before the detector registry gave the ONNX detector's keys (`model`, `minScore`,
 * `tiles`, `promoteLoneRiders`) directly under `analysis`: they are read as `detector: { kind: onnx, … }`.
 */
function fromLegacyAnalysis(v: unknown): unknown {
  if (!isRecord(v) || 'detector' in v || !LEGACY_DETECTOR_KEYS.some((k) => k in v)) return v;
  const rest = Object.fromEntries(Object.entries(v).filter(([k]) => !(LEGACY_DETECTOR_KEYS as readonly string[]).includes(k)));
  const detector = Object.fromEntries(Object.entries(v).filter(([k]) => (LEGACY_DETECTOR_KEYS as readonly string[]).includes(k)));
  return { ...rest, detector: { kind: 'onnx', ...detector } };
}

export const analysisSchema = z.preprocess(fromLegacyAnalysis, analysisFields).describe('Analysis settings');

export const recordingSchema = z
  .strictObject({
    enabled: z.boolean().default(false).describe('Record this camera continuously (segment copy, no re-encode) under <data>/recordings/<camera id>/'),
    segmentSec: z.number().int().min(1).max(3600).default(60).describe('Length of one recorded segment, seconds (cut at the next key frame)'),
  })
  .describe('Continuous recording of the camera');

export const recordingsSchema = z
  .strictObject({
    retentionDays: z.number().min(0).max(3650).default(30).describe('Delete recorded segments older than this many days (0: no age limit); evidence is never deleted'),
    quotaGb: z.number().positive().max(1_000_000).optional().describe('Keep all recordings under this many GB (10⁹ bytes), oldest deleted first (absent: no quota)'),
    minFreeDiskPct: z.number().min(0).max(90).default(5).describe('Keep at least this % of the recordings disk free, oldest segments deleted first; pressure raises a `disk_full` alert (0: not checked)'),
    checkEveryMin: z.number().positive().max(1440).default(5).describe('How often retention runs, minutes (also once at start)'),
  })
  .describe('Retention of the recordings (service-wide)');

export const reportsSchema = z
  .strictObject({
    keepDays: z.number().int().min(1).max(3650).default(90).describe('Keep scheduled reports this many days, then delete them'),
    checkEveryMin: z.number().positive().max(60).default(1).describe('How often due report schedules are looked for, minutes'),
  })
  .describe("Leaders' reports: how long scheduled reports are kept");

/** A camera's direction and field of view on the ground (drawn on the map as a cone). */
export const cameraViewSchema = z.strictObject({
  headingDeg: z.number().min(0).lt(360).describe('Direction the camera looks: degrees clockwise from north (0 north, 90 east)'),
  fovDeg: z.number().gt(0).max(360).default(60).describe('Horizontal field of view, degrees'),
  rangeM: z.number().gt(0).max(5000).default(80).describe('How far the camera usefully sees, metres (the length of the cone)'),
});
export type CameraView = z.infer<typeof cameraViewSchema>;

export const cameraSchema = z
  .strictObject({
    id: id.describe('Camera id, unique in the file'),
    name: z.string().min(1).describe('Human name shown to operators'),
    site: id.describe('Id of the site the camera belongs to'),
    kind: z.enum(CAMERA_KINDS).describe('What the camera is for'),
    source: z
      .string()
      .min(1)
      .refine((s) => /^(rtsp|rtsps|http|https|file):/i.test(s) || !/^[a-z]+:\/\//i.test(s), {
        message: 'must be rtsp://, http(s)://, file: or a file path',
      })
      .describe('Stream URL (rtsp, http, https) or a file path'),
    location: z
      .strictObject({
        lat: z.number().min(-90).max(90).describe('Latitude, degrees WGS84'),
        lng: z.number().min(-180).max(180).describe('Longitude, degrees WGS84'),
      })
      .describe('Where the camera stands'),
    view: cameraViewSchema.optional().describe('Where the camera looks and how wide (the cone on the map); absent: unknown, no cone'),
    area: z
      .strictObject({
        district: z.string().min(1).optional().describe('District (quận/huyện)'),
        ward: z.string().min(1).optional().describe('Ward (phường/xã)'),
      })
      .default({})
      .describe('Administrative area, for scoping access'),
    enabled: z.boolean().default(true).describe('Run this camera'),
    analysis: analysisSchema.prefault({}).describe('Analysis settings'),
    lines: z.array(lineSchema).default([]).describe('Counting lines'),
    zones: z.array(zoneSchema).default([]).describe('Zones'),
    lanes: z.array(laneSchema).default([]).describe('Traffic lanes'),
    signals: z.array(signalSchema).default([]).describe('Traffic signals'),
    calibration: calibrationSchema.optional(),
    speedLimits: speedLimitsSchema.optional(),
    rules: z.array(ruleSchema).default([]).describe('Per-camera rules'),
    plates: z
      .union([z.boolean(), z.literal('anpr')])
      .default(false)
      .describe(
        "Licence plates. true: read the plates of this camera's detected vehicles, one plate.read per vehicle pass (plate search, watch lists, plates on violations); 'anpr': an ANPR camera, plates read on the whole picture when it moves, no vehicle detector and no rules; false: none. Plates under ~40 px wide are rarely legible: leave analysis.width unset (the source width, up to 1280 px) on a plate camera",
      ),
    faces: z
      .boolean()
      .optional()
      .describe('Faces on person tracks (best face per track, face watch lists, person search). Default: on for face_crowd and gateway cameras, off elsewhere; false excludes a camera from face processing'),
    recording: recordingSchema.prefault({}).describe('Continuous recording (off unless enabled)'),
  })
  .describe('A camera');

/** Whether a camera processes faces: its `faces` setting, else on for the kinds whose purpose it is. */
export const facesEnabled = (c: { readonly faces?: boolean | undefined; readonly kind: string }): boolean => c.faces ?? (c.kind === 'face_crowd' || c.kind === 'gateway');

export const siteSchema = z
  .strictObject({
    id: id.describe('Site id'),
    name: z.string().min(1).describe('Human name, e.g. "Công an tỉnh Quảng Nam"'),
    timezone: z
      .string()
      .default('Asia/Ho_Chi_Minh')
      .refine(
        (tz) => {
          try {
            new Intl.DateTimeFormat('en', { timeZone: tz });
            return true;
          } catch {
            return false;
          }
        },
        { message: 'unknown IANA time zone' },
      )
      .describe('IANA time zone for display; data is stored in UTC'),
    provinces: z
      .array(z.number().int().refine((c) => PROVINCE_CODES.has(c), { message: 'not a Vietnamese province code (Circular 79/2024/TT-BCA)' }))
      .max(10)
      .optional()
      .describe("Province codes of the site's own plates, e.g. [77] for Bình Định: they seed the plate reader's site prior (it also learns the mix by itself)"),
  })
  .describe('A site (a province, city or district network)');

type CameraShape = z.infer<typeof cameraSchema>;
type Ctx = z.core.$RefinementCtx<unknown>;

function checkRuleRefs(c: CameraShape, i: number, ctx: Ctx): void {
  if (c.plates === 'anpr' && c.rules.length > 0) {
    ctx.addIssue({ code: 'custom', path: ['cameras', i, 'rules'], message: "an ANPR camera (plates: anpr) tracks no vehicles, so it cannot run rules: use plates: true, or put the rules on another camera" });
  }
  const known: Record<RefKind, Set<string>> = {
    zone: new Set(c.zones.map((z) => z.id)),
    line: new Set(c.lines.map((l) => l.id)),
    lane: new Set(c.lanes.map((l) => l.id)),
    signal: new Set(c.signals.map((s) => s.id)),
  };
  c.rules.forEach((rule, j) => {
    for (const ref of ruleRefs(rule)) {
      if (!known[ref.kind].has(ref.id)) {
        ctx.addIssue({ code: 'custom', path: ['cameras', i, 'rules', j, ...ref.path], message: `unknown ${ref.kind} "${ref.id}"` });
      }
    }
    if (RULES_NEEDING_CALIBRATION.has(rule.kind) && c.calibration === undefined) {
      ctx.addIssue({ code: 'custom', path: ['cameras', i, 'rules', j, 'kind'], message: `rule "${rule.kind}" needs the camera's \`calibration\`` });
    }
    if (RULES_NEEDING_SPEED_LIMITS.has(rule.kind) && c.speedLimits === undefined) {
      ctx.addIssue({ code: 'custom', path: ['cameras', i, 'rules', j, 'kind'], message: `rule "${rule.kind}" needs the camera's \`speedLimits\`` });
    }
  });
}

function checkSections(cfg: { cameras: CameraShape[]; sections: z.infer<typeof sectionSchema>[] }, camIds: Set<string>, ctx: Ctx): void {
  const seen = new Set<string>();
  cfg.sections.forEach((s, i) => {
    if (seen.has(s.id)) ctx.addIssue({ code: 'custom', path: ['sections', i, 'id'], message: `duplicate section id "${s.id}"` });
    seen.add(s.id);
    for (const end of ['entry', 'exit'] as const) {
      const point = s[end];
      if (!camIds.has(point.camera)) {
        ctx.addIssue({ code: 'custom', path: ['sections', i, end, 'camera'], message: `unknown camera "${point.camera}"` });
        continue;
      }
      const cam = cfg.cameras.find((c) => c.id === point.camera);
      if (point.line !== undefined && cam && !cam.lines.some((l) => l.id === point.line)) {
        ctx.addIssue({ code: 'custom', path: ['sections', i, end, 'line'], message: `unknown line "${point.line}" on camera "${point.camera}"` });
      }
    }
  });
}

function checkFederation(cfg: { federation?: z.infer<typeof federationSchema> | undefined }, siteIds: Set<string>, camIds: Set<string>, ctx: Ctx): void {
  const f = cfg.federation;
  if (!f) return;
  if (f.role === 'province') {
    const seen = new Set<string>();
    f.districts.forEach((d, i) => {
      if (seen.has(d.id)) ctx.addIssue({ code: 'custom', path: ['federation', 'districts', i, 'id'], message: `duplicate district id "${d.id}"` });
      if (d.id === f.id) ctx.addIssue({ code: 'custom', path: ['federation', 'districts', i, 'id'], message: `district id "${d.id}" is the province's own id` });
      seen.add(d.id);
    });
    return;
  }
  if ('cameras' in f.share) {
    f.share.cameras.forEach((c, i) => {
      if (!camIds.has(c)) ctx.addIssue({ code: 'custom', path: ['federation', 'share', 'cameras', i], message: `unknown camera "${c}": share only cameras of this file` });
    });
  } else {
    f.share.sites.forEach((s, i) => {
      if (!siteIds.has(s)) ctx.addIssue({ code: 'custom', path: ['federation', 'share', 'sites', i], message: `unknown site "${s}"` });
    });
  }
}

export const configSchema = z
  .strictObject({
    version: z.literal(1).describe('Config format version'),
    sites: z.array(siteSchema).min(1, 'at least one site is required').describe('Sites'),
    cameras: z.array(cameraSchema).default([]).describe('Cameras'),
    sections: z.array(sectionSchema).default([]).describe('Section (average-speed) controls between cameras'),
    recordings: recordingsSchema.prefault({}).describe('Retention of the recordings: by age, by quota, by free disk'),
    map: mapSchema.optional(),
    server: serverSchema.prefault({}).describe('The service: trusted reverse proxies, secure cookies, the networks of cameras set through the API'),
    ingest: ingestLimitsSchema.prefault({}).describe('Bounds of the partner ingest API: clock skew, age'),
    reports: reportsSchema.prefault({}).describe("Leaders' reports: retention of scheduled reports"),
    sharing: sharingSchema.prefault({}).describe('Requests between agencies: expiry of shared material, largest windows, link rate limit'),
    federation: federationSchema.optional(),
    faces: facesSchema.prefault({}).describe('Faces: the embedding model, retention by class (matched, unmatched)'),
  })
  .superRefine((cfg, ctx) => {
    const siteIds = new Set<string>();
    cfg.sites.forEach((s, i) => {
      if (siteIds.has(s.id)) ctx.addIssue({ code: 'custom', path: ['sites', i, 'id'], message: `duplicate site id "${s.id}"` });
      siteIds.add(s.id);
    });
    const camIds = new Set<string>();
    cfg.cameras.forEach((c, i) => {
      if (camIds.has(c.id)) ctx.addIssue({ code: 'custom', path: ['cameras', i, 'id'], message: `duplicate camera id "${c.id}"` });
      camIds.add(c.id);
      if (!siteIds.has(c.site)) ctx.addIssue({ code: 'custom', path: ['cameras', i, 'site'], message: `unknown site "${c.site}"` });
      for (const [key, list] of [['lines', c.lines], ['zones', c.zones], ['lanes', c.lanes], ['signals', c.signals], ['rules', c.rules]] as const) {
        const seen = new Set<string>();
        list.forEach((item, j) => {
          if (seen.has(item.id)) ctx.addIssue({ code: 'custom', path: ['cameras', i, key, j, 'id'], message: `duplicate ${key.slice(0, -1)} id "${item.id}"` });
          seen.add(item.id);
        });
      }
      checkRuleRefs(c, i, ctx);
    });
    checkSections(cfg, camIds, ctx);
    checkFederation(cfg, siteIds, camIds, ctx);
  })
  .describe('Argus site configuration');

export type ArgusConfig = z.infer<typeof configSchema>;
export type CameraConfig = z.infer<typeof cameraSchema>;
export type SiteConfig = z.infer<typeof siteSchema>;
export type LineConfig = z.infer<typeof lineSchema>;
export type ZoneConfig = z.infer<typeof zoneSchema>;
export type AnalysisConfig = z.infer<typeof analysisSchema>;
export type MotionConfig = z.infer<typeof motionSchema>;
export type CalibrationConfig = z.infer<typeof calibrationSchema>;
export type LaneConfig = z.infer<typeof laneSchema>;
export type SignalConfig = z.infer<typeof signalSchema>;
export type SpeedLimitsConfig = z.infer<typeof speedLimitsSchema>;
export type SectionConfig = z.infer<typeof sectionSchema>;
export type RecordingConfig = z.infer<typeof recordingSchema>;
export type RecordingsConfig = z.infer<typeof recordingsSchema>;
