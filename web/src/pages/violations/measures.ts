/**
 * A violation's measurements in words a reviewer reads first: the measured speed against the limit, how long the
 * light had been red, how long a vehicle stood… (the rules' `measurements`, src/rules), then the rule's context
 * (vehicle class, zone, line, lane, track). Internal keys (the frame time, the rule kind repeated) are left out.
 */
import { defineDict, type Lang } from '../../i18n';

const words = defineDict({
  vi: {
    speedKmh: 'Tốc độ đo được', limitKmh: 'Tốc độ cho phép', travelMs: 'Thời gian đi', distanceM: 'Quãng đường', signal: 'Đèn',
    signalAgeMs: 'Đèn đỏ đã bật', stoppedMs: 'Dừng trong', dwellMs: 'Ở lại trong', distancePx: 'Vượt vạch', riders: 'Số người trên xe',
    maxRiders: 'Cho phép tối đa', count: 'Số lượng', cls: 'Phương tiện', zoneId: 'Vùng', lineId: 'Vạch', laneId: 'Làn', ruleId: 'Quy tắc', trackId: 'Mã đối tượng',
    red: 'đỏ', amber: 'vàng', green: 'xanh',
  },
  en: {
    speedKmh: 'Measured speed', limitKmh: 'Speed limit', travelMs: 'Travel time', distanceM: 'Distance', signal: 'Signal',
    signalAgeMs: 'Red for', stoppedMs: 'Stopped for', dwellMs: 'Stayed for', distancePx: 'Past the line by', riders: 'Riders',
    maxRiders: 'Allowed at most', count: 'Count', cls: 'Vehicle', zoneId: 'Zone', lineId: 'Line', laneId: 'Lane', ruleId: 'Rule', trackId: 'Track',
    red: 'red', amber: 'amber', green: 'green',
  },
});
type Word = keyof typeof words.vi;

const HIDDEN = new Set(['id', 'cameraId', 'atMs', 'kind', 'evidence', 'ptsSec', 'ruleKind', 'violation', 'measurements', 'params', 'plate', 'trackIds']);

export interface MeasureRow {
  readonly key: string;
  readonly label: string;
  readonly value: string;
  /** A figure the violation rests on (shown first, larger). */
  readonly main: boolean;
}

const num = (lang: Lang, v: number, digits = 1): string => v.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: digits });

function value(lang: Lang, key: string, v: unknown, cls: (k: string) => string): string {
  if (typeof v === 'number') {
    if (key.endsWith('Kmh')) return `${num(lang, v)} km/h`;
    if (key.endsWith('Ms')) return `${num(lang, v / 1000)} s`;
    if (key === 'distanceM') return `${num(lang, v, 0)} m`;
    if (key === 'distancePx') return `${num(lang, v, 0)} px`;
    return num(lang, v, 2);
  }
  if (key === 'cls' && typeof v === 'string') return cls(v);
  if (key === 'signal' && (v === 'red' || v === 'amber' || v === 'green')) return words[lang][v];
  return String(v);
}

/** The rows of a violation's details: its measurements first, then the rest that means something to a reviewer. */
export function measureRows(details: unknown, lang: Lang, cls: (k: string) => string): MeasureRow[] {
  if (details === null || typeof details !== 'object' || Array.isArray(details)) return [];
  const d = details as Record<string, unknown>;
  const label = (k: string): string => (words[lang] as Record<string, string>)[k] ?? k;
  const rows: MeasureRow[] = [];
  const m = d['measurements'];
  if (m !== null && typeof m === 'object' && !Array.isArray(m)) {
    for (const [k, v] of Object.entries(m as Record<string, unknown>)) {
      if (v === null || typeof v === 'object') continue;
      rows.push({ key: k, label: label(k), value: value(lang, k, v, cls), main: true });
    }
  }
  for (const [k, v] of Object.entries(d)) {
    if (HIDDEN.has(k) || v === null || typeof v === 'object') continue;
    rows.push({ key: k, label: label(k as Word), value: value(lang, k, v, cls), main: false });
  }
  return rows;
}
