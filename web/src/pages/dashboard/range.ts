/** Time ranges of the dashboards in the site's time zone: today, the last 7 days, the last 30 days (each up to now). */
export type RangeId = 'today' | '7d' | '30d';
export const RANGES: readonly RangeId[] = ['today', '7d', '30d'];
export const SITE_TIME_ZONE = 'Asia/Ho_Chi_Minh';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Local time minus UTC at `atMs`, ms. */
export function offsetMs(atMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(atMs));
  const n = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - (atMs - (atMs % 1000));
}

/** Start (UTC ms) of the local day holding `atMs`. */
export function startOfLocalDay(atMs: number, timeZone: string): number {
  const local = atMs + offsetMs(atMs, timeZone);
  const start = local - (local % DAY_MS);
  return start - offsetMs(start - offsetMs(atMs, timeZone), timeZone);
}

/** `from`/`to` of a range and the step of its time series: hours for today, days for longer ranges. */
export function rangeOf(id: RangeId, nowMs: number, timeZone = SITE_TIME_ZONE): { from: number; to: number; step: 'hour' | 'day' } {
  const today = startOfLocalDay(nowMs, timeZone);
  const days = id === 'today' ? 0 : id === '7d' ? 6 : 29;
  // Subtracting whole days of 24 h then re-aligning keeps local midnight across daylight-saving changes.
  const from = days === 0 ? today : startOfLocalDay(today - days * DAY_MS + 12 * HOUR_MS, timeZone);
  return { from, to: nowMs + 60_000, step: id === 'today' ? 'hour' : 'day' };
}

/** Every bucket start from `from` to `to` (so a chart shows empty hours/days as zero). */
export function bucketStarts(from: number, to: number, step: 'hour' | 'day', timeZone = SITE_TIME_ZONE): number[] {
  const out: number[] = [];
  let t = from;
  while (t < to && out.length < 800) {
    out.push(t);
    t = step === 'hour' ? t + HOUR_MS : startOfLocalDay(t + DAY_MS + 12 * HOUR_MS, timeZone);
  }
  return out;
}
