/**
 * Local hours and days of a site's time zone for the dashboards' statistics. Times are stored in UTC; the
 * SQL groups rows into 15-minute UTC buckets (every zone's offset is a multiple of 15 minutes), and these
 * functions fold the buckets into local hours of the day and local hour/day series with Intl.
 */
import { ArgusError } from '../core/errors.js';

export const DEFAULT_TIME_ZONE = 'Asia/Ho_Chi_Minh';
/** Width of the SQL buckets: 15 minutes. */
export const BUCKET_MS = 900_000;

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
      });
    } catch (e) {
      throw new ArgusError('invalid_argument', `unknown IANA time zone "${timeZone}"`, { cause: e });
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** Fails with `invalid_argument` unless `timeZone` is an IANA zone this runtime knows. */
export function assertTimeZone(timeZone: string): void {
  formatter(timeZone);
}

/** Local time minus UTC at `atMs`, ms (Asia/Ho_Chi_Minh: +7 h). */
export function zoneOffsetMs(atMs: number, timeZone: string): number {
  const parts = formatter(timeZone).formatToParts(new Date(atMs));
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wallMs = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wallMs - (atMs - (((atMs % 1000) + 1000) % 1000));
}

const mod = (a: number, b: number): number => ((a % b) + b) % b;

/** Local hour of the day 0–23 of `atMs`. */
export function localHour(atMs: number, timeZone: string): number {
  return Math.floor(mod(atMs + zoneOffsetMs(atMs, timeZone), DAY_MS) / HOUR_MS);
}

/** Start (UTC ms) of the local hour or local day that holds `atMs`. */
export function localBucketStart(atMs: number, timeZone: string, step: 'hour' | 'day'): number {
  const size = step === 'hour' ? HOUR_MS : DAY_MS;
  const local = atMs + zoneOffsetMs(atMs, timeZone);
  const startLocal = local - mod(local, size);
  // The offset at the start may differ from the offset at `atMs` (a daylight-saving change inside the bucket).
  return startLocal - zoneOffsetMs(startLocal - zoneOffsetMs(atMs, timeZone), timeZone);
}

/** Rows of (15-minute bucket index, n) → total, 24 local hours, and the local hour/day series (ascending, empty buckets left out). */
export function foldBuckets(
  rows: ReadonlyArray<{ bucket: number; n: number }>, timeZone: string, step: 'hour' | 'day',
): { total: number; byHour: number[]; series: Array<{ startMs: number; n: number }> } {
  const byHour = Array.from({ length: 24 }, () => 0);
  const series = new Map<number, number>();
  let total = 0;
  for (const r of rows) {
    const atMs = r.bucket * BUCKET_MS;
    total += r.n;
    const h = localHour(atMs, timeZone);
    byHour[h] = (byHour[h] ?? 0) + r.n;
    const start = localBucketStart(atMs, timeZone, step);
    series.set(start, (series.get(start) ?? 0) + r.n);
  }
  return { total, byHour, series: [...series.entries()].sort((a, b) => a[0] - b[0]).map(([startMs, n]) => ({ startMs, n })) };
}
