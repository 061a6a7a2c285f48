import type { TimeWindowConfig, Weekday } from '../config/rules/common.js';

/**
 * Recurring time windows in a site's time zone. Local time is read with Intl once per minute per zone
 * (cached), so rules can ask on every frame.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
const cache = new Map<string, { minuteMs: number; day: Weekday; minutes: number }>();

const DAY_NAMES: Record<string, Weekday> = { Mon: 'mon', Tue: 'tue', Wed: 'wed', Thu: 'thu', Fri: 'fri', Sat: 'sat', Sun: 'sun' };
const PREV_DAY: Record<Weekday, Weekday> = { mon: 'sun', tue: 'mon', wed: 'tue', thu: 'wed', fri: 'thu', sat: 'fri', sun: 'sat' };

/** Local weekday and minutes since local midnight of `atMs` in `timeZone`. */
export function localTime(atMs: number, timeZone: string): { day: Weekday; minutes: number } {
  const minuteMs = Math.floor(atMs / 60_000);
  const hit = cache.get(timeZone);
  if (hit && hit.minuteMs === minuteMs) return hit;
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  const parts = f.formatToParts(new Date(atMs));
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  const day = DAY_NAMES[get('weekday')] ?? 'mon';
  const minutes = Number(get('hour')) * 60 + Number(get('minute'));
  const value = { minuteMs, day, minutes };
  cache.set(timeZone, value);
  return value;
}

const toMinutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether `atMs` falls in any window (an empty list means always). A window past midnight belongs to its start day. */
export function inTimeWindows(windows: readonly TimeWindowConfig[], atMs: number, timeZone: string): boolean {
  if (windows.length === 0) return true;
  const { day, minutes } = localTime(atMs, timeZone);
  return windows.some((w) => {
    const from = toMinutes(w.from);
    const to = toMinutes(w.to);
    if (from <= to) return w.days.includes(day) && minutes >= from && minutes < to;
    return (w.days.includes(day) && minutes >= from) || (w.days.includes(PREV_DAY[day]) && minutes < to);
  });
}
