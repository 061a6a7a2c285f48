/**
 * Requests between agencies (issue #25, as Genetec Clearance does): a partner asks for footage, a plate trace or a
 * violation's evidence with a reason and a legal basis; an authorised officer approves (for a limited time) or refuses;
 * approved material is served as a signed package (a tar of files with manifest.json and manifest.sig, checked by
 * `argus evidence verify`) or through a read-only link that works without signing in until it expires.
 */
import { z } from 'zod';
import { SHARE_REQUEST_KINDS, SHARE_STATUSES } from '../core/sharing.js';
import { listOf } from './common.js';

export const shareRequest = z.strictObject({
  id: z.string(),
  kind: z.enum(SHARE_REQUEST_KINDS),
  cameraId: z.string().nullable(),
  plate: z.string().nullable(),
  violationId: z.string().nullable(),
  fromMs: z.number().nullable(),
  toMs: z.number().nullable(),
  reason: z.string(),
  legalBasis: z.string(),
  agency: z.string(),
  requesterName: z.string(),
  /**
   * `expired`: approved, past its expiry (the package and the link answer 410 Gone). `preparing`: approved, its
   * package being built (recorded footage looked through for faces to pixelate); `failed`: it could not be built
   * (`buildError` says why), and may be approved again.
   */
  status: z.enum(SHARE_STATUSES),
  /** While `preparing`: the share of the package built, 0–1. */
  progress: z.number().min(0).max(1).nullable(),
  /** `failed`: why the package could not be built. */
  buildError: z.string().nullable(),
  deciderName: z.string().nullable(),
  decidedAtMs: z.number().nullable(),
  decisionReason: z.string().nullable(),
  expiresAtMs: z.number().nullable(),
  /** SHA-256 of the package's manifest.json (its signature covers the files' digests). */
  packageSha256: z.string().nullable(),
  /** The read-only link (path under this service), while approved and not expired; null otherwise. */
  link: z.string().nullable(),
  createdAtMs: z.number(),
});
export type ShareRequest = z.infer<typeof shareRequest>;
export const shareRequests = listOf(shareRequest);
