/**
 * Field incidents (an IOC's intake): officers or other systems report what happened where (type, place, time,
 * photos); the incident shows in the alert feed and on the map, and can be linked to cameras and events.
 */
import { z } from 'zod';
import { INCIDENT_TYPES } from '../core/violation.js';
import { latLng, pageOf } from './common.js';

export const incident = z.strictObject({
  id: z.string(),
  type: z.enum(INCIDENT_TYPES),
  description: z.string(),
  location: latLng,
  atMs: z.number(),
  district: z.string().nullable(),
  reportedBy: z.string(),
  cameraIds: z.array(z.string()),
  eventIds: z.array(z.string()),
  status: z.enum(['open', 'closed']),
  createdAtMs: z.number(),
  updatedAtMs: z.number(),
  /** The photos, each fetched from `/api/incidents/:id/photos/:n` (audited). */
  photos: z.array(z.strictObject({ n: z.number(), sha256: z.string(), bytes: z.number() })),
});
export type Incident = z.infer<typeof incident>;
export const incidents = pageOf(incident);
