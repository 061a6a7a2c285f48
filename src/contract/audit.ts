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

/** Which check of the audit log found a problem: the hash chain, a checkpoint's signature, a signed head hash, the tail, the anchor file. */
export const AUDIT_CHECKS = ['chain', 'signature', 'checkpoint', 'tail', 'anchor'] as const;

/** The chain and its signed checkpoints (src/store/audit-seal.ts); the first problem also as `brokenAtSeq`/`reason`. */
export const auditVerification = z.strictObject({
  ok: z.boolean(),
  /** Rows that chain (from the first). */
  count: z.number(),
  /** The last row's seq (0: empty) and hash (zeros when empty). */
  headSeq: z.number(),
  headHash: z.string(),
  brokenAtSeq: z.number().optional(),
  reason: z.string().optional(),
  /** Key id of the trusted audit key (null: none found). */
  keyId: z.string().nullable(),
  /** Checkpoints whose signature and head hash check out; the latest; rows after it (not signed yet). */
  checkpoints: z.number(),
  latestCheckpoint: z.strictObject({ seq: z.number(), atMs: z.number() }).nullable(),
  unsealedRows: z.number(),
  problems: z.array(z.strictObject({ check: z.enum(AUDIT_CHECKS), seq: z.number().nullable(), message: z.string() })),
});
export type AuditVerification = z.infer<typeof auditVerification>;
