/** Table types of the kysely query layer (one schema, two dialects). JSON is stored as text. */
import type { Generated } from 'kysely';
export interface MetaTable { key: string; value: string }
export interface MigrationTable { version: number; name: string; applied_at_ms: number }
export interface SiteTable {
  id: string; name: string; time_zone: string; district: string | null; ward: string | null; lat: number | null; lng: number | null;
  /** JSON array of province codes (migration 2). */
  provinces: string;
}
export interface CameraTable {
  id: string; site_id: string; name: string; kind: string; url: string; enabled: number;
  lat: number | null; lng: number | null; zones: string; rules: string; updated_at_ms: number;
}
export interface RoleTable { name: string; description: string; permissions: string }
export interface UserTable {
  id: string; username: string; display_name: string; password_hash: string; roles: string; scope: string;
  disabled: number; failed_logins: number; locked_until_ms: number | null; created_at_ms: number; updated_at_ms: number;
  /** When the last sign-in attempt was counted (migration 3): a count older than the lockout period starts over. */
  last_failed_login_ms: number | null;
}
export interface SessionTable {
  id: string; user_id: string; created_at_ms: number; expires_at_ms: number; last_seen_ms: number;
  csrf_token: string; ip: string | null; user_agent: string | null;
}
export interface ApiKeyTable {
  id: string; name: string; key_hash: string; prefix: string; scopes: string; rate_limit_per_min: number;
  owner_user_id: string | null; created_at_ms: number; expires_at_ms: number | null; revoked_at_ms: number | null; last_used_ms: number | null;
  /** JSON AccessScope of the key (migration 3). */
  scope: string;
}
export interface SightingTable {
  id: string; camera_id: string; at_ms: number; plate_key: string; plate_folded: string; display: string;
  confidence: number; category: string | null; cls: string | null; track_id: number | null; direction: string | null; crop_ref: string | null;
}
export interface PlateKeyTable { key: string; folded: string }
export interface PlateVariantTable { variant: string; key: string }
export interface PlateGramTable { gram: string; key: string }
export interface CountTable { camera_id: string; line_id: string; cls: string; direction: string; minute_ms: number; n: number }
export interface EventTable { id: string; camera_id: string; at_ms: number; kind: string; payload: string }
export interface ViolationTable {
  id: string; camera_id: string; at_ms: number; kind: string; plate_key: string | null; plate_display: string | null;
  status: string; details: string; updated_at_ms: number;
}
export interface ViolationReviewTable {
  violation_id: string; seq: number; at_ms: number; from_status: string; to_status: string; reviewer: string; reason: string;
}
export interface AlertTable {
  id: string; camera_id: string | null; at_ms: number; kind: string; severity: string; message: string; payload: string;
  acknowledged_by: string | null; acknowledged_at_ms: number | null;
}
export interface WatchListTable { id: string; name: string; description: string; severity: string; created_at_ms: number }
export interface WatchEntryTable { id: string; list_id: string; pattern: string; note: string; created_at_ms: number; expires_at_ms: number | null }
export interface EvidenceTable {
  id: string; violation_id: string | null; event_id: string | null; kind: string; path: string; sha256: string; bytes: number; created_at_ms: number;
}
export interface AuditTable {
  seq: number; at_ms: number; actor: string; action: string; target: string | null; details: string; prev_hash: string; hash: string;
}

export interface ReportScheduleTable {
  id: string; name: string; period: string; area: string; formats: string; lang: string; created_by: string; created_at_ms: number;
  next_run_at_ms: number; last_run_at_ms: number | null;
}
export interface ReportFileTable {
  id: string; schedule_id: string | null; name: string; format: string; from_ms: number; to_ms: number; bytes: number; sha256: string;
  created_at_ms: number; created_by: string; content: Uint8Array;
}

export interface IncidentTable {
  id: string; type: string; description: string; lat: number; lng: number; at_ms: number; district: string | null; reported_by: string;
  camera_ids: string; event_ids: string; status: string; created_at_ms: number; updated_at_ms: number;
}
export interface IncidentPhotoTable { incident_id: string; n: number; sha256: string; bytes: number; content: Uint8Array }

export interface ShareRequestTable {
  id: string; kind: string; camera_id: string | null; plate_key: string | null; violation_id: string | null; from_ms: number | null; to_ms: number | null;
  reason: string; legal_basis: string; agency: string; requested_by: string; requester_user_id: string | null; requester_name: string; area: string | null;
  status: string; decided_by: string | null; decider_name: string | null; decided_at_ms: number | null; decision_reason: string | null;
  expires_at_ms: number | null; token_hash: string | null; package_sha256: string | null; progress: number | null; build_error: string | null;
  created_at_ms: number; updated_at_ms: number;
}
export interface CentreTable { id: string; name: string; scope: string; created_at_ms: number; updated_at_ms: number }
export interface CentreMemberTable { user_id: string; centre_id: string }
export interface CentreViewTable { id: string; centre_id: string; kind: string; name: string; body: string; updated_by: string; updated_at_ms: number }

export interface AuditCheckpointTable {
  seq: number; key_id: string; head_hash: string; at_ms: number; count: number; signature: string;
}

export interface FedOutboxTable { seq: Generated<number>; event_id: string; camera_id: string; at_ms: number }
export interface FedCameraTable { camera_id: string; district_id: string; district_name: string; updated_at_ms: number }
export interface FaceTable {
  id: string; camera_id: string; at_ms: number; track_id: number | null; box: string | null; quality: number; model: string; embedding: Uint8Array;
  crop_ref: string | null; matched: number;
}
export interface FaceListTable { id: string; name: string; description: string; threshold: number; severity: string; created_at_ms: number }
export interface FacePersonTable {
  id: string; list_id: string; name: string; reason: string; legal_basis: string; note: string; expires_at_ms: number; created_by: string; created_at_ms: number;
}
export interface FaceEnrolmentTable { id: string; person_id: string; model: string; embedding: Uint8Array; quality: number; photo_ref: string | null; created_at_ms: number }
export interface FaceDecisionTable { alert_id: string; decision: string; note: string; decided_by: string; decided_at_ms: number }

export interface TrackAttributesTable {
  id: string; camera_id: string; track_id: number; cls: string; first_ms: number; last_ms: number;
  /** Top and second colour of each region (null: none). */
  upper1: string | null; upper2: string | null; lower1: string | null; lower2: string | null; body1: string | null; body2: string | null;
  details: string; crop_ref: string | null;
}
export interface Database {
  track_attributes: TrackAttributesTable;
  fed_outbox: FedOutboxTable;
  fed_cameras: FedCameraTable;
  argus_meta: MetaTable;
  argus_migrations: MigrationTable;
  sites: SiteTable;
  cameras: CameraTable;
  roles: RoleTable;
  users: UserTable;
  sessions: SessionTable;
  api_keys: ApiKeyTable;
  sightings: SightingTable;
  plate_keys: PlateKeyTable;
  plate_variants: PlateVariantTable;
  plate_grams: PlateGramTable;
  counts: CountTable;
  events: EventTable;
  violations: ViolationTable;
  violation_reviews: ViolationReviewTable;
  alerts: AlertTable;
  watch_lists: WatchListTable;
  watch_entries: WatchEntryTable;
  evidence: EvidenceTable;
  audit_log: AuditTable;
  audit_checkpoints: AuditCheckpointTable;
  report_schedules: ReportScheduleTable;
  report_files: ReportFileTable;
  incidents: IncidentTable;
  incident_photos: IncidentPhotoTable;
  share_requests: ShareRequestTable;
  centres: CentreTable;
  centre_members: CentreMemberTable;
  centre_views: CentreViewTable;
  faces: FaceTable;
  face_lists: FaceListTable;
  face_persons: FacePersonTable;
  face_enrolments: FaceEnrolmentTable;
  face_decisions: FaceDecisionTable;
  heatmap_buckets: HeatmapBucketTable;
}
/** Heatmap bucket parts (migration 12): cells as a JSON array of object-seconds, row-major. */
export interface HeatmapBucketTable {
  id: string; camera_id: string; bucket_start_ms: number; bucket_ms: number; cls: string; grid_cols: number; grid_rows: number;
  cells: string; seconds: number; object_seconds: number; max_count: number;
}
