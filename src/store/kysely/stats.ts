/**
 * Statistics of the dashboards: GROUP BY in SQL (the same statements on SQLite and PostgreSQL), time folded into
 * the site's local hours in TypeScript from 15-minute UTC buckets (see ../local-time.ts).
 */
import { sql, type RawBuilder } from 'kysely';
import { ArgusError } from '../../core/errors.js';
import { assertTimeZone, BUCKET_MS, DEFAULT_TIME_ZONE, foldBuckets } from '../local-time.js';
import type { AlertStats, CongestionStats, FlowStats, StatsFilter, UptimeStats, ViolationStats, ViolationStatus } from '../store.js';
import { num, type StoreContext } from './context.js';

interface Resolved {
  readonly timeZone: string;
  readonly step: 'hour' | 'day';
  readonly where: RawBuilder<boolean>;
}

/** The filter as one WHERE condition on `timeColumn` and `camera_id`, with the time zone checked. */
function resolve(f: StatsFilter, timeColumn: 'at_ms' | 'minute_ms'): Resolved {
  const timeZone = f.timeZone ?? DEFAULT_TIME_ZONE;
  assertTimeZone(timeZone);
  const step = f.step ?? 'hour';
  if (step !== 'hour' && step !== 'day') throw new ArgusError('invalid_argument', `step must be hour or day, got ${String(step)}`);
  for (const [name, v] of [['fromMs', f.fromMs], ['toMs', f.toMs]] as const) {
    if (v !== undefined && !Number.isSafeInteger(v)) throw new ArgusError('invalid_argument', `${name} must be an integer, got ${String(v)}`);
  }
  const col = sql.ref(timeColumn);
  const parts: Array<RawBuilder<boolean>> = [sql<boolean>`1 = 1`];
  if (f.fromMs !== undefined) parts.push(sql<boolean>`${col} >= ${f.fromMs}`);
  if (f.toMs !== undefined) parts.push(sql<boolean>`${col} < ${f.toMs}`);
  if (f.cameraIds !== undefined) {
    parts.push(f.cameraIds.length === 0 ? sql<boolean>`1 = 0` : sql<boolean>`camera_id in (${sql.join([...f.cameraIds])})`);
  }
  return { timeZone, step, where: sql<boolean>`${sql.join(parts, sql` and `)}` };
}

/** `column / 900000` as an integer bucket index in both dialects (integer division of integers). */
const bucketOf = (column: 'at_ms' | 'minute_ms'): RawBuilder<number> => sql<number>`${sql.ref(column)} / ${sql.lit(BUCKET_MS)}`;

const byCountThen = <T>(key: (x: T) => string) => (a: T & { n: number }, b: T & { n: number }): number =>
  b.n - a.n || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

export async function violationStats(ctx: StoreContext, f: StatsFilter = {}): Promise<ViolationStats> {
  const r = resolve(f, 'at_ms');
  const base = () => ctx.db.selectFrom('violations').where(r.where);
  const kinds = await base().select(['kind', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('kind').execute();
  const cameras = await base().select(['camera_id', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('camera_id').execute();
  const statuses = await base().select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
  const kindStatus = await base().select(['kind', 'status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy(['kind', 'status']).execute();
  const buckets = await base().select([bucketOf('at_ms').as('bucket'), (eb) => eb.fn.countAll<number>().as('n')]).groupBy(bucketOf('at_ms')).execute();
  const folded = foldBuckets(buckets.map((b) => ({ bucket: num(b.bucket), n: num(b.n) })), r.timeZone, r.step);
  return {
    total: folded.total,
    byKind: kinds.map((k) => ({ kind: k.kind, n: num(k.n) })).sort(byCountThen((x) => x.kind)),
    byHour: folded.byHour,
    byCamera: cameras.map((c) => ({ cameraId: c.camera_id, n: num(c.n) })).sort(byCountThen((x) => x.cameraId)),
    byStatus: statuses.map((s) => ({ status: s.status as ViolationStatus, n: num(s.n) })).sort(byCountThen((x) => x.status)),
    byKindStatus: kindStatus.map((k) => ({ kind: k.kind, status: k.status as ViolationStatus, n: num(k.n) })).sort(byCountThen((x) => `${x.kind}\u0000${x.status}`)),
    series: folded.series,
  };
}

export async function flowStats(ctx: StoreContext, f: StatsFilter = {}): Promise<FlowStats> {
  const r = resolve(f, 'minute_ms');
  const base = () => ctx.db.selectFrom('counts').where(r.where);
  const dirs = await base().select(['camera_id', 'direction', (eb) => eb.fn.sum<number>('n').as('n')]).groupBy(['camera_id', 'direction']).execute();
  const classes = await base().select(['cls', (eb) => eb.fn.sum<number>('n').as('n')]).groupBy('cls').execute();
  const buckets = await base().select([bucketOf('minute_ms').as('bucket'), (eb) => eb.fn.sum<number>('n').as('n')]).groupBy(bucketOf('minute_ms')).execute();
  const folded = foldBuckets(buckets.map((b) => ({ bucket: num(b.bucket), n: num(b.n) })), r.timeZone, r.step);
  const classBuckets = await base().select(['cls', bucketOf('minute_ms').as('bucket'), (eb) => eb.fn.sum<number>('n').as('n')]).groupBy(['cls', bucketOf('minute_ms')]).execute();
  const perClass = new Map<string, Array<{ bucket: number; n: number }>>();
  for (const b of classBuckets) perClass.set(b.cls, [...(perClass.get(b.cls) ?? []), { bucket: num(b.bucket), n: num(b.n) }]);
  const byClassHour = [...perClass].map(([cls, rows]) => ({ cls, ...foldBuckets(rows, r.timeZone, r.step) }))
    .sort((a, b) => b.total - a.total || (a.cls < b.cls ? -1 : 1)).map(({ cls, byHour }) => ({ cls, byHour }));
  return {
    byClassHour,
    total: folded.total,
    byCameraDirection: dirs.map((d) => ({ cameraId: d.camera_id, direction: d.direction, n: num(d.n) }))
      .sort(byCountThen((x) => `${x.cameraId}\u0000${x.direction}`)),
    byClass: classes.map((c) => ({ cls: c.cls, n: num(c.n) })).sort(byCountThen((x) => x.cls)),
    byHour: folded.byHour,
    series: folded.series,
  };
}

export async function congestionStats(ctx: StoreContext, f: StatsFilter = {}): Promise<CongestionStats> {
  const r = resolve(f, 'at_ms');
  // The level the congestion rule reports sits in the alert's JSON payload (non-objects give null in both dialects).
  const level: RawBuilder<string | number | null> = ctx.dialect === 'postgres' ? sql`(payload::jsonb ->> 'level')` : sql`json_extract(payload, '$.level')`;
  const base = () => ctx.db.selectFrom('alerts').where('kind', '=', 'congestion').where(r.where);
  const rows = await base().select(['camera_id', level.as('level'), (eb) => eb.fn.countAll<number>().as('n')]).groupBy(['camera_id', level]).execute();
  const buckets = await base().select([bucketOf('at_ms').as('bucket'), (eb) => eb.fn.countAll<number>().as('n')]).groupBy(bucketOf('at_ms')).execute();
  const folded = foldBuckets(buckets.map((b) => ({ bucket: num(b.bucket), n: num(b.n) })), r.timeZone, r.step);
  const cameras = new Map<string, { cameraId: string; n: number; maxLevel: number | null }>();
  const levels = new Map<number, number>();
  for (const row of rows) {
    const n = num(row.n);
    const lv = row.level === null ? null : Number(row.level);
    const known = lv !== null && Number.isInteger(lv) ? lv : null;
    if (row.camera_id !== null) {
      const id = row.camera_id;
      const cam = cameras.get(id) ?? { cameraId: id, n: 0, maxLevel: null };
      cameras.set(id, { cameraId: id, n: cam.n + n, maxLevel: known === null ? cam.maxLevel : Math.max(cam.maxLevel ?? known, known) });
    }
    if (known !== null) levels.set(known, (levels.get(known) ?? 0) + n);
  }
  return {
    total: folded.total,
    byCamera: [...cameras.values()].sort(byCountThen((x) => x.cameraId)),
    byLevel: [...levels.entries()].sort((a, b) => a[0] - b[0]).map(([lv, n]) => ({ level: lv, n })),
    byHour: folded.byHour,
    series: folded.series,
  };
}

/** Most acknowledged alerts whose response times are read for the percentiles (the counts are exact regardless). */
const RESPONSE_SAMPLE = 100_000;

export async function alertStats(ctx: StoreContext, f: StatsFilter = {}): Promise<AlertStats> {
  const r = resolve(f, 'at_ms');
  const base = () => ctx.db.selectFrom('alerts').where(r.where);
  const kinds = await base()
    .select(['kind', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.count<number>('acknowledged_at_ms').as('acked')])
    .groupBy('kind').execute();
  const times = await base().where('acknowledged_at_ms', 'is not', null)
    .select(sql<number>`acknowledged_at_ms - at_ms`.as('ms')).orderBy('at_ms', 'desc').limit(RESPONSE_SAMPLE).execute();
  const ms = times.map((t) => Math.max(0, num(t.ms))).sort((a, b) => a - b);
  const at = (p: number): number => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))] ?? 0;
  const byKind = kinds.map((k) => ({ kind: k.kind, n: num(k.n), acknowledged: num(k.acked) })).sort(byCountThen((x) => x.kind));
  return {
    total: byKind.reduce((n, k) => n + k.n, 0),
    acknowledged: byKind.reduce((n, k) => n + k.acknowledged, 0),
    byKind,
    responseMs: ms.length === 0 ? null : { p50: at(0.5), p90: at(0.9), max: ms[ms.length - 1]!, mean: Math.round(ms.reduce((a, b) => a + b, 0) / ms.length) },
  };
}

export async function uptimeStats(ctx: StoreContext, f: StatsFilter & { readonly fromMs: number }, nowMs = Date.now()): Promise<UptimeStats> {
  const fromMs = f.fromMs;
  const toMs = Math.min(f.toMs ?? nowMs, nowMs);
  if (!Number.isSafeInteger(fromMs) || !(toMs > fromMs)) throw new ArgusError('invalid_argument', `uptime needs a period that has begun: from ${fromMs} to ${toMs}`);
  const ids = f.cameraIds !== undefined ? [...new Set(f.cameraIds)].sort()
    : (await ctx.db.selectFrom('cameras').select('id').orderBy('id').execute()).map((c) => c.id);
  if (ids.length === 0) return { fromMs, toMs, byCamera: [] };
  const signal = ['signal_loss', 'signal_restored'];
  // The state at the start: each camera's last signal alert before the period.
  const before = await ctx.db.selectFrom('alerts as a').select(['a.camera_id', 'a.kind'])
    .where('a.kind', 'in', signal).where('a.camera_id', 'in', ids).where('a.at_ms', '<', fromMs)
    .where(({ eb, selectFrom }) => eb('a.at_ms', '=', selectFrom('alerts as b').select((e) => e.fn.max('b.at_ms').as('m'))
      .whereRef('b.camera_id', '=', 'a.camera_id').where('b.kind', 'in', signal).where('b.at_ms', '<', fromMs)))
    .execute();
  const during = await ctx.db.selectFrom('alerts').select(['camera_id', 'kind', 'at_ms'])
    .where('kind', 'in', signal).where('camera_id', 'in', ids).where('at_ms', '>=', fromMs).where('at_ms', '<', toMs)
    .orderBy('camera_id').orderBy('at_ms').execute();
  const downAtStart = new Set(before.filter((b) => b.kind === 'signal_loss').map((b) => b.camera_id));
  const byCamera = ids.map((cameraId) => {
    let downSince: number | null = downAtStart.has(cameraId) ? fromMs : null;
    let downMs = 0;
    let outages = downSince === null ? 0 : 1;
    for (const a of during) {
      if (a.camera_id !== cameraId) continue;
      const t = num(a.at_ms);
      if (a.kind === 'signal_loss' && downSince === null) {
        downSince = t;
        outages++;
      } else if (a.kind === 'signal_restored' && downSince !== null) {
        downMs += t - downSince;
        downSince = null;
      }
    }
    if (downSince !== null) downMs += toMs - downSince;
    return { cameraId, uptime: Math.round((1 - downMs / (toMs - fromMs)) * 10_000) / 10_000, downMs, outages };
  });
  return { fromMs, toMs, byCamera };
}
