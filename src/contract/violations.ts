/** Violations: listing, one with its evidence and review history, the answer of a review. */
import { z } from 'zod';
import { VIOLATION_KINDS } from '../core/violation.js';
import { jsonValue, pageOf } from './common.js';

export const VIOLATION_STATUSES = ['pending', 'confirmed', 'rejected'] as const;
export type ViolationStatus = (typeof VIOLATION_STATUSES)[number];
const status = z.enum(VIOLATION_STATUSES);

export const violation = z.strictObject({
  id: z.string(),
  cameraId: z.string(),
  atMs: z.number(),
  kind: z.enum(VIOLATION_KINDS),
  /** Normalised key (`30A12345`) and display form (`30A-123.45`) of the plate, when one was read. */
  plateKey: z.string().nullable(),
  plateDisplay: z.string().nullable(),
  status,
  /** The violation event as the rule emitted it (measurements, class, box, rule parameters). */
  details: jsonValue,
  updatedAtMs: z.number(),
});
export type Violation = z.infer<typeof violation>;
export const violations = pageOf(violation);

export const violationReview = z.strictObject({
  violationId: z.string(),
  atMs: z.number(),
  fromStatus: status,
  toStatus: status,
  reviewer: z.string(),
  reason: z.string(),
});

export const evidenceItem = z.strictObject({
  id: z.string(),
  violationId: z.string().nullable(),
  eventId: z.string().nullable(),
  /** still | crop | composite | clip | manifest (a signed package folder). */
  kind: z.string(),
  /** Path relative to the evidence root of the service. */
  path: z.string(),
  sha256: z.string(),
  bytes: z.number(),
  createdAtMs: z.number(),
});
export type EvidenceItem = z.infer<typeof evidenceItem>;

export const violationDetail = violation.extend({ history: z.array(violationReview), evidence: z.array(evidenceItem) });
export type ViolationDetail = z.infer<typeof violationDetail>;
