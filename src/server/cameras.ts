/**
 * Camera config ↔ store record. The store keeps a camera's geometry and settings as JSON (`zones` holds
 * `{ area, analysis, lines, zones, lanes, signals, recording, plates, calibration?, speedLimits?, view?, faces? }`, `rules` the rules), so a camera
 * added through the API survives a restart and the manager rebuilds its full config from the row.
 */
import { cameraSchema, cameraViewSchema, type CameraConfig, type CameraView } from '../config/schema.js';
import { ArgusError } from '../core/errors.js';
import type { CameraRecord, JsonValue, SiteRecord } from '../store/store.js';

export function cameraToRecord(c: CameraConfig, nowMs = Date.now()): CameraRecord {
  const geometry: Record<string, unknown> = {
    area: c.area, analysis: c.analysis, lines: c.lines, zones: c.zones, lanes: c.lanes, signals: c.signals, recording: c.recording, plates: c.plates,
    ...(c.calibration ? { calibration: c.calibration } : {}),
    ...(c.speedLimits ? { speedLimits: c.speedLimits } : {}),
    ...(c.view ? { view: c.view } : {}),
    ...(c.faces !== undefined ? { faces: c.faces } : {}),
  };
  return {
    id: c.id, siteId: c.site, name: c.name, kind: c.kind, url: c.source, enabled: c.enabled,
    location: c.location, zones: geometry as JsonValue, rules: c.rules as JsonValue, updatedAtMs: nowMs,
  };
}

export function recordToCamera(r: CameraRecord): CameraConfig {
  const g = (r.zones !== null && typeof r.zones === 'object' && !Array.isArray(r.zones) ? r.zones : {}) as Record<string, unknown>;
  const parsed = cameraSchema.safeParse({
    id: r.id, name: r.name, site: r.siteId, kind: r.kind, source: r.url, enabled: r.enabled,
    location: r.location ?? { lat: 0, lng: 0 }, ...g, rules: Array.isArray(r.rules) ? r.rules : [],
  });
  if (!parsed.success) throw new ArgusError('config_invalid', `camera ${r.id} in the store is not a valid camera: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}

export function cameraArea(r: CameraRecord, site: SiteRecord | undefined): { district: string | null; ward: string | null } {
  const g = (r.zones !== null && typeof r.zones === 'object' && !Array.isArray(r.zones) ? r.zones : {}) as { area?: { district?: string; ward?: string } };
  return { district: g.area?.district ?? site?.district ?? null, ward: g.area?.ward ?? site?.ward ?? null };
}

/** The camera's direction and field of view as stored (null when unknown or not a valid view). */
export function cameraView(r: CameraRecord): CameraView | null {
  const g = (r.zones !== null && typeof r.zones === 'object' && !Array.isArray(r.zones) ? r.zones : {}) as { view?: unknown };
  const v = cameraViewSchema.safeParse(g.view);
  return v.success ? v.data : null;
}

/** The public view of a camera: no stream credentials. */
export function publicCamera(r: CameraRecord, site: SiteRecord | undefined, owner: { id: string; name: string } | null = null) {
  return {
    id: r.id, siteId: r.siteId, name: r.name, kind: r.kind, enabled: r.enabled, location: r.location, view: cameraView(r),
    area: cameraArea(r, site), source: redactUrl(r.url), updatedAtMs: r.updatedAtMs, owner,
  };
}

export const redactUrl = (url: string): string => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@').replace(/^\/.*\/([^/]+)$/, '…/$1');
