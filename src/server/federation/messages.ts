/**
 * What crosses the leaf node between a district and its province, and nothing else: a shared camera's committed event
 * (as stored, without footage: a violation's evidence package stays at the district; a plate read's crop travels as
 * bytes, at most MAX_CROP_BYTES) and the district's heartbeat with its shared cameras and their status. The province
 * parses both strictly: a district is another installation, its messages are input like any other.
 */
import { z } from 'zod';
import { cameraStatus } from '../../contract/cameras.js';
import { CAMERA_KINDS } from '../../core/kinds.js';
import { MAX_CROP_BYTES } from '../crops.js';

const token = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/);

/** One committed event of a shared camera. `event` is the stored payload (the ArgusEvent without binary fields). */
export const fedEventMessage = z.strictObject({
  v: z.literal(1),
  district: token,
  /** The district outbox's seq (commit order at the district): for the audit's ranges. */
  seq: z.number().int().min(0),
  event: z.looseObject({ id: token, cameraId: token, atMs: z.number().int().min(0), kind: z.string().min(1).max(64) }),
  cropJpeg: z.string().max(Math.ceil(MAX_CROP_BYTES / 3) * 4).regex(/^[A-Za-z0-9+/]+={0,2}$/).optional(),
});
export type FedEventMessage = z.infer<typeof fedEventMessage>;

export const fedCamera = z.strictObject({
  id: token,
  name: z.string().min(1).max(200),
  kind: z.enum(CAMERA_KINDS),
  location: z.strictObject({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) }).nullable(),
  area: z.strictObject({ district: z.string().max(120).nullable(), ward: z.string().max(120).nullable() }),
  status: cameraStatus.nullable(),
});
export type FedCamera = z.infer<typeof fedCamera>;

/** The district's heartbeat: who it is, and its shared cameras with their live status. */
export const fedStatusMessage = z.strictObject({
  v: z.literal(1),
  district: token,
  name: z.string().min(1).max(120),
  atMs: z.number().int().min(0),
  cameras: z.array(fedCamera).max(10_000),
});
export type FedStatusMessage = z.infer<typeof fedStatusMessage>;

/** The stored payload of an event as it may cross: no evidence package reference, no blob reference of a crop. */
export function crossingPayload(payload: Record<string, unknown>): Record<string, unknown> {
  const { evidence: _evidence, crop: _crop, cropJpeg: _jpeg, ...rest } = payload;
  return rest;
}
