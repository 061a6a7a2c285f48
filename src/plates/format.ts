/**
 * Output forms of a plate: the normalised key (`30A12345`, `29B112345`: what is stored, indexed and
 * matched) and the Vietnamese display form (`30A-123.45`, `29-B1 123.45`, old `30A-1234`, two-line
 * 4-digit `29-B1 1234`, military `QA-12-34`).
 */
import { isValidPlateKey, MILITARY_FIRST, PROVINCE_CODES } from './grammar.js';

/** Upper-case, Đ → D, keep only [0-9A-Z]: the form labels and reads are compared in. */
export function normalizePlateText(text: string): string {
  return text.toUpperCase().replace(/Đ/g, 'D').replace(/[^0-9A-Z]/g, '');
}

export interface PlateParts {
  readonly kind: 'civil' | 'military';
  /** Two-digit province code (civil plates), e.g. `30`. */
  readonly province: string | null;
  /** Series (`A`, `LD`, `B1`, `AB`) or the military unit code (`QA`). */
  readonly series: string;
  /** Serial digits (4 or 5). */
  readonly serial: string;
  /** Printed on two lines (motorbikes, square plates). */
  readonly twoLine: boolean;
}

/**
 * Split a key into its parts. `lines` (as read, top-down) settles the one ambiguous case: `30A12345`
 * alone is `30A-123.45`, but read as `30A1` / `2345` it is `30-A1 2345`.
 */
export function parsePlate(key: string, lines?: readonly string[]): PlateParts | null {
  const k = normalizePlateText(key);
  const twoLine = (lines?.length ?? 1) === 2;
  const mil = /^([A-Z]{2})(\d{4})$/.exec(k);
  if (mil && MILITARY_FIRST.includes(k[0]!)) return { kind: 'military', province: null, series: mil[1]!, serial: mil[2]!, twoLine };
  if (!isValidPlateKey(k) || !PROVINCE_CODES.has(Number(k.slice(0, 2)))) return null;
  const line1 = twoLine ? normalizePlateText(lines![0]!) : undefined;
  const series = line1 !== undefined && k.startsWith(line1) ? line1.slice(2) : defaultSeries(k);
  const serial = k.slice(2 + series.length);
  if (!/^[A-Z][A-Z0-9]?$/.test(series) || !/^\d{4,5}$/.test(serial)) return null;
  return { kind: 'civil', province: k.slice(0, 2), series, serial, twoLine };
}

/** Without layout: the letters after the province; a trailing digit joins the series only if 6 digits follow. */
function defaultSeries(k: string): string {
  const letters = /^\d{2}([A-Z]+)/.exec(k)?.[1] ?? '';
  const rest = k.slice(2 + letters.length);
  return letters.length === 1 && rest.length === 6 ? letters + rest[0]! : letters;
}

/**
 * A civil plate's series as the series priors count it (site-prior.ts): its first letter, its second character ('' for
 * a one-letter series) and the plate's number of lines. With the read's `lines` the layout is known; from the key
 * alone only a series with a digit tells it (`77L207115` is `77-L2 071.15`, a motorbike's); `77A03623` may be a car's
 * `77A-036.23` or a square plate's `77-A 036.23`, and gives undefined.
 */
export function seriesLayout(key: string, lines?: readonly string[]): { first: string; second: string; lines: number } | undefined {
  const p = parsePlate(key, lines);
  if (!p || p.kind !== 'civil') return undefined;
  if (!lines && !/\d/.test(p.series)) return undefined;
  return { first: p.series[0]!, second: p.series.slice(1), lines: lines?.length ?? 2 };
}

const serialForm = (s: string): string => (s.length === 5 ? `${s.slice(0, 3)}.${s.slice(3)}` : s);

/** Vietnamese display form of parsed parts. */
export function displayParts(p: PlateParts): string {
  if (p.kind === 'military') return `${p.series}-${p.serial.slice(0, 2)}-${p.serial.slice(2)}`;
  const serial = serialForm(p.serial);
  // Motorbike style (`29-B1 123.45`) when the series carries a digit or the plate is two-line with a two-letter series.
  const bike = /\d/.test(p.series) || (p.twoLine && p.series.length === 2);
  return bike ? `${p.province}-${p.series} ${serial}` : `${p.province}${p.series}-${serial}`;
}

/** Display form of a key (and its lines when known); null when the key is not a valid plate. */
export function displayPlate(key: string, lines?: readonly string[]): string | null {
  const p = parsePlate(key, lines);
  return p ? displayParts(p) : null;
}
