/** OpenAPI 3.1 from the routes' own zod schemas (the ones that validate requests). */
import { z } from 'zod';
import type { RouteDoc } from './http.js';

const toSchema = (s: z.ZodType): Record<string, unknown> =>
  z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;

function parameters(s: z.ZodType | undefined, where: 'path' | 'query'): unknown[] {
  if (!s) return [];
  const js = toSchema(s) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, schema]) => ({
    name, in: where, required: where === 'path' || (js.required ?? []).includes(name),
    ...(typeof schema.description === 'string' ? { description: schema.description } : {}), schema,
  }));
}

const ERROR = {
  description: 'Error',
  content: { 'application/json': { schema: { type: 'object', properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } }, required: ['code', 'message'] } }, required: ['error'] } } },
};

export function buildOpenApi(routes: readonly RouteDoc[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z]+)/g, '{$1}');
    const op: Record<string, unknown> = {
      summary: r.summary,
      tags: [r.tag],
      'x-permission': r.permission,
      parameters: [...parameters(r.params, 'path'), ...parameters(r.query, 'query')],
      responses: { 200: { description: 'OK' }, 400: ERROR, 401: ERROR, 403: ERROR, 404: ERROR },
      ...(r.permission === 'public' ? { security: [] } : {}),
    };
    if (r.body) op.requestBody = { required: true, content: { 'application/json': { schema: toSchema(r.body) } } };
    (paths[path] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Argus API', version: '0.1.0', description: 'Camera network analytics. Cookie session (+ x-csrf-token on state changes) or Bearer API key.' },
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'argus_session' },
        apiKey: { type: 'http', scheme: 'bearer' },
      },
    },
    security: [{ session: [] }, { apiKey: [] }],
    paths,
  };
}
