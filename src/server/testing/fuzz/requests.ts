/**
 * Requests of the API fuzzer for one route, from its zod schemas (via JSON Schema): valid, boundary and hostile
 * cases, each with the oracle's verdict — whether the route's own schemas accept the params, query and body as the
 * server will decode them (`schemaOk`). A request the schemas refuse must never get a 2xx.
 */
import { parse as parseQuery } from 'node:querystring';
import { z } from 'zod';
import type { RouteDoc } from '../../http.js';
import type { Rng } from './rng.js';
import { allowed, HOSTILE_STRINGS, hostileObject, hugeString, type Hints, type JsonSchema } from './values.js';

export type CaseKind = 'valid' | 'boundary' | 'hostile';

export interface FuzzCase {
  readonly kind: CaseKind;
  /** What was done to the request (valid, boundary, param, query, body, raw-body, no-csrf, bad-auth). */
  readonly mutation: string;
  readonly method: string;
  /** Path with its params (encoded) and query string. */
  readonly path: string;
  readonly body?: { readonly text: string; readonly contentType: string };
  /** Replace the caller's credentials with these headers (bad-auth). */
  readonly authHeaders?: Record<string, string>;
  readonly dropCsrf?: boolean;
  /** Whether the route's schemas accept this request as the server decodes it. */
  readonly schemaOk: boolean;
}

const toJson = (s: z.ZodType): JsonSchema => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
const schemaCache = new WeakMap<z.ZodType, JsonSchema>();
function jsonSchema(s: z.ZodType | undefined): JsonSchema | undefined {
  if (!s) return undefined;
  let js = schemaCache.get(s);
  if (!js) schemaCache.set(s, (js = toJson(s)));
  return js;
}

/** Path segments that fight the router and the file system, sent as they are (already encoded or not). */
const RAW_PARAMS: readonly string[] = [
  '..', '.', '%2e%2e', '..%2f..%2f..%2fetc%2fpasswd', '..%252f..%252fetc%252fpasswd', '%2e%2e%5c%2e%2e%5cwin.ini', '%00', 'a%00b', '%zz', '%',
  '%c0%ae%c0%ae', '%E2%80%AE', 'a'.repeat(101), 'a'.repeat(5000), '%20', 'x%0d%0aSet-Cookie:%20a=b', '__proto__', 'constructor', '%F0%9F%9A%93',
];

/** Raw bodies a JSON parser must refuse (or take as a harmless value), with their content type. */
function rawBody(rng: Rng): { text: string; contentType: string } {
  const choice = rng.int(0, 11);
  const json = 'application/json';
  switch (choice) {
    case 0: return { text: '{', contentType: json };
    case 1: return { text: '['.repeat(100_000), contentType: json };
    case 2: return { text: `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`, contentType: json };
    case 3: return { text: 'NaN', contentType: json };
    case 4: return { text: '{"a":1e999}', contentType: json };
    case 5: return { text: '', contentType: json };
    case 6: return { text: 'null', contentType: json };
    case 7: return { text: '{"x":1}', contentType: 'text/plain' };
    case 8: return { text: '\ufeff{}', contentType: json };
    case 9: return { text: `{"pad":"${'A'.repeat(5_000_000)}"}`, contentType: json };
    case 10: return { text: '{"__proto__":{"isAdmin":true},"a":1,"a":2}', contentType: json };
    default: return { text: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', contentType: 'application/xml' };
  }
}

/** encodeURIComponent that also sends lone surrogates (as their WTF-8 bytes: invalid UTF-8 on the wire). */
export function encodeLoose(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return Array.from(s, (ch) => {
      const u = ch.charCodeAt(0);
      if (ch.length === 1 && u >= 0xd800 && u <= 0xdfff) return [0xe0 | (u >> 12), 0x80 | ((u >> 6) & 0x3f), 0x80 | (u & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
      return encodeURIComponent(ch);
    }).join('');
  }
}

function queryString(q: unknown): string {
  if (q === undefined || q === null || typeof q !== 'object' || Array.isArray(q)) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(q as Record<string, unknown>)) {
    const vals = Array.isArray(v) ? v : [v];
    for (const x of vals) parts.push(`${encodeLoose(k)}=${encodeLoose(typeof x === 'object' && x !== null ? JSON.stringify(x) : String(x))}`);
  }
  return parts.join('&');
}

/** Hostile query strings the object form cannot say (duplicates, brackets, pollution keys, sizes). */
function rawQuery(rng: Rng, valid: string): string {
  return rng.pick([
    `${valid}&${valid}`, 'limit=1&limit=2', '__proto__[isAdmin]=1', 'constructor[prototype][x]=1', 'cameras[]=a&cameras[]=b', `x=${'A'.repeat(20_000)}`,
    'limit=NaN', 'limit=Infinity', 'from=-1', 'to=1e309', 'cursor=%00', 'cursor=eyJ4IjoxfQ', `cursor=${'A'.repeat(511)}`, 'limit=0x10', 'limit=%201',
    'q=%', 'kinds=plate.read,,violation', `cameras=${'a,'.repeat(1999)}`, 'plate=..%2F..%2Fetc', '&&&=&=', 'a=%E2%80%AE',
  ]);
}

/** Fills `:name` params in the URL. Returns the path and the decoded values the router will see (null: undecodable). */
function fillPath(url: string, params: Record<string, string>, raw: ReadonlySet<string>): { path: string; decoded: Record<string, string> | null } {
  let decoded: Record<string, string> | null = {};
  const path = url.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const v = params[name] ?? '';
    const sent = raw.has(name) ? v : encodeLoose(v);
    try {
      if (decoded) decoded[name] = decodeURIComponent(sent);
    } catch {
      decoded = null; // the router refuses a malformed escape
    }
    if (sent.length > 100 || sent === '' || sent === '.' || sent === '..') decoded = null; // router limit / path normalisation
    return sent;
  });
  return { path, decoded };
}

const zodOk = (s: z.ZodType | undefined, v: unknown): boolean => !s || s.safeParse(v).success;

function bodyOk(doc: RouteDoc, body: FuzzCase['body']): boolean {
  if (!doc.body) return true;
  if (!body) return zodOk(doc.body, undefined);
  if (body.contentType !== 'application/json') return false;
  try {
    return zodOk(doc.body, JSON.parse(body.text));
  } catch {
    return false;
  }
}

/** One request for `doc`: a valid one, one at the schema's edges, or a hostile one. */
export function makeCase(doc: RouteDoc, kind: CaseKind, rng: Rng, hints: Hints, sessionCaller: boolean): FuzzCase {
  const ps = jsonSchema(doc.params);
  const qs = jsonSchema(doc.query);
  const bs = jsonSchema(doc.body);
  const mode = kind === 'boundary' ? 'boundary' : 'valid';
  let params = (ps ? allowed(ps, rng, hints, mode) : {}) as Record<string, unknown>;
  let query = qs ? queryString(allowed(qs, rng, hints, mode)) : '';
  const bodyValue = bs ? allowed(bs, rng, hints, mode) : undefined;
  // A body field named like a path param takes its value (`PUT /api/sites/:id` with `{ id }`): the REST convention.
  if (bodyValue && typeof bodyValue === 'object' && !Array.isArray(bodyValue)) {
    for (const k of Object.keys(params)) if (k in (bs?.properties ?? {})) (bodyValue as Record<string, unknown>)[k] = params[k];
  }
  let body: FuzzCase['body'] = bs ? { text: JSON.stringify(bodyValue), contentType: 'application/json' } : undefined;
  const rawParams = new Set<string>();
  let mutation: string = kind;
  let authHeaders: Record<string, string> | undefined;
  let dropCsrf = false;
  if (kind === 'hostile') {
    const choices = ['query', 'raw-query', 'bad-auth', ...(ps ? ['param', 'param', 'raw-param'] : []), ...(bs ? ['body', 'body', 'body', 'raw-body'] : ['raw-body']), ...(sessionCaller && doc.method !== 'GET' ? ['no-csrf'] : [])];
    mutation = rng.pick(choices);
    if (mutation === 'param') {
      const name = rng.pick(Object.keys(params));
      params = { ...params, [name]: rng.chance(0.2) ? hugeString(rng).slice(0, 300) : rng.pick(HOSTILE_STRINGS) };
    } else if (mutation === 'raw-param') {
      const name = rng.pick(Object.keys(params));
      params = { ...params, [name]: rng.pick(RAW_PARAMS) };
      rawParams.add(name);
    } else if (mutation === 'query') query = queryString(hostileObject(qs ?? { type: 'object', properties: {} }, rng, hints));
    else if (mutation === 'raw-query') query = rawQuery(rng, query);
    else if (mutation === 'body') body = { text: JSON.stringify(hostileObject(bs!, rng, hints)) ?? 'null', contentType: 'application/json' };
    else if (mutation === 'raw-body') body = rawBody(rng);
    else if (mutation === 'no-csrf') dropCsrf = true;
    else authHeaders = rng.pick<Record<string, string>>([
      { authorization: `Bearer argus_${'A'.repeat(40)}` }, { authorization: 'Bearer ' }, { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` },
      { authorization: `Bearer argus_${'x'.repeat(5000)}` }, { cookie: 'argus_session=forged; argus_csrf=forged', 'x-csrf-token': 'forged' }, { cookie: `argus_session=${'%'.repeat(300)}` },
      { authorization: 'Bearer argus_\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000'.replace(/\u0000/g, '%00') },
    ]);
  }
  const { path, decoded } = fillPath(doc.url, Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])), rawParams);
  const schemaOk = decoded !== null && zodOk(doc.params, decoded) && zodOk(doc.query, { ...parseQuery(query) }) && bodyOk(doc, body) && mutation !== 'no-csrf' && mutation !== 'bad-auth';
  return {
    kind, mutation, method: doc.method, path: query ? `${path}?${query}` : path, schemaOk,
    ...(body && doc.method !== 'GET' ? { body } : {}), ...(authHeaders ? { authHeaders } : {}), ...(dropCsrf ? { dropCsrf } : {}),
  };
}
