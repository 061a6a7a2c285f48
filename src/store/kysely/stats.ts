/**
 * Statistics of the dashboards: GROUP BY in SQL (the same statements on SQLite and PostgreSQL), time folded into
 * the site's local hours in TypeScript from 15-minute UTC buckets (see ../local-time.ts).
 */
import { sql, type RawBuilder } from 'kysely';
import { ArgusError } from '../../core/errors.js';
import { assertTimeZone, BUCKET_MS, DEFAULT_TIME_ZONE, foldBuckets } from '../local-time.js';
import type { CongestionStats, FlowStats, StatsFilter, ViolationStats, ViolationStatus } from '../store.js';
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
  const buckets = await base().select([bucketOf('at_ms').as('bucket'), (eb) => eb.fn.countAll<number>().as('n')]).groupBy(bucketOf('at_ms')).execute();
  const folded = foldBuckets(buckets.map((b) => ({ bucket: num(b.bucket), n: num(b.n) })), r.timeZone, r.step);
  return {
    total: folded.total,
    byKind: kinds.map((k) => ({ kind: k.kind, n: num(k.n) })).sort(byCountThen((x) => x.kind)),
    byHour: folded.byHour,
    byCamera: cameras.map((c) => ({ cameraId: c.camera_id, n: num(c.n) })).sort(byCountThen((x) => x.cameraId)),
    byStatus: statuses.map((s) => ({ status: s.status as ViolationStatus, n: num(s.n) })).sort(byCountThen((x) => x.status)),
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
  return {
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
