import type { ObjectClass } from '../core/classes.js';
import { VIOLATION_LABELS, type ViEn, type ViolationLabel } from '../core/labels.js';
import type { LightState } from './types.js';

export type { ViEn } from '../core/labels.js';

const KIND_ALIASES: Readonly<Record<string, string>> = {
  redlight: 'red_light',
  red_light_running: 'red_light',
  speed: 'speeding',
  speed_trap: 'speeding',
  section_average_speed: 'section_speeding',
  section_speed: 'section_speeding',
  illegal_parking: 'illegal_stopping',
  no_stopping: 'illegal_stopping',
  parking: 'illegal_stopping',
  stop_line_encroachment: 'stop_line',
  riders: 'too_many_riders',
  three_riders: 'too_many_riders',
  overloaded_riders: 'too_many_riders',
  prohibited: 'prohibited_entry',
};

/** Legal name of a violation kind (core/labels.ts; `violation.` prefix, `-` or `.` separators and old names accepted). */
export function kindLabel(kind: string): ViEn {
  const k = kind.replace(/^violation[._]/, '').replace(/[-.\s]/g, '_').toLowerCase();
  const label = (VIOLATION_LABELS as Readonly<Record<string, ViolationLabel>>)[KIND_ALIASES[k] ?? k];
  return label?.legal ?? { vi: `Vi phạm: ${kind}`, en: kind };
}

const CLASS_LABELS: Readonly<Record<ObjectClass, ViEn>> = {
  car: { vi: 'Ô tô', en: 'car' },
  motorcycle: { vi: 'Xe mô tô, xe gắn máy', en: 'motorbike' },
  bus: { vi: 'Xe khách', en: 'bus' },
  truck: { vi: 'Xe tải', en: 'truck' },
  bicycle: { vi: 'Xe đạp', en: 'bicycle' },
  person: { vi: 'Người đi bộ', en: 'pedestrian' },
  traffic_light: { vi: 'Đèn tín hiệu', en: 'traffic light' },
};

export const classLabel = (cls: ObjectClass): ViEn => CLASS_LABELS[cls] ?? { vi: cls, en: cls };

const LIGHT_LABELS: Readonly<Record<LightState, ViEn>> = {
  red: { vi: 'ĐỎ', en: 'red' },
  amber: { vi: 'VÀNG', en: 'amber' },
  green: { vi: 'XANH', en: 'green' },
  off: { vi: 'TẮT', en: 'off' },
  unknown: { vi: 'KHÔNG RÕ', en: 'unknown' },
};

export const lightLabel = (s: LightState): ViEn => LIGHT_LABELS[s];

export const LIGHT_COLOURS: Readonly<Record<LightState, string>> = {
  red: '#e53935',
  amber: '#ffb300',
  green: '#43a047',
  off: '#9e9e9e',
  unknown: '#9e9e9e',
};

/** Known measurement keys → label. Unknown keys print as they are. */
const MEASUREMENT_LABELS: Readonly<Record<string, ViEn>> = {
  speedKmh: { vi: 'Tốc độ', en: 'speed' },
  limitKmh: { vi: 'Tốc độ cho phép', en: 'limit' },
  speedLimitKmh: { vi: 'Tốc độ cho phép', en: 'limit' },
  overLimitKmh: { vi: 'Vượt quá', en: 'over limit' },
  avgSpeedKmh: { vi: 'Tốc độ trung bình', en: 'average speed' },
  distanceM: { vi: 'Quãng đường', en: 'distance' },
  dwellMs: { vi: 'Thời gian dừng', en: 'dwell' },
  redForMs: { vi: 'Đèn đỏ đã', en: 'red for' },
  riders: { vi: 'Số người trên xe', en: 'riders' },
  maxRiders: { vi: 'Số người cho phép', en: 'max riders' },
  signalAgeMs: { vi: 'Đèn đã bật', en: 'signal age' },
  stoppedMs: { vi: 'Thời gian dừng', en: 'stopped' },
  distancePx: { vi: 'Quãng đường (điểm ảnh)', en: 'distance, px' },
  meanSpeedKmh: { vi: 'Tốc độ trung bình', en: 'mean speed' },
  travelMs: { vi: 'Thời gian đi', en: 'travel time' },
  travelledM: { vi: 'Quãng đường ngược chiều', en: 'distance against the lane' },
};

/** Formats one measurement with its unit, taken from the key's suffix (Kmh, Ms, Sec, M). */
export function formatMeasurement(key: string, value: number | string | boolean): { label: ViEn; text: string } {
  const label = MEASUREMENT_LABELS[key] ?? { vi: key, en: key };
  if (key === 'signal' && typeof value === 'string' && value in LIGHT_LABELS) {
    const l = LIGHT_LABELS[value as LightState];
    return { label: { vi: 'Đèn', en: 'light' }, text: `${l.vi} (${l.en})` };
  }
  if (typeof value !== 'number') return { label, text: String(value) };
  let text: string;
  if (/Kmh$/.test(key)) text = `${value.toFixed(1)} km/h`;
  else if (/Ms$/.test(key)) text = `${(value / 1000).toFixed(1)} s`;
  else if (/Sec$/.test(key)) text = `${value.toFixed(1)} s`;
  else if (/Px$/.test(key)) text = `${value.toFixed(0)} px`;
  else if (/M$/.test(key)) text = `${value.toFixed(1)} m`;
  else text = Number.isInteger(value) ? String(value) : value.toFixed(2);
  return { label, text };
}

export interface LocalTime {
  /** `22/11/2026 06:21:05.123` (day first, as Vietnamese documents write it). */
  readonly display: string;
  /** `GMT+7` */
  readonly offsetLabel: string;
  /** ISO 8601 with the local offset: `2026-11-22T06:21:05.123+07:00`. */
  readonly iso: string;
}

/** The time `atMs` (UTC) in the IANA zone `timezone`. */
export function localTime(atMs: number, timezone: string): LocalTime {
  const fmt = new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
    fractionalSecondDigits: 3, timeZoneName: 'longOffset',
  });
  const parts = Object.fromEntries(fmt.formatToParts(new Date(atMs)).map((p) => [p.type, p.value]));
  const tzName = parts.timeZoneName ?? 'GMT';
  // 'GMT+07:00', or plain 'GMT' for a zero offset (ICU versions differ).
  const offset = /^GMT[+-]\d\d:\d\d$/.test(tzName) ? tzName.slice(3) : '+00:00';
  const ms = parts.fractionalSecond ?? '000';
  const d = `${parts.day}/${parts.month}/${parts.year}`;
  const t = `${parts.hour}:${parts.minute}:${parts.second}`;
  return {
    display: `${d} ${t}.${ms}`,
    offsetLabel: `GMT${offset.replace(/:00$/, '').replace(/^([+-])0(\d)/, '$1$2')}`,
    iso: `${parts.year}-${parts.month}-${parts.day}T${t}.${ms}${offset}`,
  };
}

/** Escapes text for an SVG text node or attribute. */
export const xmlEscape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
