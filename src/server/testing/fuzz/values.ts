/**
 * Values for the API fuzzer, from a route's JSON Schema (the OpenAPI form of its zod schema, `io: 'input'`):
 * - `valid`: what the schema allows (patterns sampled, enums, ranges), with ids and filters taken from the seeded
 *   store where a field's name says what it is (hints), so valid inputs reach the handlers' logic;
 * - `boundary`: the edges the schema allows (longest/shortest strings, min/max numbers, fullest arrays);
 * - `hostile`: wrong types, edges just outside, huge strings, unicode, NUL, path traversal, prototype-pollution
 *   keys, injection strings, NaN/Infinity/negative numbers, deep nesting.
 */
import { sampleRegex, type Reps } from './regex-sample.js';
import type { Rng } from './rng.js';

/** The subset of JSON Schema the route schemas produce. */
export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema | false;
  prefixItems?: JsonSchema[];
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  format?: string;
}

/** Values known to the seeded store, by field name (`id`, `cameraId`, `cameras`, `plate`, `cursor`…). */
export type Hints = ReadonlyMap<string, readonly unknown[]>;

type Mode = 'valid' | 'boundary';

/** Longest string the fuzzer builds for one field (the largest schema limit, the CSV import's 2 MB, fits). */
const MAX_STRING = 2_100_000;
/** Most items of an array the fuzzer builds (the largest schema limit, 1000 per ingest batch, fits). */
const MAX_ITEMS = 5000;

export const HOSTILE_STRINGS: readonly string[] = [
  '', ' ', '\u0000', 'a\u0000b', '../../../../etc/passwd', '..\\..\\..\\windows\\win.ini', '%2e%2e%2f%2e%2e%2fetc%2fpasswd', '....//....//etc/passwd',
  '/etc/passwd', 'file:///etc/passwd', 'http://169.254.169.254/latest/meta-data/', 'rtsp://user:pw@127.0.0.1:1/x', "' OR 1=1 --", '"; DROP TABLE users; --',
  '${7*7}', '{{7*7}}', '<script>alert(1)</script>', '%s%s%s%n', '\r\nSet-Cookie: argus_session=x', '\u202eevil\u202c', 'ǅ̸̢̛͎Ź̧a̡͊͠l̢g̕o̶', '👮‍♀️🚓🚨',
  'Công an Đà Nẵng', '\ud800', '\udfff\ud800', '\ufeff', 'NaN', 'Infinity', '-Infinity', '1e309', '-0', '0x1f', ' 1', '1 ', '9'.repeat(400),
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '*', '?', '%', '\\', ',,,,', '30A*', '*'.repeat(32), '?'.repeat(32),
];

export const HOSTILE_NUMBERS: readonly number[] = [-1, -0, 0.5, 1.5, -1e308, 1e308, 2 ** 53 + 1, -(2 ** 53) - 1, 2 ** 31, 2 ** 32, Number.MIN_VALUE, 8_640_000_000_001];

/** Huge strings: long runs of one character (the quadratic and limit bugs), each within MAX_STRING. */
export function hugeString(rng: Rng): string {
  const unit = rng.pick(['A', '"', ',', '\n', '"",', '*', 'é', '\u0000', '../', '%', '\\', '🚓']);
  return unit.repeat(Math.floor(rng.pick([4096, 65_536, 200_000]) / unit.length));
}

/** A prototype-pollution object: its keys are own properties (built with JSON.parse, as a client sends them). */
export function pollution(rng: Rng, base: Record<string, unknown> = {}): Record<string, unknown> {
  const text = rng.pick([
    '{"__proto__":{"polluted":"yes","isAdmin":true}}',
    '{"constructor":{"prototype":{"polluted":"yes"}}}',
    '{"__proto__":{"roles":["admin"]},"toString":"x"}',
    '{"hasOwnProperty":1,"valueOf":"x"}',
  ]);
  return { ...base, ...(JSON.parse(text) as Record<string, unknown>) };
}

function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

const types = (s: JsonSchema): string[] => (s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type]);

/** A value the schema allows (`valid`), or one at its edges (`boundary`). `name` is the field's name (for hints). */
export function allowed(s: JsonSchema, rng: Rng, hints: Hints, mode: Mode, name = ''): unknown {
  const hint = hints.get(name);
  if (hint && hint.length > 0 && rng.chance(mode === 'valid' ? 0.7 : 0.3)) return rng.pick(hint);
  if (s.const !== undefined) return s.const;
  if (s.enum) return rng.pick(s.enum);
  const union = s.anyOf ?? s.oneOf;
  if (union) {
    const nonNull = union.filter((u) => !types(u).includes('null'));
    return allowed(nonNull.length > 0 && rng.chance(0.85) ? rng.pick(nonNull) : rng.pick(union), rng, hints, mode, name);
  }
  if (s.allOf?.[0]) return allowed(s.allOf[0], rng, hints, mode, name);
  const t = types(s);
  const type = t.length > 0 ? rng.pick(t) : s.properties ? 'object' : 'any';
  switch (type) {
    case 'object': return objectOf(s, rng, hints, mode);
    case 'array': return arrayOf(s, rng, hints, mode, name);
    case 'string': return stringOf(s, rng, mode);
    case 'integer': return numberOf(s, rng, mode, true);
    case 'number': return numberOf(s, rng, mode, false);
    case 'boolean': return rng.chance(0.5);
    case 'null': return null;
    default: return rng.pick([1, 'x', true, null, { a: 1 }, [1]]);
  }
}

function objectOf(s: JsonSchema, rng: Rng, hints: Hints, mode: Mode): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const required = new Set(s.required ?? []);
  for (const [k, sub] of Object.entries(s.properties ?? {})) {
    if (required.has(k) || rng.chance(mode === 'boundary' ? 0.8 : 0.5)) out[k] = allowed(sub, rng, hints, mode, k);
  }
  return out;
}

function arrayOf(s: JsonSchema, rng: Rng, hints: Hints, mode: Mode, name: string): unknown[] {
  if (s.prefixItems) return s.prefixItems.map((p) => allowed(p, rng, hints, mode, name));
  const min = s.minItems ?? 0;
  const max = s.maxItems ?? min + 5;
  const n = mode === 'boundary' ? (rng.chance(0.5) ? max : min) : rng.int(min, Math.min(max, min + 3));
  const item = s.items === false || s.items === undefined ? {} : s.items;
  return Array.from({ length: Math.min(n, MAX_ITEMS) }, () => allowed(item, rng, hints, mode, name));
}

const ALPHABETS = ['abcdefghijklmnopqrstuvwxyz0123456789', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ-_ .', 'ăâđêôơưáàảãạếềểễệ', '日本語中文한국어', ',"\'\n;:/\\'];

function stringOf(s: JsonSchema, rng: Rng, mode: Mode): string {
  const min = s.minLength ?? 0;
  const max = Math.min(s.maxLength ?? min + 40, MAX_STRING);
  if (s.pattern) {
    const reps: Reps = mode === 'boundary' ? rng.pick(['min', 'max'] as const) : 'random';
    for (let i = 0; i < 8; i++) {
      const v = sampleRegex(s.pattern, rng, reps);
      if (v.length >= min && v.length <= max) return v;
    }
    return sampleRegex(s.pattern, rng, 'min');
  }
  if (s.format === 'date-time') return new Date(rng.int(0, 4102444800000)).toISOString();
  const n = mode === 'boundary' ? (rng.chance(0.5) ? max : min) : rng.int(min, Math.min(max, min + 24));
  const alphabet = rng.pick(ALPHABETS);
  const chars: string[] = [];
  for (let i = 0; i < n; i++) chars.push(alphabet[rng.int(0, alphabet.length - 1)]!);
  return chars.join('').slice(0, n);
}

function numberOf(s: JsonSchema, rng: Rng, mode: Mode, integer: boolean): number {
  const lo = Math.max(s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : -1e6), -Number.MAX_SAFE_INTEGER);
  const hi = Math.min(s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : 1e6), Number.MAX_SAFE_INTEGER);
  if (mode === 'boundary') return rng.pick([lo, hi]);
  const small = rng.chance(0.7);
  const v = small ? lo + rng.next() * Math.min(hi - lo, 100) : lo + rng.next() * (hi - lo);
  return integer ? Math.min(hi, Math.max(lo, Math.round(v))) : v;
}

/** Values of the wrong type for a field of schema `s`. */
function wrongType(s: JsonSchema, rng: Rng): unknown {
  const t = types(s);
  const candidates: unknown[] = [null, true, 0, -1, 1.5, 'x', '', [], {}, [null], { x: 1 }];
  const wrong = candidates.filter((c) => {
    const ct = c === null ? 'null' : Array.isArray(c) ? 'array' : typeof c === 'object' ? 'object' : typeof c === 'number' ? 'number' : typeof c;
    return !t.includes(ct) && !(ct === 'number' && t.includes('integer'));
  });
  return rng.pick(wrong.length > 0 ? wrong : candidates);
}

/** Just outside the schema's edges. */
function outside(s: JsonSchema, rng: Rng, hints: Hints): unknown {
  const t = types(s);
  if (t.includes('string')) {
    const opts: string[] = [];
    if (s.maxLength !== undefined && s.maxLength < MAX_STRING) opts.push('a'.repeat(s.maxLength + 1));
    if (s.minLength !== undefined && s.minLength > 0) opts.push('a'.repeat(s.minLength - 1));
    if (s.pattern) opts.push(`${sampleRegex(s.pattern, rng)}/`, `./${sampleRegex(s.pattern, rng)}`, `${sampleRegex(s.pattern, rng)}\u0000`);
    if (s.enum) opts.push(`${String(rng.pick(s.enum))} `, String(rng.pick(s.enum)).toUpperCase());
    return opts.length > 0 ? rng.pick(opts) : rng.pick(HOSTILE_STRINGS);
  }
  if (t.includes('integer') || t.includes('number')) {
    const opts: number[] = [];
    if (s.minimum !== undefined) opts.push(s.minimum - 1, s.minimum - 0.5);
    if (s.maximum !== undefined) opts.push(s.maximum + 1, s.maximum + 0.5);
    if (t.includes('integer')) opts.push(1.5);
    return opts.length > 0 ? rng.pick(opts) : rng.pick(HOSTILE_NUMBERS);
  }
  if (t.includes('array')) {
    const item = s.items === false || s.items === undefined ? {} : s.items;
    if (s.maxItems !== undefined && s.maxItems < MAX_ITEMS) return Array.from({ length: s.maxItems + 1 }, () => allowed(item, rng, hints, 'valid'));
    return s.minItems ? [] : [wrongType(item, rng)];
  }
  if (t.includes('object')) return pollution(rng, objectOf(s, rng, hints, 'valid'));
  return wrongType(s, rng);
}

/** A hostile replacement for a field of schema `s`. */
export function hostileValue(s: JsonSchema, rng: Rng, hints: Hints): unknown {
  switch (rng.int(0, 6)) {
    case 0: return wrongType(s, rng);
    case 1: return outside(s, rng, hints);
    case 2: return rng.pick(HOSTILE_STRINGS);
    case 3: return hugeString(rng);
    case 4: return rng.pick(HOSTILE_NUMBERS);
    case 5: return rng.chance(0.5) ? nested(rng.pick([64, 1000])) : pollution(rng);
    default: return outside(s, rng, hints);
  }
}

/**
 * A hostile object for schema `s`: one field (or a nested one) replaced, a required field removed, unknown or
 * prototype-pollution keys added, or the whole value replaced.
 */
export function hostileObject(s: JsonSchema, rng: Rng, hints: Hints): unknown {
  const base = allowed(s, rng, hints, 'valid');
  if (typeof base !== 'object' || base === null || Array.isArray(base)) return hostileValue(s, rng, hints);
  const obj = base as Record<string, unknown>;
  const props = Object.entries(s.properties ?? {});
  const r = rng.int(0, 11);
  if (r <= 4 && props.length > 0) {
    const [k, sub] = rng.pick(props);
    obj[k] = rng.chance(0.8) ? hostileValue(sub, rng, hints) : hostileInside(sub, rng, hints);
    return obj;
  }
  if (r === 5 && (s.required?.length ?? 0) > 0) {
    delete obj[rng.pick(s.required!)];
    return obj;
  }
  if (r === 6) return { ...obj, [rng.pick(['extra', 'isAdmin', 'role', '$where', 'id '])]: rng.pick(HOSTILE_STRINGS) };
  if (r === 7) return pollution(rng, obj);
  if (r === 8 || r === 9) return nastyText(s, obj, rng);
  return hostileValue(s, rng, hints);
}

/** Characters a schema of free text lets through and a store may choke on: NUL, lone surrogates, controls, bidi. */
const NASTY_CHARS = ['\u0000', '\ud800', '\udc00', '\u0007', '\u001b[31m', '\u202e', '\ufffe', '\uffff'];

/**
 * A valid object whose free-text field (a string without pattern or enum) carries a nasty character, still within
 * its length: it passes the schema and reaches the handler and the store.
 */
function nastyText(s: JsonSchema, obj: Record<string, unknown>, rng: Rng): Record<string, unknown> {
  const free = Object.entries(s.properties ?? {}).filter(([, p]) => types(p).includes('string') && !p.pattern && !p.enum && !p.format);
  if (free.length === 0) return obj;
  const [k, p] = rng.pick(free);
  const base = typeof obj[k] === 'string' && (obj[k] as string).length > 0 ? (obj[k] as string) : 'abc';
  const bad = rng.pick(NASTY_CHARS);
  const max = p.maxLength ?? base.length + bad.length;
  const text = `${base.slice(0, Math.max(0, max - bad.length - 1))}${bad}x`.slice(0, max);
  return { ...obj, [k]: text.length >= (p.minLength ?? 0) ? text : `${text}${'a'.repeat((p.minLength ?? 0) - text.length)}` };
}

/** Hostile value inside an array or object field (one item or one nested field). */
function hostileInside(s: JsonSchema, rng: Rng, hints: Hints): unknown {
  const t = types(s);
  if (t.includes('array')) {
    const arr = allowed(s, rng, hints, 'valid');
    const item = s.items === false || s.items === undefined ? {} : s.items;
    const bad = types(item).includes('object') ? hostileObject(item, rng, hints) : hostileValue(item, rng, hints);
    return Array.isArray(arr) && arr.length > 0 ? [...arr.slice(1), bad] : [bad];
  }
  if (t.includes('object')) return hostileObject(s, rng, hints);
  return hostileValue(s, rng, hints);
}
