/**
 * Hash chain of the audit log: hash = sha256(prevHash || canonical(row)), hex. Its checkpoints are signed with an
 * Ed25519 key kept outside the database (audit-seal.ts): the chain alone can be recomputed by whoever can write the
 * database; a signature cannot.
 */
import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import type { AuditCheckpoint, AuditEntry, JsonValue, SignedAuditCheckpoint } from './store.js';
import { isJsonObject } from '../core/violation.js';

export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level: one text per value. */
export function canonicalJson(value: JsonValue | undefined): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  if (isJsonObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function auditHash(prevHash: string, seq: number, e: AuditEntry): string {
  const row = canonicalJson({ seq, atMs: e.atMs, actor: e.actor, action: e.action, target: e.target, details: e.details });
  return createHash('sha256').update(prevHash).update(row).digest('hex');
}

/** The bytes a checkpoint signature covers: a domain tag, then the checkpoint's fields as canonical JSON. */
export function checkpointMessage(c: AuditCheckpoint): Buffer {
  const body = canonicalJson({ seq: c.seq, headHash: c.headHash, atMs: c.atMs, count: c.count, keyId: c.keyId });
  return Buffer.from(`argus-audit-checkpoint/v1\n${body}`, 'utf8');
}

export function signCheckpoint(c: AuditCheckpoint, privateKey: KeyObject): SignedAuditCheckpoint {
  return { seq: c.seq, headHash: c.headHash, atMs: c.atMs, count: c.count, keyId: c.keyId, signature: sign(null, checkpointMessage(c), privateKey).toString('base64') };
}

/** Whether the signature is the key's over the checkpoint as given (any field changed: false). */
export function checkpointSignatureValid(c: SignedAuditCheckpoint, publicKey: KeyObject): boolean {
  const sig = Buffer.from(c.signature, 'base64');
  return sig.length === 64 && verify(null, checkpointMessage(c), publicKey, sig);
}
