/** Hash chain of the audit log: hash = sha256(prevHash || canonical(row)), hex. */
import { createHash } from 'node:crypto';
import type { AuditEntry, JsonValue } from './store.js';

export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level: one text per value. */
export function canonicalJson(value: JsonValue | undefined): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function auditHash(prevHash: string, seq: number, e: AuditEntry): string {
  const row = canonicalJson({ seq, atMs: e.atMs, actor: e.actor, action: e.action, target: e.target, details: e.details });
  return createHash('sha256').update(prevHash).update(row).digest('hex');
}
