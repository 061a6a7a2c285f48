/** Records and filters of the Store port (see store.ts). */
import type { PlateMatchKind } from '../plates/match.js';

/** One JSON value type for the whole service (src/core/violation.ts). */
export type { JsonValue } from '../core/violation.js';
import type { JsonValue } from '../core/violation.js';

/** One page of a listing. `nextCursor` is opaque and tamper-evident; pass it back unchanged. */
export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

export interface PageRequest {
  /** 1–1000, default 100. */
  readonly limit?: number;
  readonly cursor?: string | null;
}

export interface TimeRange {
  readonly fromMs?: number;
  /** Exclusive. */
  readonly toMs?: number;
}

// ─── sites, cameras ───────────────────────────────────────────────────────────────────────────────

export interface LatLngValue {
  readonly lat: number;
  readonly lng: number;
}

export interface SiteRecord {
  readonly id: string;
  readonly name: string;
  readonly timeZone: string;
  readonly district: string | null;
  readonly ward: string | null;
  readonly location: LatLngValue | null;
  /** Province codes of the site's own plates (seed of the plate reader's site prior); read back as [] when none. */
  readonly provinces?: readonly number[];
}

export interface CameraRecord {
  readonly id: string;
  readonly siteId: string;
  readonly name: string;
  /** security | intersection | gateway | speed | overview | face_crowd | shared (see config schema). */
  readonly kind: string;
  readonly url: string;
  readonly enabled: boolean;
  readonly location: LatLngValue | null;
  /** Zones and lines as in the site config (validated by config/, stored verbatim). */
  readonly zones: JsonValue;
  readonly rules: JsonValue;
  readonly updatedAtMs: number;
}

// ─── users, roles, sessions, API keys ─────────────────────────────────────────────────────────────

export interface AccessScope {
  /** Empty or absent: everywhere. */
  readonly districts?: readonly string[];
  readonly wards?: readonly string[];
  readonly cameraIds?: readonly string[];
}

export interface UserRecord {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly passwordHash: string;
  readonly roles: readonly string[];
  readonly scope: AccessScope;
  readonly disabled: boolean;
  /** Sign-in attempts since the last success (counted atomically: see `Store.recordLoginFailure`). */
  readonly failedLogins: number;
  /** Sign-ins under this username are throttled until then (except from a known device): not a hard lock. */
  readonly lockedUntilMs: number | null;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

export type UserPatch = Partial<Omit<UserRecord, 'id' | 'createdAtMs'>>;

/** The user's sign-in counter after `Store.recordLoginFailure`. */
export interface LoginFailureCount {
  /** Attempts in the current period, this one included. */
  readonly failedLogins: number;
  /** Set when this period reached its maximum (the throttle lasts until then). */
  readonly lockedUntilMs: number | null;
}

export interface RoleRecord {
  readonly name: string;
  readonly description: string;
  readonly permissions: readonly string[];
}

export interface SessionRecord {
  /** Store a hash of the session token, never the token. */
  readonly id: string;
  readonly userId: string;
  readonly createdAtMs: number;
  readonly expiresAtMs: number;
  readonly lastSeenMs: number;
  readonly csrfToken: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
}

export interface ApiKeyRecord {
  readonly id: string;
  readonly name: string;
  /** Hash of the secret; look keys up by it. */
  readonly keyHash: string;
  /** The first characters of the key, shown in lists. */
  readonly prefix: string;
  readonly scopes: readonly string[];
  /** The area the key acts in (never wider than its owner's scope; `{}`: everywhere, only when the owner's is too). */
  readonly scope: AccessScope;
  readonly rateLimitPerMin: number;
  /** The user who made it: the key works only while that user exists and is enabled. */
  readonly ownerUserId: string | null;
  readonly createdAtMs: number;
  readonly expiresAtMs: number | null;
  readonly revokedAtMs: number | null;
  readonly lastUsedMs: number | null;
}

// ─── sightings, counts, events ────────────────────────────────────────────────────────────────────

export interface SightingRecord {
  readonly id: string;
  readonly cameraId: string;
  readonly atMs: number;
  /** Normalised `[0-9A-Z]` key, e.g. `30A12345`. */
  readonly plateKey: string;
  /** Vietnamese display form, e.g. `30A-123.45`. */
  readonly display: string;
  readonly confidence: number;
  /** white | yellow | blue | red | … (plate background category), or null when unknown. */
  readonly category: string | null;
  /** Vehicle class (car, motorcycle, …) or null. */
  readonly cls: string | null;
  readonly trackId: number | null;
  readonly direction: string | null;
  /** Evidence reference of the best crop (path or evidence id), or null. */
  readonly cropRef: string | null;
}

export interface SightingFilter extends TimeRange, PageRequest {
  readonly cameraIds?: readonly string[];
  /** Exact normalised key. */
  readonly plateKey?: string;
}

export type PlateSearchMode = 'exact' | 'prefix' | 'wildcard' | 'fuzzy';

export interface PlateSearchQuery extends TimeRange, PageRequest {
  readonly query: string;
  readonly mode: PlateSearchMode;
  readonly cameraIds?: readonly string[];
  /** Fuzzy mode: 1 (default) or 2. */
  readonly maxDistance?: number;
}

export interface PlateHit extends SightingRecord {
  readonly score: number;
  readonly distance: number;
  readonly matchKind: PlateMatchKind;
}

export interface PlateSearchResult extends Page<PlateHit> {
  /** Exact and fuzzy modes: the distinct matching keys, best first (at most 100). */
  readonly plates: ReadonlyArray<{ key: string; score: number; distance: number; matchKind: PlateMatchKind }>;
}

export interface CountIncrement {
  readonly cameraId: string;
  readonly lineId: string;
  readonly cls: string;
  readonly direction: string;
  /** Start of the minute (a multiple of 60 000). */
  readonly minuteMs: number;
  readonly n: number;
}

export interface CountFilter extends TimeRange {
  readonly cameraIds?: readonly string[];
  readonly lineId?: string;
  readonly cls?: string;
}

export interface EventRecord {
  readonly id: string;
  readonly cameraId: string;
  readonly atMs: number;
  readonly kind: string;
  readonly payload: JsonValue;
}

export interface EventFilter extends TimeRange, PageRequest {
  readonly cameraIds?: readonly string[];
  readonly kinds?: readonly string[];
}

// ─── violations, alerts, watch lists, evidence ────────────────────────────────────────────────────

export type ViolationStatus = 'pending' | 'confirmed' | 'rejected';

export interface ViolationRecord {
  readonly id: string;
  readonly cameraId: string;
  readonly atMs: number;
  /** red_light, wrong_lane, speeding, … */
  readonly kind: string;
  readonly plateKey: string | null;
  readonly plateDisplay: string | null;
  readonly status: ViolationStatus;
  readonly details: JsonValue;
  readonly updatedAtMs: number;
}

export type NewViolation = Omit<ViolationRecord, 'status' | 'updatedAtMs'>;

export interface ViolationReview {
  readonly violationId: string;
  readonly atMs: number;
  readonly fromStatus: ViolationStatus;
  readonly toStatus: ViolationStatus;
  readonly reviewer: string;
  readonly reason: string;
}

export interface ViolationDetail extends ViolationRecord {
  readonly history: ViolationReview[];
  readonly evidence: EvidenceRecord[];
}

export interface ViolationFilter extends TimeRange, PageRequest {
  readonly status?: ViolationStatus;
  readonly cameraIds?: readonly string[];
  readonly kinds?: readonly string[];
  readonly plateKey?: string;
}

export interface ReviewDecision {
  readonly status: 'confirmed' | 'rejected' | 'pending';
  readonly reviewer: string;
  readonly reason: string;
  readonly atMs: number;
  /** Optimistic concurrency: fail with `conflict` when the current status differs. */
  readonly expectedStatus?: ViolationStatus;
}

export interface AlertRecord {
  readonly id: string;
  readonly cameraId: string | null;
  readonly atMs: number;
  /** signal_loss, watchlist_hit, disk_full, … */
  readonly kind: string;
  readonly severity: 'info' | 'warning' | 'critical';
  readonly message: string;
  readonly payload: JsonValue;
  readonly acknowledgedBy: string | null;
  readonly acknowledgedAtMs: number | null;
}

export type NewAlert = Omit<AlertRecord, 'acknowledgedBy' | 'acknowledgedAtMs'>;

export interface AlertFilter extends TimeRange, PageRequest {
  readonly acknowledged?: boolean;
  readonly cameraIds?: readonly string[];
  readonly kinds?: readonly string[];
}

export interface WatchListRecord {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly severity: 'info' | 'warning' | 'critical';
  readonly createdAtMs: number;
}

export interface WatchEntryRecord {
  readonly id: string;
  readonly listId: string;
  /** A plate query (see plates/match.ts): exact key or wildcard pattern. */
  readonly pattern: string;
  readonly note: string;
  readonly createdAtMs: number;
  readonly expiresAtMs: number | null;
}

export interface EvidenceRecord {
  readonly id: string;
  readonly violationId: string | null;
  readonly eventId: string | null;
  /** still | crop | composite | clip | manifest */
  readonly kind: string;
  /** Path relative to the evidence root. */
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly createdAtMs: number;
}

// ─── audit ────────────────────────────────────────────────────────────────────────────────────────

export interface AuditEntry {
  readonly atMs: number;
  /** user id, `apikey:<id>` or `system`. */
  readonly actor: string;
  /** e.g. `plate.search`, `violation.review`, `footage.view`, `export.csv`. */
  readonly action: string;
  readonly target: string | null;
  readonly details: JsonValue;
}

export interface AuditRecord extends AuditEntry {
  readonly seq: number;
  readonly prevHash: string;
  /** sha256(prevHash || canonical(row)) in hex. */
  readonly hash: string;
}

export interface AuditFilter extends TimeRange, PageRequest {
  readonly actor?: string;
  readonly action?: string;
}

export type AuditVerification =
  | { readonly ok: true; readonly count: number; readonly headHash: string }
  | { readonly ok: false; readonly count: number; readonly brokenAtSeq: number; readonly reason: string };

/** A point of the chain: a row's seq, its hash, and the rows up to it. */
export interface AuditChainPoint {
  readonly seq: number;
  readonly hash: string;
  readonly count: number;
}

/** The head of the audit chain at one moment, signed with the audit key (kept outside the database). */
export interface AuditCheckpoint {
  /** Sequence number of the last row covered. */
  readonly seq: number;
  /** `hash` of that row: it commits to every row up to `seq`. */
  readonly headHash: string;
  /** When the checkpoint was signed, ms since epoch. */
  readonly atMs: number;
  /** Rows in the chain up to `seq`. */
  readonly count: number;
  /** Key id of the signing key (evidence/keys.ts `keyIdOf`). */
  readonly keyId: string;
}

export interface SignedAuditCheckpoint extends AuditCheckpoint {
  /** Ed25519 signature over `checkpointMessage` (audit-hash.ts), base64. */
  readonly signature: string;
}

// ─── statistics (dashboards) ──────────────────────────────────────────────────────────────────────

export interface StatsFilter extends TimeRange {
  readonly cameraIds?: readonly string[];
  /** IANA time zone of hour-of-day and of the series buckets (default Asia/Ho_Chi_Minh). */
  readonly timeZone?: string;
  /** Bucket of the time series: a local hour (default) or a local day. */
  readonly step?: 'hour' | 'day';
}

/** One bucket of a time series: its local start (ms since epoch, UTC) and the number in it. Empty buckets are left out. */
export interface SeriesPoint {
  readonly startMs: number;
  readonly n: number;
}

export interface ViolationStats {
  readonly total: number;
  /** Most first, then by kind. */
  readonly byKind: ReadonlyArray<{ kind: string; n: number }>;
  /** 24 numbers: local hour of day 0–23. */
  readonly byHour: readonly number[];
  /** Most first, then by camera id. */
  readonly byCamera: ReadonlyArray<{ cameraId: string; n: number }>;
  readonly byStatus: ReadonlyArray<{ status: ViolationStatus; n: number }>;
  /** Kind × status, most first. */
  readonly byKindStatus: ReadonlyArray<{ kind: string; status: ViolationStatus; n: number }>;
  readonly series: readonly SeriesPoint[];
}

export interface FlowStats {
  readonly total: number;
  /** Most first, then by camera, direction. */
  readonly byCameraDirection: ReadonlyArray<{ cameraId: string; direction: string; n: number }>;
  /** Most first, then by class. */
  readonly byClass: ReadonlyArray<{ cls: string; n: number }>;
  /** Per class (most first), 24 numbers: its count per local hour of day. */
  readonly byClassHour: ReadonlyArray<{ cls: string; byHour: readonly number[] }>;
  readonly byHour: readonly number[];
  readonly series: readonly SeriesPoint[];
}

/** Alerts raised and handled (acknowledged) in a period, and how long the handling took. */
export interface AlertStats {
  readonly total: number;
  readonly acknowledged: number;
  /** Most first, then by kind. */
  readonly byKind: ReadonlyArray<{ kind: string; n: number; acknowledged: number }>;
  /** Raise → acknowledgement of the acknowledged alerts, ms (null when none was acknowledged). */
  readonly responseMs: { readonly p50: number; readonly p90: number; readonly max: number; readonly mean: number } | null;
}

/** Each camera's picture over a period, from its signal-loss and signal-restored alerts. */
export interface UptimeStats {
  /** The period measured: [fromMs, toMs), `toMs` no later than now. */
  readonly fromMs: number;
  readonly toMs: number;
  /** By camera id; `uptime` 0–1; `outages`: signal losses that began in the period or were under way at its start. */
  readonly byCamera: ReadonlyArray<{ cameraId: string; uptime: number; downMs: number; outages: number }>;
}

export interface CongestionStats {
  /** Congestion alerts (level changes reported by the congestion rule). */
  readonly total: number;
  /** Most first; `maxLevel` is the highest level reported (0–3), null when no alert carried one. */
  readonly byCamera: ReadonlyArray<{ cameraId: string; n: number; maxLevel: number | null }>;
  /** Alerts per reported level, ascending level (alerts without a level are left out). */
  readonly byLevel: ReadonlyArray<{ level: number; n: number }>;
  readonly byHour: readonly number[];
  readonly series: readonly SeriesPoint[];
}

/** A report schedule as stored (`area` and `formats` as the contract describes them). */
export interface ReportScheduleRecord {
  readonly id: string;
  readonly name: string;
  readonly period: 'daily' | 'weekly';
  readonly area: { readonly district: string | null; readonly siteId: string | null; readonly cameraIds: readonly string[] | null };
  readonly formats: ReadonlyArray<'pdf' | 'xlsx'>;
  readonly lang: 'vi' | 'en';
  readonly createdBy: string;
  readonly createdAtMs: number;
  readonly nextRunAtMs: number;
  readonly lastRunAtMs: number | null;
}

/** A report file kept for download; `content` only from `getReportFile`. */
export interface ReportFileRecord {
  readonly id: string;
  readonly scheduleId: string | null;
  readonly name: string;
  readonly format: 'pdf' | 'xlsx';
  readonly fromMs: number;
  readonly toMs: number;
  readonly bytes: number;
  readonly sha256: string;
  readonly createdAtMs: number;
  readonly createdBy: string;
}

// ─── federation ───────────────────────────────────────────────────────────────────────────────────

/** A shared event waiting in a district's federation outbox: its place (commit order) and the stored event (null: removed since). */
export interface OutboxItem {
  readonly seq: number;
  readonly eventId: string;
  readonly event: EventRecord | null;
}

/** A province: a camera a district shares, and its owner. */
export interface FedCameraRecord {
  readonly cameraId: string;
  readonly districtId: string;
  readonly districtName: string;
  readonly updatedAtMs: number;
}

/** A field incident (type, place, time, photos), linked to cameras and events; `photos` counts its stored photos. */
export interface IncidentRecord {
  readonly id: string;
  readonly type: string;
  readonly description: string;
  readonly location: LatLngValue;
  readonly atMs: number;
  readonly district: string | null;
  /** The audit actor who reported it (a user id, `apikey:<id>`). */
  readonly reportedBy: string;
  readonly cameraIds: readonly string[];
  readonly eventIds: readonly string[];
  readonly status: 'open' | 'closed';
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
  readonly photos: ReadonlyArray<{ readonly n: number; readonly sha256: string; readonly bytes: number }>;
}

export type { ShareRequestKind, ShareStoredStatus as ShareRequestStatus } from '../core/sharing.js';
import type { ShareRequestKind, ShareStoredStatus as ShareRequestStatus } from '../core/sharing.js';

/** A partner's request for footage, a plate trace or evidence, and the officer's decision on it. */
export interface ShareRequestRecord {
  readonly id: string;
  readonly kind: ShareRequestKind;
  /** footage: the camera; evidence: the violation's camera. */
  readonly cameraId: string | null;
  /** plate_trace: the plate key. */
  readonly plateKey: string | null;
  /** evidence: the violation. */
  readonly violationId: string | null;
  readonly fromMs: number | null;
  readonly toMs: number | null;
  readonly reason: string;
  readonly legalBasis: string;
  /** The requesting agency, as the requester named it. */
  readonly agency: string;
  /** The audit actor who asked (a user id, `apikey:<id>`). */
  readonly requestedBy: string;
  /** The user behind it (the key's owner for a key): their requests and their keys' are one agency's. */
  readonly requesterUserId: string | null;
  readonly requesterName: string;
  /** The cameras the requester could see when asking (null: everywhere). */
  readonly area: readonly string[] | null;
  readonly status: ShareRequestStatus;
  readonly decidedBy: string | null;
  readonly deciderName: string | null;
  readonly decidedAtMs: number | null;
  readonly decisionReason: string | null;
  readonly expiresAtMs: number | null;
  /** SHA-256 of the read-only link's token (the token itself is never stored). */
  readonly tokenHash: string | null;
  /** SHA-256 of the signed package's manifest.json. */
  readonly packageSha256: string | null;
  /** While `preparing`: how much of the package is built, 0–1 (null otherwise). */
  readonly progress: number | null;
  /** `failed`: why the package could not be built. */
  readonly buildError: string | null;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

/** What a decision, a build's progress or a revoke changes. */
/** Which requests `listShareRequests` gives (newest first, at most `limit`). */
export interface ShareRequestFilter {
  /** Only those of this user (their keys' included) or this actor: either matches. */
  readonly requesterUserId?: string;
  readonly requestedBy?: string;
  /** Only those in one of these stored statuses. */
  readonly statuses?: readonly ShareRequestStatus[];
  readonly limit: number;
}

export type ShareRequestPatch = Partial<Pick<ShareRequestRecord, 'status' | 'decidedBy' | 'deciderName' | 'decidedAtMs' | 'decisionReason' | 'expiresAtMs' | 'tokenHash' | 'packageSha256' | 'progress' | 'buildError'>>;

/**
 * A monitoring centre (Trung tâm giám sát): a named area (districts, wards, a camera group) that narrows what its
 * members see — a member's effective area is their own scope intersected with the centre's (server/scope.ts).
 */
export interface CentreRecord {
  readonly id: string;
  readonly name: string;
  readonly scope: AccessScope;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

/** What a centre shares with its members: a wall layout or an alert filter (its `body`, checked by the API). */
export type CentreViewKind = 'layout' | 'filter';
export interface CentreViewRecord {
  readonly id: string;
  readonly centreId: string;
  readonly kind: CentreViewKind;
  /** Unique per centre and kind: saving under a name replaces that view. */
  readonly name: string;
  readonly body: JsonValue;
  readonly updatedBy: string;
  readonly updatedAtMs: number;
}

// ─── heatmaps (issue #24) ─────────────────────────────────────────────────────────────────────────

export type { HeatmapBucket } from '../core/heatmap.js';

export interface HeatmapQuery {
  readonly cameraId: string;
  readonly cls: string;
  /** Buckets starting in [fromMs, toMs). */
  readonly fromMs: number;
  readonly toMs: number;
}

/** One time bucket of a heatmap window (its stored parts summed). */
export interface HeatmapBucketTotal {
  readonly startMs: number;
  readonly seconds: number;
  readonly objectSeconds: number;
  readonly maxCount: number;
}

/** A heatmap window: the cells summed over its buckets (object-seconds), and each bucket's totals (oldest first). */
export interface HeatmapWindow {
  /** The grid of the newest bucket; parts of another grid size are left out. Null: nothing stored in the window. */
  readonly cols: number | null;
  readonly rows: number | null;
  readonly cells: number[];
  readonly seconds: number;
  readonly buckets: HeatmapBucketTotal[];
}

// ─── track attributes (attribute search) ──────────────────────────────────────────────────────────

/** One track's summary: its class and dominant colours (top first), when and where it was seen. */
export interface TrackAttributesRecord {
  /** The summary event's id. */
  readonly id: string;
  readonly cameraId: string;
  readonly trackId: number;
  readonly cls: string;
  readonly firstMs: number;
  readonly lastMs: number;
  /** A person's upper and lower body, a vehicle's body: one or two colour names each, top first (empty when not measured). */
  readonly upper: readonly string[];
  readonly lower: readonly string[];
  readonly body: readonly string[];
  /** The colours with their shares and the start/end boxes, as the camera sent them. */
  readonly details: JsonValue;
  /** The best crop (a crops-root reference, as plate crops), or null. */
  readonly cropRef: string | null;
}

/** Attribute search: every given field must match; a colour matches the top or the second colour of its region. */
export interface AttributeSearchQuery extends PageRequest {
  readonly cls?: readonly string[];
  readonly upper?: string;
  readonly lower?: string;
  /** A vehicle's body colour. */
  readonly body?: string;
  /** Any region's colour (upper, lower or body). */
  readonly colour?: string;
  /** The track was seen in [fromMs, toMs): its [firstMs, lastMs] overlaps the window. */
  readonly fromMs?: number;
  readonly toMs?: number;
  readonly cameraIds?: readonly string[];
}
