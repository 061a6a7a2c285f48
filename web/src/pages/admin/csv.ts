/**
 * A CSV preview in the browser (the server validates the file; this only shows what was picked): the header, the
 * first rows and how many rows there are. RFC 4180 quoting, BOM and CRLF as the server reads them.
 */
export interface CsvPreview { header: string[]; rows: string[][]; total: number }

export function previewCsv(text: string, first = 5): CsvPreview {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: string[][] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  const end = () => {
    fields.push(field);
    if (fields.some((f) => f.trim() !== '')) records.push(fields);
    fields = [];
    field = '';
  };
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false; else field += ch;
    } else if (ch === '"' && field.trim() === '') { quoted = true; field = ''; }
    else if (ch === ',') { fields.push(field); field = ''; }
    else if (ch === '\n' || ch === '\r') { if (ch === '\r' && src[i + 1] === '\n') i++; end(); }
    else field += ch;
  }
  end();
  const [header = [], ...rows] = records;
  return { header: header.map((h) => h.trim()), rows: rows.slice(0, first), total: rows.length };
}

/** `2026-12-31` (a date input) → the end of that day in Vietnam (UTC+7, no daylight saving), ms since epoch. */
export function endOfDayVn(day: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1) - 7 * 3_600_000 : null;
}

/** `2026-12-31T08:30` (a datetime-local input, read as Vietnam time) → ms since epoch. */
export function vnLocalToMs(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5])) - 7 * 3_600_000 : null;
}
