/** Requests between agencies (issue #25): what a partner may ask for, and the states of a request. */
export const SHARE_REQUEST_KINDS = ['footage', 'plate_trace', 'evidence'] as const;
export type ShareRequestKind = (typeof SHARE_REQUEST_KINDS)[number];

/**
 * Stored states; `expired` is never stored: an approved request past its expiry reads as expired. `preparing`:
 * approved, its package being built in the background (recorded footage is looked through for faces to blur, which
 * takes minutes for an hour of video); it becomes `approved` when the package is ready, or `failed` with the reason
 * (then it may be approved again).
 */
export const SHARE_STORED_STATUSES = ['pending', 'preparing', 'approved', 'failed', 'refused', 'revoked'] as const;
export type ShareStoredStatus = (typeof SHARE_STORED_STATUSES)[number];
/** What the API shows. */
export const SHARE_STATUSES = [...SHARE_STORED_STATUSES, 'expired'] as const;
export type ShareStatus = (typeof SHARE_STATUSES)[number];

/** The status a request shows at `nowMs`. */
export const shareStatusAt = (r: { status: ShareStoredStatus; expiresAtMs: number | null }, nowMs: number): ShareStatus =>
  r.status === 'approved' && r.expiresAtMs !== null && r.expiresAtMs <= nowMs ? 'expired' : r.status;
