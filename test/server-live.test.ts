import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from '../src/core/ids.js';
import type { PlateReadEvent } from '../src/core/plate.js';
import { sha256 } from '../src/server/auth.js';
import { startTestServer, TestClient, type TestServer } from '../src/server/testing/harness.js';
import { ADMIN_URL } from '../src/store/postgres/testing-db.js';
import { sse, waitFor, type SseStream } from './sse-client.js';

/**
 * The live push over real HTTP streaming against the real server: a stream ends with the session, user, roles or
 * scope that opened it, and carries plate text only to those whose role reads plates.
 */
async function postgresUp(): Promise<boolean> {
  const c = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false; // no PostgreSQL here: the SQLite run still covers the live push
  }
}
const dialects: Array<'sqlite' | 'postgres'> = (await postgresUp()) ? ['sqlite', 'postgres'] : ['sqlite'];

const PASSWORD = 'live-password-123';
const T0 = Date.UTC(2026, 10, 20, 8, 0, 0);

/** Whether the service ends the stream within `ms` (the client never closes it itself here). */
const endsWithin = (s: SseStream, ms: number): Promise<boolean> =>
  Promise.race([s.ended.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

const endReason = (s: SseStream): string | undefined => s.messages.findLast((m) => m.event === 'end')?.data.reason;

async function seed(t: TestServer): Promise<void> {
  await t.store.upsertSite({ id: 'danang', name: 'Đà Nẵng', timeZone: 'Asia/Ho_Chi_Minh', district: null, ward: null, location: null });
  for (const [id, district] of [['cam-a', 'Hải Châu'], ['cam-b', 'Sơn Trà']] as const) {
    await t.store.upsertCamera({
      id, siteId: 'danang', name: id, kind: 'intersection', url: `rtsp://10.0.0.1/${id}`, enabled: true, location: { lat: 16, lng: 108 },
      zones: { area: { district } }, rules: [], updatedAtMs: T0,
    });
  }
}

const plateRead = (cameraId: string, plate: string, display: string): PlateReadEvent => ({
  id: ulid(), cameraId, atMs: Date.now(), ptsSec: 1, kind: 'plate.read', trackId: 4, cls: 'motorcycle', reads: 3, direction: 'neg',
  read: { plate, display, confidence: 0.91, category: 'private', lines: [plate.slice(0, 4), plate.slice(4)] },
});

describe.each(dialects)('the live push over %s', (dialect) => {
  let t: TestServer;
  let admin: TestClient;
  const open: SseStream[] = [];
  const stream = (c: TestClient): SseStream => {
    const s = sse(`${t.url}/api/live`, c.cookie);
    open.push(s);
    return s;
  };
  const newUser = async (username: string, roles: string[], scope = {}): Promise<{ id: string; client: TestClient }> => {
    const u = await admin.post('/api/users', { username, password: PASSWORD, roles, scope });
    expect(u.status).toBe(200);
    return { id: u.body.id, client: await TestClient.login(t.url, username, PASSWORD) };
  };

  beforeAll(async () => {
    // No timer re-check here (an hour): a stream that ends in these tests was ended by the route that changed things.
    t = await startTestServer(dialect, { live: { recheckMs: 3_600_000 } });
    await seed(t);
    admin = await TestClient.login(t.url, 'admin');
  }, 60_000);
  afterAll(async () => {
    for (const s of open) s.close();
    await t?.dispose();
  });

  it('ends a stream at once when its session logs out', async () => {
    const { client } = await newUser('lo-viewer', ['viewer']);
    const other = stream(await TestClient.login(t.url, 'viewer'));
    const s = stream(client);
    expect([await s.status, await other.status]).toEqual([200, 200]);
    expect((await client.post('/api/auth/logout')).status).toBe(200);
    expect(await endsWithin(s, 1500)).toBe(true);
    expect(endReason(s)).toBe('session_ended');
    expect(await endsWithin(other, 300)).toBe(false); // another session's stream goes on
  });

  const edits: ReadonlyArray<readonly [what: string, edit: (id: string) => Promise<{ status: number }>, reason: string]> = [
    ['disabling the user', (id) => admin.request('PATCH', `/api/users/${id}`, { disabled: true }), 'session_ended'],
    ['changing the roles', (id) => admin.request('PATCH', `/api/users/${id}`, { roles: ['viewer'] }), 'session_ended'],
    ['narrowing the scope', (id) => admin.request('PATCH', `/api/users/${id}`, { scope: { districts: ['Sơn Trà'] } }), 'user_changed'],
    ['deleting the user', (id) => admin.request('DELETE', `/api/users/${id}`), 'session_ended'],
  ];
  it.each(edits)('ends a stream at once after %s', async (what, edit, reason) => {
    const { id, client } = await newUser(`u${ulid().slice(-8).toLowerCase()}`, ['investigator']);
    const bystander = stream(await TestClient.login(t.url, 'investigator'));
    const s = stream(client);
    expect([await s.status, await bystander.status]).toEqual([200, 200]);
    expect((await edit(id)).status, what).toBe(200);
    expect(await endsWithin(s, 1500), what).toBe(true);
    expect(endReason(s)).toBe(reason);
    expect(await endsWithin(bystander, 300)).toBe(false);
  });

  it('reopens a narrowed stream with the new scope only', async () => {
    const { id, client } = await newUser('narrowed', ['investigator']);
    const before = stream(client);
    expect(await before.status).toBe(200);
    await admin.request('PATCH', `/api/users/${id}`, { scope: { districts: ['Sơn Trà'] } });
    expect(await endsWithin(before, 1500)).toBe(true);
    // The session survives a scope change; the browser reconnects and now sees only Sơn Trà.
    const after = stream(client);
    expect(await after.status).toBe(200);
    const a = plateRead('cam-a', '43A55501', '43A-555.01');
    const b = plateRead('cam-b', '43A55502', '43A-555.02');
    await t.server.ctx.ingest.handleMany([a, b]);
    await waitFor('the Sơn Trà plate read', () => after.messages.some((m) => m.event === 'event' && m.data.id === b.id), 5000);
    expect(after.messages.some((m) => m.event === 'event' && m.data.id === a.id)).toBe(false);
    expect(after.raw()).not.toContain('43A55501');
  });

  it("never carries plate text on a viewer's stream, while an investigator's carries it (a real plate read through the ingest)", async () => {
    const viewer = stream(await TestClient.login(t.url, 'viewer'));
    const operator = stream(await TestClient.login(t.url, 'operator'));
    const investigator = stream(await TestClient.login(t.url, 'investigator'));
    for (const s of [viewer, operator, investigator]) expect(await s.status).toBe(200);
    const read = plateRead('cam-b', '92B12345', '92-B1 123.45');
    await t.server.ctx.ingest.handle(read);
    for (const s of [viewer, operator, investigator]) await waitFor('the plate read on every stream', () => s.messages.some((m) => m.event === 'event' && m.data.id === read.id), 5000);
    const got = (s: SseStream) => s.messages.find((m) => m.event === 'event' && m.data.id === read.id)!.data;
    expect(got(investigator).read).toMatchObject({ plate: '92B12345', display: '92-B1 123.45' });
    for (const s of [viewer, operator]) {
      expect(got(s)).toEqual({ id: read.id, cameraId: 'cam-b', atMs: read.atMs, ptsSec: 1, kind: 'plate.read', trackId: 4, cls: 'motorcycle', direction: 'neg', reads: 3, redacted: true });
      expect(s.raw()).not.toMatch(/92B1|123\.45|12345/);
    }
    // Opening a stream that may carry plates is audited (investigator, and operator for violation plates); a viewer's is not.
    const rows = (await t.store.listAudit({ action: 'plate.view', limit: 1000 })).items.filter((a) => (a.details as { via?: string }).via === 'live');
    const who = new Set(rows.map((a) => (a.details as { username: string }).username));
    expect(who.has('investigator') && who.has('operator')).toBe(true);
    expect(who.has('viewer')).toBe(false);
  });
});

describe.each(dialects)('the live push re-check over %s', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(dialect, { live: { recheckMs: 200 }, auth: { idleTimeoutMs: 2000 } });
  }, 60_000);
  afterAll(async () => {
    await t?.dispose();
  });

  it('ends a stream whose session was removed behind the service (another process), at the next re-check', async () => {
    const c = await TestClient.login(t.url, 'viewer');
    const s = sse(`${t.url}/api/live`, c.cookie);
    expect(await s.status).toBe(200);
    expect(await t.store.deleteSession(sha256(c.cookie.slice('argus_session='.length)))).toBe(true);
    expect(await endsWithin(s, 1500)).toBe(true);
    expect(endReason(s)).toBe('session_ended');
  });

  it('ends a stream whose session went idle (a stream alone does not keep a session alive)', async () => {
    const c = await TestClient.login(t.url, 'operator');
    const s = sse(`${t.url}/api/live`, c.cookie);
    expect(await s.status).toBe(200);
    expect(await endsWithin(s, 1000)).toBe(false);
    expect(await endsWithin(s, 3000)).toBe(true);
    expect(endReason(s)).toBe('session_ended');
    expect((await c.get('/api/auth/me')).status).toBe(401);
  });
});
