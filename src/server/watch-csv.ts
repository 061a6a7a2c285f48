/**
 * Watch-list CSV import (pure): parse a file of `plate,reason[,expires]` rows, validate EVERY row, and plan the
 * insert (duplicates skipped). The route writes only when the whole file is valid.
 *
 * The file: UTF-8 (a BOM is dropped), CRLF or LF, RFC 4180 quoting (`"Trộm cắp, truy nã"`), a header row naming the
 * columns in any order (`plate`/`biển số`, `reason`/`lý do`, optional `expires`/`hết hạn`). Plates in Vietnamese
 * forms (`30A-123.45`, `29-B1 123.45`, `30A12345`) are stored as keys (`30A12345`); a wildcard pattern (`51G-888.*`)
 * is kept as a pattern. `expires`: empty (never), a day `2026-12-31` (its end, Vietnam time) or an ISO time with a zone.
 */
import { normalizePlateText, parsePlate } from '../plates/format.js';
import { parsePlateQuery } from '../plates/match.js';

export const WATCH_CSV_LIMITS = {
  /** Data rows (the header not counted). */
  maxRows: 10_000,
  /** Characters of the file. */
  maxChars: 2_000_000,
  /** Bad lines listed in an answer (the count covers all of them). */
  maxErrors: 100,
  /** Characters of a reason (the entry's note). */
  maxReason: 500,
} as const;

/** Vietnam has no daylight saving: a calendar day there ends at 17:00 UTC. */
const VN_OFFSET_MS = 7 * 3_600_000;

export interface WatchCsvRow {
  /** Line of the file where the row starts (the header is line 1). */
  readonly line: number;
  /** Normalised key (`30A12345`) or wildcard pattern (`51G888*`). */
  readonly pattern: string;
  readonly note: string;
  readonly expiresAtMs: number | null;
}
export interface WatchCsvLineError {
  readonly line: number;
  readonly message: string;
}
export type WatchCsvResult =
  | { readonly ok: true; readonly rows: WatchCsvRow[] }
  | { readonly ok: false; readonly errors: WatchCsvLineError[]; readonly errorCount: number };

interface CsvRecord {
  readonly line: number;
  readonly fields: string[];
}

/** RFC 4180 records with the line each starts on; a quoted field may hold commas, quotes (`""`) and newlines. */
export function parseCsvRecords(text: string): { records: CsvRecord[]; error: WatchCsvLineError | null } {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let start = 1;
  let quoted = false;
  let wasQuoted = false;
  const endRecord = (): void => {
    fields.push(field);
    if (fields.some((f) => f.trim() !== '') || wasQuoted) records.push({ line: start, fields });
    fields = [];
    field = '';
    wasQuoted = false;
  };
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && field.trim() === '') {
      quoted = true;
      wasQuoted = true;
      field = '';
    } else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else field += ch;
  }
  if (quoted) return { records, error: { line: start, message: 'a quoted field is not closed (missing ")' } };
  endRecord();
  return { records, error: null };
}

type Column = 'plate' | 'reason' | 'expires';
const HEADER_NAMES: Record<string, Column> = {
  plate: 'plate', bien_so: 'plate', bienso: 'plate', bien_kiem_soat: 'plate',
  reason: 'reason', ly_do: 'reason', lydo: 'reason', note: 'reason', ghi_chu: 'reason',
  expires: 'expires', expires_at: 'expires', het_han: 'expires', hethan: 'expires',
};
/** `Biển số` → `bien_so`: lower case, no diacritics, `_` between words. */
const headerKey = (s: string): string =>
  s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').trim().toLowerCase().replace(/[\s-]+/g, '_');

function readHeader(rec: CsvRecord | undefined): { columns: Array<Column | null>; error: string | null } {
  const expect = 'the first line must be the header plate,reason[,expires] (or biển số,lý do[,hết hạn])';
  if (!rec) return { columns: [], error: `the file is empty: ${expect}` };
  const columns = rec.fields.map((f) => HEADER_NAMES[headerKey(f)] ?? null);
  const unknown = rec.fields.filter((f, i) => columns[i] === null && f.trim() !== '');
  if (unknown.length > 0) return { columns, error: `unknown column(s) ${unknown.map((u) => JSON.stringify(u.trim())).join(', ')}: ${expect}` };
  const twice = (['plate', 'reason', 'expires'] as const).find((c) => columns.filter((x) => x === c).length > 1);
  if (twice) return { columns, error: `column "${twice}" is named twice` };
  if (!columns.includes('plate') || !columns.includes('reason')) return { columns, error: expect };
  return { columns, error: null };
}

/** A plate in a Vietnamese form → its key; a wildcard pattern → the pattern; otherwise why not. */
export function watchPattern(raw: string): { pattern: string } | { error: string } {
  const text = raw.trim();
  if (text === '') return { error: 'the plate is empty' };
  if (!/^[0-9A-Za-zĐđ .\-*?]+$/.test(text)) return { error: `"${text}" has characters a plate cannot have` };
  if (/[*?]/.test(text)) {
    const q = parsePlateQuery(text);
    const literals = q.pattern.replace(/[*?]/g, '').length;
    if (literals < 4) return { error: `pattern "${text}" is too broad (give at least 4 plate characters)` };
    return { pattern: q.pattern };
  }
  const key = normalizePlateText(text);
  if (!parsePlate(key)) return { error: `"${text}" is not a Vietnamese plate (e.g. 30A-123.45, 29-B1 123.45)` };
  return { pattern: key };
}

/** Empty → never; `YYYY-MM-DD` → the end of that day in Vietnam; an ISO time with `Z` or an offset. */
export function parseExpiry(raw: string): { ms: number | null } | { error: string } {
  const text = raw.trim();
  if (text === '') return { ms: null };
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (day) {
    const [y, m, d] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const probe = new Date(Date.UTC(y, m - 1, d));
    if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== m - 1 || probe.getUTCDate() !== d) return { error: `"${text}" is not a date` };
    return { ms: Date.UTC(y, m - 1, d + 1) - VN_OFFSET_MS };
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) {
    const ms = Date.parse(text);
    if (Number.isFinite(ms)) return { ms };
  }
  return { error: `expires "${text}" must be a day (2026-12-31) or a time with its zone (2026-12-31T18:00+07:00)` };
}

function readRow(rec: CsvRecord, columns: ReadonlyArray<Column | null>, nowMs: number): WatchCsvRow | WatchCsvLineError {
  const bad = (message: string): WatchCsvLineError => ({ line: rec.line, message });
  if (rec.fields.length > columns.length && rec.fields.slice(columns.length).some((f) => f.trim() !== '')) {
    return bad(`${rec.fields.length} fields, the header has ${columns.length} (quote a reason that holds a comma)`);
  }
  const cell = (c: Column): string => rec.fields[columns.indexOf(c)] ?? '';
  const plate = watchPattern(cell('plate'));
  if ('error' in plate) return bad(plate.error);
  const note = cell('reason').replace(/\r\n?/g, '\n').trim();
  if (note === '') return bad('the reason is empty');
  if (note.length > WATCH_CSV_LIMITS.maxReason) return bad(`the reason is longer than ${WATCH_CSV_LIMITS.maxReason} characters`);
  const expiry = columns.includes('expires') ? parseExpiry(cell('expires')) : { ms: null };
  if ('error' in expiry) return bad(expiry.error);
  if (expiry.ms !== null && expiry.ms <= nowMs) return bad(`expires ${cell('expires').trim()} is already past`);
  return { line: rec.line, pattern: plate.pattern, note, expiresAtMs: expiry.ms };
}

/** Every row of the file, or every bad line (the first `maxErrors` of them) — never some of each. */
export function parseWatchCsv(text: string, nowMs: number): WatchCsvResult {
  if (text.length > WATCH_CSV_LIMITS.maxChars) {
    return { ok: false, errors: [{ line: 1, message: `the file is over ${WATCH_CSV_LIMITS.maxChars} characters` }], errorCount: 1 };
  }
  const { records, error } = parseCsvRecords(text);
  const header = readHeader(records[0]);
  if (header.error) return { ok: false, errors: [{ line: records[0]?.line ?? 1, message: header.error }], errorCount: 1 };
  const data = records.slice(1);
  if (data.length === 0 && !error) return { ok: false, errors: [{ line: 2, message: 'the file has a header but no rows' }], errorCount: 1 };
  const errors: WatchCsvLineError[] = [];
  const rows: WatchCsvRow[] = [];
  if (data.length > WATCH_CSV_LIMITS.maxRows) {
    errors.push({ line: data[WATCH_CSV_LIMITS.maxRows]!.line, message: `more than ${WATCH_CSV_LIMITS.maxRows} rows (${data.length}); split the file` });
  } else {
    for (const rec of data) {
      const r = readRow(rec, header.columns, nowMs);
      if ('message' in r) errors.push(r);
      else rows.push(r);
    }
  }
  if (error) errors.push(error);
  if (errors.length > 0) return { ok: false, errors: errors.slice(0, WATCH_CSV_LIMITS.maxErrors), errorCount: errors.length };
  return { ok: true, rows };
}

export interface WatchImportPlan {
  readonly add: WatchCsvRow[];
  /** Rows not added: already in the list, or repeated in the file (the first one wins). */
  readonly skipped: Array<{ readonly line: number; readonly pattern: string; readonly why: 'in_list' | 'repeated' }>;
}

export function planWatchImport(rows: readonly WatchCsvRow[], existingPatterns: Iterable<string>): WatchImportPlan {
  const inList = new Set(existingPatterns);
  const seen = new Set<string>();
  const add: WatchCsvRow[] = [];
  const skipped: Array<WatchImportPlan['skipped'][number]> = [];
  for (const r of rows) {
    if (inList.has(r.pattern)) skipped.push({ line: r.line, pattern: r.pattern, why: 'in_list' });
    else if (seen.has(r.pattern)) skipped.push({ line: r.line, pattern: r.pattern, why: 'repeated' });
    else {
      seen.add(r.pattern);
      add.push(r);
    }
  }
  return { add, skipped };
}
