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
  /** Characters of one field as read (a reason a little over `maxReason` still gets its own clear message). */
  maxFieldChars: 2_000,
  /** Fields of one line (plate, reason, expires, and room for empty trailing columns). */
  maxFields: 20,
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

/** Bounds of the record reader: a hostile file is refused at the line where it crosses one, not read to its end. */
export interface CsvLimits {
  /** Characters of one field (quotes not counted). */
  readonly maxFieldChars: number;
  /** Fields of one record. */
  readonly maxFields: number;
  /** Records, blank lines not counted (a header is a record). */
  readonly maxRecords: number;
}

export type CsvErrorCode = 'unclosed_quote' | 'text_after_quote' | 'field_too_long' | 'too_many_fields' | 'too_many_records';
export interface CsvError extends WatchCsvLineError {
  readonly code: CsvErrorCode;
}

const UNBOUNDED: CsvLimits = { maxFieldChars: Infinity, maxFields: Infinity, maxRecords: Infinity };
const [QUOTE, COMMA, LF, CR, SPACE, TAB] = [0x22, 0x2c, 0x0a, 0x0d, 0x20, 0x09];
const isBlank = (c: number): boolean => c === SPACE || c === TAB;

/** Newlines (LF) in `src[from, to)`: looks at those characters only (an indexOf would run on to the next one). */
function newlines(src: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (src.charCodeAt(i) === LF) n++;
  return n;
}

/**
 * RFC 4180 records with the line each starts on; a quoted field may hold commas, quotes (`""`) and newlines. One pass
 * over the text (every character is looked at a bounded number of times: linear in the size of the file, whatever
 * its quotes), stopping at the first line that crosses a limit. Spaces before an opening quote and after a closing
 * one are allowed; other text after a closing quote is an error; a quote inside an unquoted field is a character.
 */
export function parseCsvRecords(text: string, limits: CsvLimits = UNBOUNDED): { records: CsvRecord[]; error: CsvError | null } {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const n = src.length;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let quotedRecord = false;
  let line = 1;
  let start = 1;
  const fail = (code: CsvErrorCode, at: number, message: string) => ({ records, error: { code, line: at, message } });
  for (let i = 0; ;) {
    // One field from i: quoted (after optional blanks) or plain up to the next separator.
    let j = i;
    while (j < n && isBlank(src.charCodeAt(j))) j++;
    let value: string;
    if (j < n && src.charCodeAt(j) === QUOTE) {
      quotedRecord = true;
      const opened = line;
      // Find the closing quote (a quote not doubled), then take the field in one slice.
      let doubled = 0;
      let k = j + 1;
      for (;;) {
        const q = src.indexOf('"', k);
        if (q === -1) return fail('unclosed_quote', opened, `a quoted field opened on line ${opened} is not closed (missing ")`);
        if (q - (j + 1) - doubled > limits.maxFieldChars) return fail('field_too_long', opened, `a field is longer than ${limits.maxFieldChars} characters`);
        if (src.charCodeAt(q + 1) !== QUOTE) {
          k = q;
          break;
        }
        doubled++;
        k = q + 2;
      }
      const raw = src.slice(j + 1, k);
      line += newlines(src, j + 1, k);
      value = doubled > 0 ? raw.replaceAll('""', '"') : raw;
      k++;
      while (k < n && isBlank(src.charCodeAt(k))) k++;
      const c = k < n ? src.charCodeAt(k) : COMMA;
      if (c !== COMMA && c !== LF && c !== CR) {
        return fail('text_after_quote', line, 'text after the closing quote of a field (inside quotes, write a quote as "")');
      }
      i = k;
    } else {
      let k = i;
      for (; k < n; k++) {
        const c = src.charCodeAt(k);
        if (c === COMMA || c === LF || c === CR) break;
      }
      if (k - i > limits.maxFieldChars) return fail('field_too_long', line, `a field is longer than ${limits.maxFieldChars} characters`);
      value = src.slice(i, k);
      i = k;
    }
    fields.push(value);
    if (fields.length > limits.maxFields) return fail('too_many_fields', start, `more than ${limits.maxFields} fields`);
    const sep = i < n ? src.charCodeAt(i) : -1;
    if (sep === COMMA) {
      i++;
      continue;
    }
    // The end of a record: a newline (CRLF, LF or a lone CR) or the end of the text. Blank lines are no records.
    if (quotedRecord || fields.some((f) => f.trim() !== '')) {
      if (records.length >= limits.maxRecords) return fail('too_many_records', start, `more than ${limits.maxRecords} records`);
      records.push({ line: start, fields });
    }
    fields = [];
    quotedRecord = false;
    if (sep === -1) break;
    i += sep === CR && src.charCodeAt(i + 1) === LF ? 2 : 1;
    line++;
    start = line;
    if (i >= n) break;
  }
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
  const fail = (line: number, message: string): WatchCsvResult => ({ ok: false, errors: [{ line, message }], errorCount: 1 });
  if (text.length > WATCH_CSV_LIMITS.maxChars) return fail(1, `the file is over ${WATCH_CSV_LIMITS.maxChars} characters`);
  const { records, error } = parseCsvRecords(text, {
    maxFieldChars: WATCH_CSV_LIMITS.maxFieldChars, maxFields: WATCH_CSV_LIMITS.maxFields, maxRecords: WATCH_CSV_LIMITS.maxRows + 1,
  });
  // A file over a limit is refused at that line, without reading the rest.
  if (error?.code === 'too_many_records') return fail(error.line, `more than ${WATCH_CSV_LIMITS.maxRows} rows; split the file`);
  if (error && error.code !== 'unclosed_quote') return fail(error.line, error.message);
  const header = readHeader(records[0]);
  if (header.error) return fail(records[0]?.line ?? 1, header.error);
  const data = records.slice(1);
  if (data.length === 0 && !error) return fail(2, 'the file has a header but no rows');
  const errors: WatchCsvLineError[] = [];
  const rows: WatchCsvRow[] = [];
  for (const rec of data) {
    const r = readRow(rec, header.columns, nowMs);
    if ('message' in r) errors.push(r);
    else rows.push(r);
  }
  // An unclosed quote swallows the rest of the file: the lines before it are still checked and listed.
  if (error) errors.push({ line: error.line, message: error.message });
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
