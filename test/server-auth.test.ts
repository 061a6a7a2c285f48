import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../src/server/passwords.js';
import { startTestServer, TestClient, type TestServer } from '../src/server/testing/harness.js';
import { substituteEnv } from '../src/server/config.js';
import { csvCell } from '../src/server/routes/events.js';

describe('passwords', () => {
  it('are scrypt hashes with a per-user salt that verify only the right password', async () => {
    const a = await hashPassword('mật khẩu rất dài');
    const b = await hashPassword('mật khẩu rất dài');
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('mật khẩu rất dài', a)).toBe(true);
    expect(await verifyPassword('mật khẩu rất dàj', a)).toBe(false);
    expect(await verifyPassword('x', 'not-a-hash')).toBe(false);
  });
});

describe('sessions and login throttling', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer('sqlite', { auth: { idleTimeoutMs: 600, loginPerIpPerMin: 12 } });
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('ends a session left idle longer than the idle timeout', async () => {
    const c = await TestClient.login(t.url, 'viewer');
    expect((await c.get('/api/auth/me')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 900));
    const after = await c.get('/api/auth/me');
    expect(after.status).toBe(401);
    expect(await t.store.listUsers()).toHaveLength(7);
  });

  it('throttles logins per address whatever the username', async () => {
    const c = new TestClient(t.url);
    const codes: number[] = [];
    for (let i = 0; i < 14; i++) codes.push((await c.post('/api/auth/login', { username: `nobody${i}`, password: 'wrong-password' })).status);
    expect(codes.filter((s) => s === 429).length).toBeGreaterThanOrEqual(2);
    expect(codes.slice(0, 10).every((s) => s === 401)).toBe(true);
  });
});

describe('config substitution', () => {
  it('replaces ${VAR} and ${VAR:-default} and names unset variables', () => {
    expect(substituteEnv('a: ${X}/v.mp4\nb: ${Y:-/d}', { X: '/assets' })).toBe('a: /assets/v.mp4\nb: /d');
    expect(() => substituteEnv('a: ${NOPE}', {})).toThrow(/NOPE/);
  });
});

describe('CSV cells', () => {
  it('quote separators and neutralise spreadsheet formulas', () => {
    expect(csvCell('43A-123.45')).toBe('43A-123.45');
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('-1+2')).toBe("'-1+2");
  });
});
