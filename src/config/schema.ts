import { z } from 'zod';
import { ruleSchema } from './rules.js';

/**
 * The site configuration (YAML). Strict: unknown keys are errors. Every field is described: the text feeds
 * the docs and the UI forms. Geometry is normalised 0–1 of the camera picture.
 */

export const CAMERA_KINDS = ['security', 'intersection', 'gateway', 'speed', 'overview', 'face_crowd', 'shared'] as const;

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

export const motionSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Skip the detector on frames without motion'),
    threshold: z.number().int().min(1).max(255).default(25).describe('Per-pixel luma change (0–255) that counts as motion'),
    minAreaRatio: z.number().min(0).max(1).default(0.002).describe('Fraction of the picture that must change to count as motion'),
    keepAliveSec: z.number().min(0).max(60).default(2).describe('Run the detector at least this often (s) while tracks are alive or for a periodic refresh'),
  })
  .describe('Motion gate');

export const analysisSchema = z
  .strictObject({
    fps: z.number().positive().max(60).default(5).describe('Analysed frames per second'),
    width: z.number().int().min(64).max(3840).optional().describe('Analysis width in pixels (defaults to the source width, capped at 1280)'),
    height: z.number().int().min(64).max(2160).optional().describe('Analysis height in pixels (keeps the aspect when omitted)'),
    model: z.string().min(1).default('yolox_nano_416_coco').describe('Detector model name in the models directory'),
    minScore: z.number().min(0).max(1).default(0.3).describe('Minimum detection confidence'),
    motion: motionSchema.prefault({}).describe('Motion gate settings'),
    masks: z.array(z.array(normPointSchema).min(3)).default([]).describe('Static regions to ignore (billboards, screens)'),
  })
  .describe('Analysis settings');

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
    rules: z.array(ruleSchema).default([]).describe('Per-camera rules'),
  })
  .describe('A camera');

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
  })
  .describe('A site (a province, city or district network)');

export const configSchema = z
  .strictObject({
    version: z.literal(1).describe('Config format version'),
    sites: z.array(siteSchema).min(1, 'at least one site is required').describe('Sites'),
    cameras: z.array(cameraSchema).default([]).describe('Cameras'),
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
      for (const [key, list] of [['lines', c.lines], ['zones', c.zones]] as const) {
        const seen = new Set<string>();
        list.forEach((item, j) => {
          if (seen.has(item.id)) ctx.addIssue({ code: 'custom', path: ['cameras', i, key, j, 'id'], message: `duplicate ${key.slice(0, -1)} id "${item.id}"` });
          seen.add(item.id);
        });
      }
    });
  })
  .describe('Argus site configuration');

export type ArgusConfig = z.infer<typeof configSchema>;
export type CameraConfig = z.infer<typeof cameraSchema>;
export type SiteConfig = z.infer<typeof siteSchema>;
export type LineConfig = z.infer<typeof lineSchema>;
export type ZoneConfig = z.infer<typeof zoneSchema>;
export type AnalysisConfig = z.infer<typeof analysisSchema>;
export type MotionConfig = z.infer<typeof motionSchema>;
