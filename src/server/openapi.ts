/**
 * OpenAPI 3.1 from the routes' own zod schemas: the ones that validate requests, and the response schemas of
 * src/contract that the tests check every answer against. Named shared schemas (`.meta({ id })`, e.g. JsonValue)
 * become `components.schemas`.
 */
import { z } from 'zod';
import { apiError } from '../contract/common.js';
import type { OpenApiDocument } from '../contract/system.js';
import type { RouteDoc } from './http.js';
import { isJsonResponse } from './response-check.js';

type Json = Record<string, unknown>;

/** A route's schema as JSON Schema; its `$defs` move to `components` (shared by name) and its refs follow them. */
function toSchema(s: z.ZodType, io: 'input' | 'output', components: Record<string, unknown>): Json {
  const { $schema: _s, $defs, ...schema } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Json & { $defs?: Record<string, unknown> };
  const renamed = new Map<string, string>();
  for (const [name, def] of Object.entries($defs ?? {})) {
    let key = name;
    for (let i = 2; key in components && JSON.stringify(components[key]) !== JSON.stringify(def); i++) key = `${name}_${i}`;
    renamed.set(name, key);
  }
  const rewrite = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(rewrite);
    if (v === null || typeof v !== 'object') return v;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === '$ref' && typeof x === 'string' && x.startsWith('#/$defs/') ? `#/components/schemas/${renamed.get(x.slice(8)) ?? x.slice(8)}` : rewrite(x)]));
  };
  for (const [name, def] of Object.entries($defs ?? {})) components[renamed.get(name)!] = rewrite(def);
  return rewrite(schema) as Json;
}

function parameters(s: z.ZodType | undefined, where: 'path' | 'query', components: Record<string, unknown>): unknown[] {
  if (!s) return [];
  const js = toSchema(s, 'input', components) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, schema]) => ({
    name, in: where, required: where === 'path' || (js.required ?? []).includes(name),
    ...(typeof schema.description === 'string' ? { description: schema.description } : {}), schema,
  }));
}

const ERROR = { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };

export function buildOpenApi(routes: readonly RouteDoc[]): OpenApiDocument {
  const components: Record<string, unknown> = {};
  components['Error'] = toSchema(apiError, 'output', components);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z]+)/g, '{$1}');
    const ok = isJsonResponse(r.response)
      ? { description: 'OK', content: { 'application/json': { schema: toSchema(r.response, 'output', components) } } }
      : { description: r.response.description, content: Object.fromEntries(r.response.contentTypes.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])) };
    const op: Record<string, unknown> = {
      summary: r.summary,
      tags: [r.tag],
      'x-permission': r.permission,
      parameters: [...parameters(r.params, 'path', components), ...parameters(r.query, 'query', components)],
      responses: { 200: ok, 400: ERROR, 401: ERROR, 403: ERROR, 404: ERROR },
      ...(r.permission === 'public' ? { security: [] } : {}),
    };
    if (r.body) op.requestBody = { required: true, content: { 'application/json': { schema: toSchema(r.body, 'input', components) } } };
    (paths[path] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Argus API', version: '0.1.0', description: 'Camera network analytics. Cookie session (+ x-csrf-token on state changes) or Bearer API key.' },
    components: {
      schemas: components,
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'argus_session' },
        apiKey: { type: 'http', scheme: 'bearer' },
      },
    },
    security: [{ session: [] }, { apiKey: [] }],
    paths,
  };
}
