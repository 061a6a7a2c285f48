/** Versioned migrations, run at open in one transaction each; applied versions are recorded. */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

export type SqlDialect = 'sqlite' | 'postgres';

interface Types { big: string; real: string; key: string; serial: string; autoKey: string; bytes: string }
const TYPES: Record<SqlDialect, Types> = {
  sqlite: { big: 'integer', real: 'real', key: 'text', serial: 'integer', autoKey: 'integer primary key autoincrement', bytes: 'blob' },
  postgres: { big: 'bigint', real: 'double precision', key: 'text collate "C"', serial: 'bigint', autoKey: 'bigserial primary key', bytes: 'bytea' },
};

interface Migration { version: number; name: string; up: (t: Types) => string[] }

/** The longest an API key may live (a key made through the API gets at most this; migration 3 caps older keys). */
export const API_KEY_MAX_LIFETIME_MS = 366 * 86_400_000;

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    up: (t) => [
      `create table argus_meta (key text primary key, value text not null)`,
      `create table sites (id text primary key, name text not null, time_zone text not null, district text, ward text, lat ${t.real}, lng ${t.real})`,
      `create table cameras (id text primary key, site_id text not null references sites(id), name text not null, kind text not null,
         url text not null, enabled integer not null, lat ${t.real}, lng ${t.real}, zones text not null, rules text not null, updated_at_ms ${t.big} not null)`,
      `create index cameras_site on cameras (site_id)`,
      `create table roles (name text primary key, description text not null, permissions text not null)`,
      `create table users (id text primary key, username text not null unique, display_name text not null, password_hash text not null,
         roles text not null, scope text not null, disabled integer not null, failed_logins integer not null, locked_until_ms ${t.big},
         created_at_ms ${t.big} not null, updated_at_ms ${t.big} not null)`,
      `create table sessions (id text primary key, user_id text not null references users(id) on delete cascade, created_at_ms ${t.big} not null,
         expires_at_ms ${t.big} not null, last_seen_ms ${t.big} not null, csrf_token text not null, ip text, user_agent text)`,
      `create index sessions_user on sessions (user_id)`,
      `create index sessions_expiry on sessions (expires_at_ms)`,
      `create table api_keys (id text primary key, name text not null, key_hash text not null unique, prefix text not null, scopes text not null,
         rate_limit_per_min integer not null, owner_user_id text, created_at_ms ${t.big} not null, expires_at_ms ${t.big},
         revoked_at_ms ${t.big}, last_used_ms ${t.big})`,
      `create table sightings (id text primary key, camera_id text not null, at_ms ${t.big} not null, plate_key ${t.key} not null,
         plate_folded ${t.key} not null, display text not null, confidence ${t.real} not null, category text, cls text, track_id ${t.big},
         direction text, crop_ref text)`,
      `create index sightings_folded_at on sightings (plate_folded, at_ms, id)`,
      `create index sightings_at on sightings (at_ms, plate_folded, camera_id, id)`,
      `create table plate_keys (key ${t.key} primary key, folded ${t.key} not null)`,
      `create index plate_keys_folded on plate_keys (folded)`,
      `create table plate_variants (variant ${t.key} not null, key ${t.key} not null, primary key (variant, key))`,
      `create table plate_grams (gram ${t.key} not null, key ${t.key} not null, primary key (gram, key))`,
      `create table counts (camera_id text not null, line_id text not null, cls text not null, direction text not null,
         minute_ms ${t.big} not null, n ${t.big} not null, primary key (camera_id, line_id, cls, direction, minute_ms))`,
      `create index counts_minute on counts (minute_ms)`,
      `create table events (id text primary key, camera_id text not null, at_ms ${t.big} not null, kind text not null, payload text not null)`,
      `create index events_at on events (at_ms)`,
      `create index events_camera_at on events (camera_id, at_ms)`,
      `create table violations (id text primary key, camera_id text not null, at_ms ${t.big} not null, kind text not null, plate_key text,
         plate_display text, status text not null, details text not null, updated_at_ms ${t.big} not null)`,
      `create index violations_at on violations (at_ms)`,
      `create index violations_status_at on violations (status, at_ms)`,
      `create table violation_reviews (violation_id text not null references violations(id), seq integer not null, at_ms ${t.big} not null,
         from_status text not null, to_status text not null, reviewer text not null, reason text not null, primary key (violation_id, seq))`,
      `create table alerts (id text primary key, camera_id text, at_ms ${t.big} not null, kind text not null, severity text not null,
         message text not null, payload text not null, acknowledged_by text, acknowledged_at_ms ${t.big})`,
      `create index alerts_at on alerts (at_ms)`,
      `create table watch_lists (id text primary key, name text not null, description text not null, severity text not null, created_at_ms ${t.big} not null)`,
      `create table watch_entries (id text primary key, list_id text not null references watch_lists(id) on delete cascade, pattern text not null,
         note text not null, created_at_ms ${t.big} not null, expires_at_ms ${t.big})`,
      `create index watch_entries_list on watch_entries (list_id)`,
      `create table evidence (id text primary key, violation_id text, event_id text, kind text not null, path text not null, sha256 text not null,
         bytes ${t.big} not null, created_at_ms ${t.big} not null)`,
      `create index evidence_violation on evidence (violation_id)`,
      `create index evidence_event on evidence (event_id)`,
      `create table audit_log (seq ${t.serial} primary key, at_ms ${t.big} not null, actor text not null, action text not null, target text,
         details text not null, prev_hash text not null, hash text not null)`,
      `insert into argus_meta (key, value) values ('cursor_secret', '${randomBytes(32).toString('hex')}')`,
    ],
  },
  {
    version: 2,
    name: "sites' home provinces (plate reader's site prior)",
    up: () => [`alter table sites add column provinces text not null default '[]'`],
  },
  {
    version: 3,
    name: 'API keys: an area scope, an expiry, an owner that exists; time of the last failed sign-in',
    up: (t) => {
      // Keys made before had no area (they saw everything) and may never expire: they take their owner's scope and
      // expire within a year; a key whose owner is gone is revoked.
      const now = Date.now();
      return [
        `alter table api_keys add column scope text not null default '{}'`,
        `update api_keys set scope = (select u.scope from users u where u.id = api_keys.owner_user_id)
           where owner_user_id in (select id from users)`,
        `update api_keys set revoked_at_ms = ${now}
           where revoked_at_ms is null and (owner_user_id is null or owner_user_id not in (select id from users))`,
        `update api_keys set expires_at_ms = ${now + API_KEY_MAX_LIFETIME_MS} where expires_at_ms is null or expires_at_ms > ${now + API_KEY_MAX_LIFETIME_MS}`,
        `create index api_keys_owner on api_keys (owner_user_id)`,
        `alter table users add column last_failed_login_ms ${t.big}`,
      ];
    },
  },
  {
    version: 4,
    name: 'signed checkpoints of the audit chain',
    up: (t) => [
      `create table audit_checkpoints (seq ${t.big} not null, key_id text not null, head_hash text not null, at_ms ${t.big} not null,
         count ${t.big} not null, signature text not null, primary key (seq, key_id))`,
    ],
  },
  {
    version: 5,
    name: 'federation outbox',
    // Written in the ingest batch's own transaction (a shared camera's event is in the outbox iff it is stored), read
    // in seq order by the district's federation publisher, pruned behind its cursor (kept in argus_meta).
    up: (t) => [
      `create table fed_outbox (seq ${t.autoKey}, event_id text not null unique, camera_id text not null, at_ms ${t.big} not null)`,
      // A province: which district owns each federated camera (a camera id owned once, by one district).
      `create table fed_cameras (camera_id text primary key, district_id text not null, district_name text not null, updated_at_ms ${t.big} not null)`,
    ],
  },
  {
    version: 6,
    name: "leaders' reports: schedules and the files kept for download",
    up: (t) => [
      `create table report_schedules (id ${t.key} primary key, name text not null, period text not null, area text not null,
         formats text not null, lang text not null, created_by text not null, created_at_ms ${t.big} not null,
         next_run_at_ms ${t.big} not null, last_run_at_ms ${t.big})`,
      `create table report_files (id ${t.key} primary key, schedule_id text, name text not null, format text not null,
         from_ms ${t.big} not null, to_ms ${t.big} not null, bytes ${t.big} not null, sha256 text not null,
         created_at_ms ${t.big} not null, created_by text not null, content ${t.bytes} not null)`,
      `create index report_files_created on report_files (created_at_ms)`,
    ],
  },
  {
    version: 7,
    name: 'field incidents reported by officers and other systems, with their photos',
    up: (t) => [
      `create table incidents (id ${t.key} primary key, type text not null, description text not null, lat ${t.real} not null,
         lng ${t.real} not null, at_ms ${t.big} not null, district text, reported_by text not null, camera_ids text not null,
         event_ids text not null, status text not null, created_at_ms ${t.big} not null, updated_at_ms ${t.big} not null)`,
      `create index incidents_at on incidents (at_ms)`,
      `create table incident_photos (incident_id ${t.key} not null, n integer not null, sha256 text not null, bytes ${t.big} not null,
         content ${t.bytes} not null, primary key (incident_id, n))`,
    ],
  },
  {
    version: 8,
    name: 'requests between agencies: footage, a plate trace or evidence asked for, decided, shared for a limited time',
    up: (t) => [
      `create table share_requests (id ${t.key} primary key, kind text not null, camera_id text, plate_key text, violation_id text,
         from_ms ${t.big}, to_ms ${t.big}, reason text not null, legal_basis text not null, agency text not null, requested_by text not null,
         requester_user_id text, requester_name text not null, area text, status text not null, decided_by text, decider_name text,
         decided_at_ms ${t.big}, decision_reason text, expires_at_ms ${t.big}, token_hash text unique, package_sha256 text,
         created_at_ms ${t.big} not null, updated_at_ms ${t.big} not null)`,
      `create index share_requests_created on share_requests (created_at_ms)`,
    ],
  },
  {
    version: 9,
    name: 'monitoring centres: their area, their members, the wall layouts and alert filters they share',
    up: (t) => [
      `create table centres (id ${t.key} primary key, name text not null unique, scope text not null, created_at_ms ${t.big} not null,
         updated_at_ms ${t.big} not null)`,
      // One centre per user; a user or a centre deleted takes the membership with it.
      `create table centre_members (user_id text primary key references users(id) on delete cascade,
         centre_id ${t.key} not null references centres(id) on delete cascade)`,
      `create index centre_members_centre on centre_members (centre_id)`,
      `create table centre_views (id ${t.key} primary key, centre_id ${t.key} not null references centres(id) on delete cascade,
         kind text not null, name text not null, body text not null, updated_by text not null, updated_at_ms ${t.big} not null,
         unique (centre_id, kind, name))`,
    ],
  },
  {
    version: 10,
    name: 'track attributes: one summary per track (class, colours, times, crop) for attribute search',
    up: (t) => [
      `create table track_attributes (id ${t.key} primary key, camera_id text not null, track_id ${t.big} not null, cls text not null,
         first_ms ${t.big} not null, last_ms ${t.big} not null, upper1 text, upper2 text, lower1 text, lower2 text, body1 text, body2 text,
         details text not null, crop_ref text)`,
      // The search walks time newest first, per camera in scope or over all; class and colours are filtered on the way.
      `create index track_attributes_time on track_attributes (last_ms, id)`,
      `create index track_attributes_camera_time on track_attributes (camera_id, last_ms)`,
    ],
  },
  {
    version: 11,
    name: 'faces: the best face of each person track, face watch lists and their enrolled persons, decisions on matches',
    up: (t) => [
      `create table faces (id ${t.key} primary key, camera_id text not null, at_ms ${t.big} not null, track_id ${t.big}, box text,
         quality ${t.real} not null, model text not null, embedding ${t.bytes} not null, crop_ref text, matched integer not null)`,
      `create index faces_at on faces (at_ms, id)`,
      `create index faces_camera_at on faces (camera_id, at_ms)`,
      `create table face_lists (id ${t.key} primary key, name text not null unique, description text not null, threshold ${t.real} not null,
         severity text not null, created_at_ms ${t.big} not null)`,
      `create table face_persons (id ${t.key} primary key, list_id ${t.key} not null references face_lists(id) on delete cascade,
         name text not null, reason text not null, legal_basis text not null, note text not null, expires_at_ms ${t.big} not null,
         created_by text not null, created_at_ms ${t.big} not null)`,
      `create index face_persons_list on face_persons (list_id)`,
      `create table face_enrolments (id ${t.key} primary key, person_id ${t.key} not null references face_persons(id) on delete cascade,
         model text not null, embedding ${t.bytes} not null, quality ${t.real} not null, photo_ref text, created_at_ms ${t.big} not null)`,
      `create index face_enrolments_person on face_enrolments (person_id)`,
      `create table face_decisions (alert_id text primary key, decision text not null, note text not null, decided_by text not null,
         decided_at_ms ${t.big} not null)`,
    ],
  },
  {
    version: 12,
    name: 'heatmaps: where people and vehicles stood, per camera, class and 5-minute bucket, on a coarse grid',
    up: (t) => [
      `create table heatmap_buckets (id ${t.key} primary key, camera_id text not null, bucket_start_ms ${t.big} not null, bucket_ms ${t.big} not null,
         cls text not null, grid_cols integer not null, grid_rows integer not null, cells text not null, seconds ${t.real} not null,
         object_seconds ${t.real} not null, max_count integer not null)`,
      `create index heatmap_buckets_camera on heatmap_buckets (camera_id, cls, bucket_start_ms)`,
      `create index heatmap_buckets_start on heatmap_buckets (bucket_start_ms)`,
    ],
  },
  {
    version: 13,
    name: 'requests between agencies: a package built in the background (recorded footage blurred), its progress and why it failed',
    up: (t) => [
      `alter table share_requests add column progress ${t.real}`,
      `alter table share_requests add column build_error text`,
    ],
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
/** Every version a migrated database records, in order. */
export const SCHEMA_VERSIONS: readonly number[] = MIGRATIONS.map((m) => m.version);

/** Applies the missing migrations; safe to run at every open and from several processes at once. */
export async function migrate(db: Kysely<Database>, dialect: SqlDialect): Promise<number[]> {
  const t = TYPES[dialect];
  return db.transaction().execute(async (trx) => {
    if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(7720011)`.execute(trx);
    await sql.raw(`create table if not exists argus_migrations (version integer primary key, name text not null, applied_at_ms ${t.big} not null)`).execute(trx);
    const done = new Set((await trx.selectFrom('argus_migrations').select('version').execute()).map((r) => Number(r.version)));
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      for (const stmt of m.up(t)) await sql.raw(stmt).execute(trx);
      await trx.insertInto('argus_migrations').values({ version: m.version, name: m.name, applied_at_ms: Date.now() }).execute();
      applied.push(m.version);
    }
    return applied;
  });
}
