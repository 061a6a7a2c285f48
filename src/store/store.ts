/**
 * The Store port: domain methods, not SQL. Adapters: `sqlite/` (embedded) and `postgres/` (scaled); both
 * pass `testing/conformance.ts`. Times are ms since epoch (UTC). Ids of domain rows are given by callers
 * (ULIDs from core/ids) so that retries are idempotent; the store assigns only audit sequence numbers.
 */
import type {
  Page, SiteRecord, CameraRecord, UserRecord, UserPatch, LoginFailureCount, RoleRecord, SessionRecord, ApiKeyRecord, SightingRecord,
  SightingFilter, PlateSearchQuery, PlateSearchResult, CountIncrement, CountFilter, EventRecord, EventFilter,
  ViolationRecord, NewViolation, ViolationDetail, ViolationFilter, ReviewDecision, AlertRecord, NewAlert, AlertFilter,
  WatchListRecord, WatchEntryRecord, EvidenceRecord, AuditEntry, AuditRecord, AuditFilter, AuditVerification, AuditChainPoint, SignedAuditCheckpoint,
  StatsFilter, ViolationStats, FlowStats, CongestionStats, AlertStats, UptimeStats, ReportScheduleRecord, ReportFileRecord, IncidentRecord,
  ShareRequestRecord, ShareRequestPatch, ShareRequestStatus, ShareRequestFilter,
  OutboxItem, FedCameraRecord, AccessScope, CentreRecord, CentreViewKind, CentreViewRecord, HeatmapBucket, HeatmapQuery, HeatmapWindow,
  AttributeSearchQuery, TrackAttributesRecord,
} from './types.js';
import type { FaceStore } from './faces.js';
import type { IngestBatch, IngestBatchResult } from './ingest-batch.js';

export type * from './types.js';
export type * from './ingest-batch.js';
export type * from './faces.js';

// ─── the port ─────────────────────────────────────────────────────────────────────────────────────

export interface Store extends FaceStore {
  readonly dialect: 'sqlite' | 'postgres';

  upsertSite(site: SiteRecord): Promise<void>;
  getSite(id: string): Promise<SiteRecord | null>;
  listSites(): Promise<SiteRecord[]>;
  /** Fails with `conflict` while cameras still belong to the site. */
  deleteSite(id: string): Promise<boolean>;

  upsertCamera(camera: CameraRecord): Promise<void>;
  getCamera(id: string): Promise<CameraRecord | null>;
  listCameras(filter?: { siteId?: string }): Promise<CameraRecord[]>;
  deleteCamera(id: string): Promise<boolean>;

  /** Fails with `conflict` when the id or username exists. */
  createUser(user: UserRecord): Promise<void>;
  getUser(id: string): Promise<UserRecord | null>;
  getUserByUsername(username: string): Promise<UserRecord | null>;
  listUsers(): Promise<UserRecord[]>;
  /** Fails with `not_found`. */
  updateUser(id: string, patch: UserPatch): Promise<UserRecord>;
  deleteUser(id: string): Promise<boolean>;
  /**
   * Counts one sign-in attempt of the user in ONE atomic statement (parallel attempts each count): the count goes up
   * by one; the attempt that brings it to `max` throttles the user until `nowMs + lockoutMs`; while throttled the count
   * still goes up (and the lock is not extended); a new period starts at 1 when the lock is over, or when the last
   * attempt is `lockoutMs` old. The caller resets the count on success (`updateUser`). Null when no such user.
   * The same rules as `AttemptCounter` (server/limiter.ts), which counts usernames that do not exist.
   */
  recordLoginFailure(userId: string, nowMs: number, max: number, lockoutMs: number): Promise<LoginFailureCount | null>;

  upsertRole(role: RoleRecord): Promise<void>;
  getRole(name: string): Promise<RoleRecord | null>;
  listRoles(): Promise<RoleRecord[]>;
  deleteRole(name: string): Promise<boolean>;

  createSession(session: SessionRecord): Promise<void>;
  getSession(id: string): Promise<SessionRecord | null>;
  touchSession(id: string, lastSeenMs: number, expiresAtMs: number): Promise<boolean>;
  deleteSession(id: string): Promise<boolean>;
  deleteUserSessions(userId: string): Promise<number>;
  deleteExpiredSessions(nowMs: number): Promise<number>;

  createApiKey(key: ApiKeyRecord): Promise<void>;
  getApiKeyByHash(keyHash: string): Promise<ApiKeyRecord | null>;
  listApiKeys(): Promise<ApiKeyRecord[]>;
  revokeApiKey(id: string, atMs: number): Promise<boolean>;
  /** Revokes every key the user owns that is not revoked yet (the user is deleted); returns how many. */
  revokeUserApiKeys(userId: string, atMs: number): Promise<number>;
  touchApiKey(id: string, lastUsedMs: number): Promise<void>;

  /** Batched, idempotent on `id` (a retried batch inserts nothing twice). Durable when it resolves. */
  insertSightings(rows: readonly SightingRecord[]): Promise<{ inserted: number }>;
  getSighting(id: string): Promise<SightingRecord | null>;
  /**
   * The ingest path: events, sightings, counts, violations, evidence and alerts of a burst in ONE transaction;
   * idempotent (see ingest-batch.ts). Durable when it resolves.
   */
  writeBatch(batch: IngestBatch): Promise<IngestBatchResult>;
  /** Newest first. */
  listSightings(filter?: SightingFilter): Promise<Page<SightingRecord>>;
  /** Newest first; each hit carries its match score. Semantics of plates/match.ts. */
  searchPlates(query: PlateSearchQuery): Promise<PlateSearchResult>;
  /** Track summaries (written by writeBatch's `tracks`), last seen newest first; see AttributeSearchQuery. */
  searchTrackAttributes(query: AttributeSearchQuery): Promise<Page<TrackAttributesRecord>>;
  getTrackAttributes(id: string): Promise<TrackAttributesRecord | null>;
  /** Deletes the summaries last seen before `beforeMs` (retention); their crop references, for the caller to remove. */
  pruneTrackAttributes(beforeMs: number): Promise<{ deleted: number; cropRefs: string[] }>;

  /** Adds `n` to each (camera, line, class, direction, minute) counter, creating it at 0. */
  addCounts(rows: readonly CountIncrement[]): Promise<void>;
  /** Ordered by minute, camera, line, class, direction. */
  listCounts(filter?: CountFilter): Promise<CountIncrement[]>;

  /** Idempotent on `id`. */
  insertEvents(rows: readonly EventRecord[]): Promise<{ inserted: number }>;
  getEvent(id: string): Promise<EventRecord | null>;
  listEvents(filter?: EventFilter): Promise<Page<EventRecord>>;

  /** Status starts `pending`. Idempotent on `id`. */
  insertViolation(v: NewViolation): Promise<void>;
  getViolation(id: string): Promise<ViolationDetail | null>;
  listViolations(filter?: ViolationFilter): Promise<Page<ViolationRecord>>;
  /** Records the decision and a history row atomically. `not_found`, `conflict` (expectedStatus). */
  reviewViolation(id: string, decision: ReviewDecision): Promise<ViolationDetail>;

  insertAlert(alert: NewAlert): Promise<void>;
  getAlert(id: string): Promise<AlertRecord | null>;
  listAlerts(filter?: AlertFilter): Promise<Page<AlertRecord>>;
  /** The first acknowledgement wins and is returned on repeats. `not_found`. */
  acknowledgeAlert(id: string, by: string, atMs: number): Promise<AlertRecord>;

  upsertWatchList(list: WatchListRecord): Promise<void>;
  getWatchList(id: string): Promise<WatchListRecord | null>;
  listWatchLists(): Promise<WatchListRecord[]>;
  /** Deletes its entries too. */
  deleteWatchList(id: string): Promise<boolean>;
  /** `not_found` when the list does not exist. Idempotent on entry id. */
  addWatchEntries(listId: string, entries: ReadonlyArray<Omit<WatchEntryRecord, 'listId'>>): Promise<void>;
  listWatchEntries(listId: string): Promise<WatchEntryRecord[]>;
  /** Entries of every list not expired at `nowMs` (for matching live reads). */
  activeWatchEntries(nowMs: number): Promise<WatchEntryRecord[]>;
  removeWatchEntry(id: string): Promise<boolean>;

  putEvidence(ref: EvidenceRecord): Promise<void>;
  getEvidence(id: string): Promise<EvidenceRecord | null>;
  listEvidence(filter: { violationId?: string; eventId?: string }): Promise<EvidenceRecord[]>;

  /** Append-only and hash-chained; concurrent appends are serialised. */
  appendAudit(entry: AuditEntry): Promise<AuditRecord>;
  /** Oldest first (by sequence). */
  listAudit(filter?: AuditFilter): Promise<Page<AuditRecord>>;
  /**
   * Recomputes every hash in order; reports the first row that does not chain. With `from` (a head already checked,
   * e.g. a signed checkpoint), only the rows after it, chained on from its hash.
   */
  verifyAuditChain(from?: AuditChainPoint): Promise<AuditVerification>;
  /** The last row of the audit chain (null when empty). */
  auditHead(): Promise<{ seq: number; hash: string } | null>;
  /** The stored hash of each given row that exists. */
  auditHashesAt(seqs: readonly number[]): Promise<Map<number, string>>;
  /** Stores a signed checkpoint of the chain (idempotent on seq and key id); audit-seal.ts signs and checks them. */
  appendAuditCheckpoint(checkpoint: SignedAuditCheckpoint): Promise<void>;
  /** By sequence number. */
  listAuditCheckpoints(): Promise<SignedAuditCheckpoint[]>;

  /** Dashboards: violations in a time range by kind, local hour of day, camera, status, and over time. */
  violationStats(filter?: StatsFilter): Promise<ViolationStats>;
  /** Dashboards: line counts in a time range by camera and direction, class, local hour, and over time. */
  flowStats(filter?: StatsFilter): Promise<FlowStats>;
  /** Dashboards: `congestion` alerts in a time range by camera, level, local hour, and over time. */
  congestionStats(filter?: StatsFilter): Promise<CongestionStats>;
  /** Alerts raised and acknowledged in the period, and the time to acknowledge. */
  alertStats(filter?: StatsFilter): Promise<AlertStats>;
  /**
   * Uptime of the filter's cameras (all cameras without `cameraIds`) over [fromMs, min(toMs, now)): down from a
   * `signal_loss` alert until the next `signal_restored` (or the period's end). `fromMs` is required.
   */
  uptimeStats(filter: StatsFilter & { readonly fromMs: number }, nowMs?: number): Promise<UptimeStats>;

  createReportSchedule(s: ReportScheduleRecord): Promise<void>;
  listReportSchedules(): Promise<ReportScheduleRecord[]>;
  deleteReportSchedule(id: string): Promise<boolean>;
  /**
   * Moves a schedule's next run from `dueAtMs` to `nextRunAtMs` and records `ranAtMs`, only if it still reads
   * `dueAtMs`: of several service replicas, exactly one wins the run.
   */
  claimReportRun(id: string, dueAtMs: number, nextRunAtMs: number, ranAtMs: number): Promise<boolean>;
  insertReportFile(f: ReportFileRecord, content: Uint8Array): Promise<void>;
  /** Newest first. */
  listReportFiles(limit: number): Promise<ReportFileRecord[]>;
  getReportFile(id: string): Promise<{ file: ReportFileRecord; content: Uint8Array } | null>;
  /** Deletes files made before `beforeMs`; how many. */
  pruneReportFiles(beforeMs: number): Promise<number>;

  /** Federation (a district): the shared events queued by writeBatch's `outbox`, after `afterSeq`, in seq order. */
  readOutbox(afterSeq: number, limit: number): Promise<OutboxItem[]>;
  /** Removes the outbox rows up to `uptoSeq` (published and acknowledged); how many. */
  pruneOutbox(uptoSeq: number): Promise<number>;
  /** Federation (a province): the owner of a shared camera (one district per camera id). */
  upsertFedCamera(row: FedCameraRecord): Promise<void>;
  listFedCameras(): Promise<FedCameraRecord[]>;
  /** A small setting of the service kept in the store (the federation publisher's cursor). */
  getMeta(key: string): Promise<string | null>;
  putMeta(key: string, value: string): Promise<void>;

  /** Stores an incident with its photos (one transaction). */
  insertIncident(i: Omit<IncidentRecord, 'photos'>, photos: ReadonlyArray<{ sha256: string; content: Uint8Array }>): Promise<void>;
  /** Newest first, in [fromMs, toMs) when given. */
  listIncidents(f: { fromMs?: number; toMs?: number; limit: number }): Promise<IncidentRecord[]>;
  getIncident(id: string): Promise<IncidentRecord | null>;
  updateIncident(id: string, patch: { cameraIds?: readonly string[]; eventIds?: readonly string[]; status?: 'open' | 'closed' }, atMs: number): Promise<IncidentRecord | null>;
  getIncidentPhoto(id: string, n: number): Promise<{ sha256: string; content: Uint8Array } | null>;

  /** Requests between agencies (issue #25). */
  insertShareRequest(r: ShareRequestRecord): Promise<void>;
  getShareRequest(id: string): Promise<ShareRequestRecord | null>;
  /** The request whose read-only link has this token hash. */
  getShareRequestByToken(tokenHash: string): Promise<ShareRequestRecord | null>;
  /** Newest first; `requesterUserId`/`requestedBy`: only those of that user (their keys' included) or actor; `statuses`: only those. */
  listShareRequests(f: ShareRequestFilter): Promise<ShareRequestRecord[]>;
  /**
   * Changes a request only while it is in `from` (a decision is taken once: two officers deciding at once, one wins);
   * returns the request after the change, or null when it was not in `from` (or does not exist).
   */
  updateShareRequest(id: string, from: ShareRequestStatus, patch: ShareRequestPatch, atMs: number): Promise<ShareRequestRecord | null>;
  /** Monitoring centres. Fails with `conflict` when the id or name exists. */
  createCentre(c: CentreRecord): Promise<void>;
  getCentre(id: string): Promise<CentreRecord | null>;
  /** By name. */
  listCentres(): Promise<CentreRecord[]>;
  /** Fails with `not_found`, or `conflict` on a name another centre has. */
  updateCentre(id: string, patch: { name?: string; scope?: AccessScope; updatedAtMs: number }): Promise<CentreRecord>;
  /** Removes the centre, its memberships and its views. */
  deleteCentre(id: string): Promise<boolean>;
  /** Makes these users the centre's members (one centre per user: a member of another centre moves); `not_found` for an unknown centre or user. */
  setCentreMembers(centreId: string, userIds: readonly string[]): Promise<void>;
  /** Member user ids, sorted. */
  listCentreMembers(centreId: string): Promise<string[]>;
  getCentreOfUser(userId: string): Promise<CentreRecord | null>;
  /** By name. */
  listCentreViews(centreId: string, kind: CentreViewKind): Promise<CentreViewRecord[]>;
  /** Saves a view; one of the same centre, kind and name is replaced and keeps its id. Returns it as stored. */
  saveCentreView(v: CentreViewRecord): Promise<CentreViewRecord>;
  deleteCentreView(centreId: string, id: string): Promise<boolean>;

  /** Heatmap buckets flushed by the runtime (one row per bucket part, never per frame). Idempotent on `id`. */
  insertHeatmapBuckets(rows: readonly HeatmapBucket[]): Promise<{ inserted: number }>;
  /** The camera's heatmap of one class over the buckets starting in [fromMs, toMs): cells summed, per-bucket totals. */
  heatmapWindow(q: HeatmapQuery): Promise<HeatmapWindow>;
  /** Deletes the buckets that started before `beforeMs` (retention); how many rows. */
  pruneHeatmap(beforeMs: number): Promise<number>;

  close(): Promise<void>;
}
