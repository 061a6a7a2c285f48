import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { content, ok } from '../contract/common.js';
import { installErrorHandler, Router } from './http.js';
import { sendFileRange } from './range.js';
import { ResponseCheck } from './response-check.js';

/** Asks `url` over a real socket for `range` and drops the connection after the first bytes; resolves with how many came. */
function dropAfterFirstBytes(url: string, range: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { range } }, (res) => {
      res.once('data', (chunk: Buffer) => {
        req.destroy();
        resolve(chunk.length);
      });
    });
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? undefined : reject(e)));
    req.end();
  });
}

/** Asks `url` with a range and drops the connection before any answer. */
async function dropBeforeAnswer(url: string): Promise<void> {
  const req = request(url, { headers: { range: 'bytes=0-' } });
  req.on('error', () => undefined);
  req.end();
  await new Promise((res) => setTimeout(res, 100));
  req.destroy();
}

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

  it('sends nothing more on a file request the client dropped, mid-file or before the file was sent: never the JSON default', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'argus-rc-'));
    try {
      const file = join(dir, 'clip.mp4');
      await writeFile(file, Buffer.alloc(64 << 20, 7));
      const check = new ResponseCheck();
      app = Fastify({ logger: false });
      installErrorHandler(app);
      const r = new Router(app, check);
      let ended = 0;
      const clip = content('video/mp4', 'a clip');
      const gone = async (req: { socket: { destroyed: boolean } }): Promise<void> => {
        while (!req.socket.destroyed) await new Promise((res) => setTimeout(res, 10));
      };
      // As the file routes do: the reply sendFileRange returns resolves once the response is over (whole or cut off).
      r.add({ method: 'GET', url: '/clip', tag: 't', permission: 'public', summary: 's', response: clip, handler: async ({ req, reply }) => {
        await sendFileRange(req, reply, file, 'video/mp4');
        ended++;
      } });
      // The client gave up while the file was being prepared (a blurred copy takes seconds): sent to a closed socket.
      r.add({ method: 'GET', url: '/late', tag: 't', permission: 'public', summary: 's', response: clip, handler: async ({ req, reply }) => {
        await gone(req);
        await sendFileRange(req, reply, file, 'video/mp4');
        ended++;
      } });
      // ... or noticed it and returns the reply unsent, as the evidence file route does.
      r.add({ method: 'GET', url: '/unsent', tag: 't', permission: 'public', summary: 's', response: clip, handler: async ({ req, reply }) => {
        await gone(req);
        ended++;
        return reply;
      } });
      // A request whose body was read whole (its stream ended, and so destroyed) is not a client gone: it gets its answer.
      r.add({ method: 'POST', url: '/note', tag: 't', permission: 'public', summary: 's', body: z.strictObject({ n: z.number() }), response: ok, handler: async () => undefined as never });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      for (const range of ['bytes=0-', 'bytes=1000-']) expect(await dropAfterFirstBytes(`${base}/clip`, range)).toBeGreaterThan(0);
      for (const path of ['/late', '/unsent']) await dropBeforeAnswer(`${base}${path}`);
      await expect.poll(() => ended, { timeout: 5000 }).toBe(4);
      await new Promise((res) => setTimeout(res, 300));
      expect(check.failures).toEqual([]);
      const note = await fetch(`${base}/note`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ n: 1 }) });
      expect([note.status, await note.json()]).toEqual([200, { ok: true }]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('checks nothing without a check (production)', async () => {
    app = await appWith(undefined);
    expect((await app.inject('/extra')).json()).toEqual({ id: 'a', n: 1, secret: 'x' });
  });
});
