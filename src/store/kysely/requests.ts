/** Requests between agencies (issue #25), the same SQL on both dialects. */
import { sql } from 'kysely';
import type { ShareRequestFilter, ShareRequestPatch, ShareRequestRecord, ShareRequestStatus } from '../store.js';
import { fromJson, num, numOrNull, toJson, type StoreContext } from './context.js';
import type { ShareRequestTable } from './schema.js';

const recordOf = (r: ShareRequestTable): ShareRequestRecord => ({
  id: r.id, kind: r.kind as ShareRequestRecord['kind'], cameraId: r.camera_id, plateKey: r.plate_key, violationId: r.violation_id,
  fromMs: numOrNull(r.from_ms), toMs: numOrNull(r.to_ms), reason: r.reason, legalBasis: r.legal_basis, agency: r.agency,
  requestedBy: r.requested_by, requesterUserId: r.requester_user_id, requesterName: r.requester_name,
  area: r.area === null ? null : fromJson<string[]>(r.area), status: r.status as ShareRequestStatus,
  decidedBy: r.decided_by, deciderName: r.decider_name, decidedAtMs: numOrNull(r.decided_at_ms), decisionReason: r.decision_reason,
  expiresAtMs: numOrNull(r.expires_at_ms), tokenHash: r.token_hash, packageSha256: r.package_sha256,
  progress: r.progress === null ? null : Number(r.progress), buildError: r.build_error,
  createdAtMs: num(r.created_at_ms), updatedAtMs: num(r.updated_at_ms),
});

export async function insertShareRequest(ctx: StoreContext, r: ShareRequestRecord): Promise<void> {
  await ctx.db.insertInto('share_requests').values({
    id: r.id, kind: r.kind, camera_id: r.cameraId, plate_key: r.plateKey, violation_id: r.violationId, from_ms: r.fromMs, to_ms: r.toMs,
    reason: r.reason, legal_basis: r.legalBasis, agency: r.agency, requested_by: r.requestedBy, requester_user_id: r.requesterUserId,
    requester_name: r.requesterName, area: r.area === null ? null : toJson([...r.area]), status: r.status, decided_by: r.decidedBy,
    decider_name: r.deciderName, decided_at_ms: r.decidedAtMs, decision_reason: r.decisionReason, expires_at_ms: r.expiresAtMs,
    token_hash: r.tokenHash, package_sha256: r.packageSha256, progress: r.progress, build_error: r.buildError, created_at_ms: r.createdAtMs, updated_at_ms: r.updatedAtMs,
  }).execute();
}

export async function getShareRequest(ctx: StoreContext, id: string): Promise<ShareRequestRecord | null> {
  const r = await ctx.db.selectFrom('share_requests').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? recordOf(r) : null;
}

export async function getShareRequestByToken(ctx: StoreContext, tokenHash: string): Promise<ShareRequestRecord | null> {
  const r = await ctx.db.selectFrom('share_requests').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  return r ? recordOf(r) : null;
}

export async function listShareRequests(ctx: StoreContext, f: ShareRequestFilter): Promise<ShareRequestRecord[]> {
  let q = ctx.db.selectFrom('share_requests').selectAll().orderBy('created_at_ms', 'desc').orderBy('id', 'desc').limit(f.limit);
  if (f.statuses !== undefined) q = f.statuses.length === 0 ? q.where(sql<boolean>`1 = 0`) : q.where('status', 'in', [...f.statuses]);
  if (f.requesterUserId !== undefined || f.requestedBy !== undefined) {
    q = q.where((eb) => eb.or([
      ...(f.requesterUserId !== undefined ? [eb('requester_user_id', '=', f.requesterUserId)] : []),
      ...(f.requestedBy !== undefined ? [eb('requested_by', '=', f.requestedBy)] : []),
    ]));
  }
  return (await q.execute()).map(recordOf);
}

export async function updateShareRequest(ctx: StoreContext, id: string, from: ShareRequestStatus, p: ShareRequestPatch, atMs: number): Promise<ShareRequestRecord | null> {
  const res = await ctx.db.updateTable('share_requests').set({
    updated_at_ms: atMs,
    ...(p.status !== undefined ? { status: p.status } : {}),
    ...(p.decidedBy !== undefined ? { decided_by: p.decidedBy } : {}),
    ...(p.deciderName !== undefined ? { decider_name: p.deciderName } : {}),
    ...(p.decidedAtMs !== undefined ? { decided_at_ms: p.decidedAtMs } : {}),
    ...(p.decisionReason !== undefined ? { decision_reason: p.decisionReason } : {}),
    ...(p.expiresAtMs !== undefined ? { expires_at_ms: p.expiresAtMs } : {}),
    ...(p.tokenHash !== undefined ? { token_hash: p.tokenHash } : {}),
    ...(p.packageSha256 !== undefined ? { package_sha256: p.packageSha256 } : {}),
    ...(p.progress !== undefined ? { progress: p.progress } : {}),
    ...(p.buildError !== undefined ? { build_error: p.buildError } : {}),
  }).where('id', '=', id).where('status', '=', from).executeTakeFirst();
  if (Number(res.numUpdatedRows) === 0) return null;
  return getShareRequest(ctx, id);
}
