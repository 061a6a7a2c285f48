/**
 * The read-only link of an approved request: `/api/shares/<token>`. The token is derived from the request with the
 * evidence key (SHA-256 of an Ed25519 signature over the request id and decision time, base64url): unguessable without
 * the private key, the same each time the service shows it to the requester or an approver, and only its SHA-256 is
 * stored (the link is looked up by that hash). Audit rows name a link by its token id: the hash's first 12 digits.
 */
import { createHash, sign } from 'node:crypto';
import type { EvidenceKeyPair } from '../../evidence/keys.js';

export const SHARE_TOKEN = /^[A-Za-z0-9_-]{43}$/;
export const SHARE_LINK_PREFIX = '/api/shares/';

export function shareToken(keys: EvidenceKeyPair, requestId: string, decidedAtMs: number): string {
  const sig = sign(null, Buffer.from(`argus-share-link/1\n${requestId}\n${decidedAtMs}`, 'utf8'), keys.privateKey);
  return createHash('sha256').update(sig).digest('base64url');
}

export const tokenHashOf = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');
/** What the audit log names a link by. */
export const tokenIdOf = (tokenHash: string): string => tokenHash.slice(0, 12);
