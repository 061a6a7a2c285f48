/** The audit log (hash-chained) and the check of its chain. */
import { z } from 'zod';
import { jsonValue, pageOf } from './common.js';

export const auditRow = z.strictObject({
  seq: z.number(),
  atMs: z.number(),
  /** A user id, `apikey:<id>` or `system`. */
  actor: z.string(),
  /** e.g. `plate.search`, `plate.view`, `violation.review`, `footage.view`, `export.csv`. */
  action: z.string(),
  target: z.string().nullable(),
  details: jsonValue,
  prevHash: z.string(),
  /** sha256(prevHash || canonical(row)), hex. */
  hash: z.string(),
});
export type AuditRow = z.infer<typeof auditRow>;
export const auditPage = pageOf(auditRow);

export const auditVerification = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), count: z.number(), headHash: z.string() }),
  z.strictObject({ ok: z.literal(false), count: z.number(), brokenAtSeq: z.number(), reason: z.string() }),
]);
export type AuditVerification = z.infer<typeof auditVerification>;
