/**
 * A camera spec as it arrives from `argus_cameras`: checked with the same strict schema as the config file and the
 * API (a spec written by another version, or by hand, is refused with its problems, never half-run), and compared
 * with the one a camera runs, so that a replica writing every camera again at its start restarts none of them.
 */
import { cameraSchema, siteSchema } from '../../config/schema.js';
import type { CameraSpec } from './protocol.js';

export type SpecCheck = { readonly ok: true; readonly spec: CameraSpec } | { readonly ok: false; readonly problems: string[] };

export function checkSpec(key: string, raw: unknown): SpecCheck {
  const v = (raw ?? {}) as Partial<CameraSpec>;
  const config = cameraSchema.safeParse(v.config);
  const site = v.site === null || v.site === undefined ? { success: true as const, data: null } : siteSchema.safeParse(v.site);
  const problems = [
    ...(config.success ? [] : config.error.issues.map((i) => `config.${i.path.join('.')}: ${i.message}`)),
    ...(site.success ? [] : site.error.issues.map((i) => `site.${i.path.join('.')}: ${i.message}`)),
  ];
  if (config.success && config.data.id !== key) problems.push(`config.id: "${config.data.id}" is not the key "${key}"`);
  if (!config.success || !site.success || problems.length > 0) return { ok: false, problems };
  return { ok: true, spec: { config: config.data, site: site.data, updatedAtMs: typeof v.updatedAtMs === 'number' ? v.updatedAtMs : 0 } };
}

/** Whether running `b` instead of `a` changes anything (the write time aside). */
export const sameSpec = (a: CameraSpec, b: CameraSpec): boolean => JSON.stringify([a.config, a.site]) === JSON.stringify([b.config, b.site]);
