/** Shapes of the administration API answers (see src/server/routes/admin.ts and watch.ts). */
export interface Scope { districts?: string[]; wards?: string[]; cameraIds?: string[] }
export interface User {
  id: string; username: string; displayName: string; roles: string[]; scope: Scope; disabled: boolean;
  lockedUntilMs: number | null; createdAtMs: number; updatedAtMs: number;
}
export interface RoleInfo { name: string; permissions: string[] }
export interface ApiKey {
  id: string; name: string; prefix: string; scopes: string[]; scope: Scope; rateLimitPerMin: number; ownerUserId: string | null;
  createdAtMs: number; expiresAtMs: number | null; revokedAtMs: number | null; lastUsedMs: number | null;
}
export interface NewApiKey { id: string; name: string; prefix: string; scopes: string[]; scope: Scope; rateLimitPerMin: number; expiresAtMs: number; secret: string }
export type Severity = 'info' | 'warning' | 'critical';
export interface WatchList { id: string; name: string; description: string; severity: Severity; createdAtMs: number }
export interface WatchEntry { id: string; listId: string; pattern: string; note: string; createdAtMs: number; expiresAtMs: number | null }
export interface WatchListDetail extends WatchList { entries: WatchEntry[] }
export interface ImportResult { imported: number; skipped: number; skippedLines: Array<{ line: number; pattern: string; why: 'in_list' | 'repeated' }> }
export interface LineError { line: number; message: string }
export interface AuditRow { seq: number; atMs: number; actor: string; action: string; target: string | null; details: Record<string, unknown>; hash: string }
export type AuditVerification = { ok: true; count: number; headHash: string } | { ok: false; count: number; brokenAtSeq: number; reason: string };
export interface Page<T> { items: T[]; nextCursor: string | null }

/** Has the signed-in user this permission? (Actions the role may not do are hidden, the API refuses them anyway.) */
export const may = (permissions: readonly string[], p: string): boolean => permissions.includes(p);
