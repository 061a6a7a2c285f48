import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { content, ok } from '../contract/common.js';
import { installErrorHandler, Router } from './http.js';
import { ResponseCheck } from './response-check.js';

/** A fastify app with the Router and routes that answer well or not, over real HTTP (inject) with the check on or off. */
async function appWith(check: ResponseCheck | undefined): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  installErrorHandler(app);
  const r = new Router(app, check);
  const thing = z.strictObject({ id: z.string(), n: z.number() });
  const extra: Record<string, unknown> = { id: 'a', n: 1, secret: 'x' };
  r.add({ method: 'GET', url: '/good', tag: 't', permission: 'public', summary: 's', response: thing, handler: async () => ({ id: 'a', n: 1 }) });
  // A field the schema does not list (the compiler cannot see it through a wider type): refused at run time.
  r.add({ method: 'GET', url: '/extra', tag: 't', permission: 'public', summary: 's', response: thing, handler: async () => extra as { id: string; n: number } });
  r.add({ method: 'GET', url: '/ok', tag: 't', permission: 'public', summary: 's', response: ok, handler: async () => undefined as never });
  r.add({ method: 'GET', url: '/file', tag: 't', permission: 'public', summary: 's', response: content('image/jpeg', 'a picture'), handler: async ({ reply }) => reply.type('image/jpeg').send(Buffer.from([0xff, 0xd8])) });
  r.add({ method: 'GET', url: '/file-as-json', tag: 't', permission: 'public', summary: 's', response: content('image/jpeg', 'a picture'), handler: async () => ({ id: 'a' }) });
  r.add({ method: 'GET', url: '/text', tag: 't', permission: 'public', summary: 's', response: thing, handler: async ({ reply }) => reply.type('text/plain').send('id=a') });
  r.add({ method: 'GET', url: '/bad-error', tag: 't', permission: 'public', summary: 's', response: thing, handler: async ({ reply }) => reply.status(400).send({ problem: 'no code' }) });
  r.add({ method: 'GET', url: '/error', tag: 't', permission: 'public', summary: 's', response: thing, handler: async ({ reply }) => reply.status(404).send({ error: { code: 'not_found', message: 'gone' } }) });
  await app.ready();
  return app;
}

describe('the response check (buildServer checkResponses)', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
  });

  it('passes answers that match their route, and the default { ok: true }', async () => {
    const check = new ResponseCheck();
    app = await appWith(check);
    expect((await app.inject('/good')).json()).toEqual({ id: 'a', n: 1 });
    expect((await app.inject('/ok')).json()).toEqual({ ok: true });
    expect((await app.inject('/file')).statusCode).toBe(200);
    expect((await app.inject('/error')).statusCode).toBe(404);
    expect(check.failures).toEqual([]);
  });

  it('turns an answer with a field the contract does not name into a 500 that names the route and the field, and keeps it', async () => {
    const check = new ResponseCheck();
    app = await appWith(check);
    const res = await app.inject('/extra');
    expect(res.statusCode).toBe(500);
    expect(res.json().error.code).toBe('response_contract');
    expect(res.json().error.message).toContain('GET /extra 200');
    expect(res.body).not.toContain('"secret":"x"');
    expect(check.failures).toEqual([expect.stringMatching(/^GET \/extra 200: .*Unrecognized key: "secret"/)]);
  });

  it('refuses JSON from a file route, a file type from a JSON route, and an error body without code and message', async () => {
    const check = new ResponseCheck();
    app = await appWith(check);
    expect((await app.inject('/file-as-json')).statusCode).toBe(500);
    expect((await app.inject('/text')).statusCode).toBe(500);
    expect((await app.inject('/bad-error')).statusCode).toBe(500);
    expect(check.failures.map((f) => f.split(':')[0])).toEqual(['GET /file-as-json 200', 'GET /text 200', 'GET /bad-error 400']);
  });

  it('checks nothing without a check (production)', async () => {
    app = await appWith(undefined);
    expect((await app.inject('/extra')).json()).toEqual({ id: 'a', n: 1, secret: 'x' });
  });
});
