/**
 * Text a store cannot keep as it was sent: a NUL character (PostgreSQL refuses it in text: a 500) or a lone
 * surrogate (not well-formed Unicode: written as U+FFFD, so a hash taken before the write — the audit chain's — no
 * longer matches the row read back). Requests carrying such text are refused at the edge, before any handler.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const bad = (s: string): boolean => s.includes('\u0000') || LONE_SURROGATE.test(s);

/** The path of the first string (value or key) in `v` that is such text, or null. Binary values are skipped. */
export function badText(v: unknown, path = '', depth = 0): string | null {
  if (typeof v === 'string') return bad(v) ? path || '.' : null;
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v) || depth > 64) return null;
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const at = `${path}.${k}`;
    if (bad(k)) return at;
    const found = badText(x, at, depth + 1);
    if (found !== null) return found;
  }
  return null;
}
