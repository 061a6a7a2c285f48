/**
 * Test harness of the service (tests only): a REAL server on a random port over a real store (SQLite in a temp
 * dir, or a throw-away PostgreSQL database), one user per role, and a small cookie-aware client. The server checks
 * every answer against its route's response schema (`checkResponses`), and `dispose` fails if one broke it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArgusConfig } from '../../config/schema.js';
import { createDatabase, dropDatabase } from '../../store/postgres/testing-db.js';
import type { Store } from '../../store/store.js';
import { buildServer, type ArgusServer, type ServerOptions } from '../app.js';
import { openServiceStore } from '../open-store.js';
import { ROLES, type Role } from '../rbac.js';
import { createUser } from '../users.js';

export const TEST_PASSWORD = 'test-password-123';

export interface TestServer {
  readonly server: ArgusServer;
  readonly store: Store;
  readonly url: string;
  readonly dataDir: string;
  /** PostgreSQL runs: the throw-away database's URL. */
  readonly databaseUrl?: string;
  /** Rewrites SQL in the same database (tamper tests). */
  exec(sqlText: string): Promise<void>;
  dispose(): Promise<void>;
}

/** `footageInDataDir`: recordings, evidence and crops under the server's own temporary data dir (`dataDir`). */
export async function startTestServer(dialect: 'sqlite' | 'postgres', opts: Partial<ServerOptions> & { config?: ArgusConfig; footageInDataDir?: boolean } = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'argus-server-'));
  let pgName: string | undefined;
  let databaseUrl: string | undefined;
  if (dialect === 'postgres') {
    const db = await createDatabase('argus_srv');
    pgName = db.name;
    databaseUrl = db.url;
  }
  const { store } = await openServiceStore({ dataDir, ...(databaseUrl ? { databaseUrl } : {}) }, {});
  for (const role of ROLES) await createUser(store, { username: role, password: TEST_PASSWORD, roles: [role] });
  const { footageInDataDir, ...serverOpts } = opts;
  // ONVIF discovery probes loopback only: a test never multicasts on the machine's real networks.
  const server = await buildServer({ store, logger: false, startCameras: false, webRoot: join(dataDir, 'no-ui'), checkResponses: true, onvif: { interfaces: ['127.0.0.1'], requestTimeoutMs: 2000 }, ...(footageInDataDir ? { footage: { dataDir } } : {}), ...serverOpts });
  const url = await server.listen(0);
  const exec = async (sqlText: string): Promise<void> => {
    const s = store as unknown as { connection?: { exec(t: string): void }; pool?: { query(t: string): Promise<unknown> } };
    if (s.connection) s.connection.exec(sqlText);
    else await s.pool!.query(sqlText);
  };
  return {
    server, store, url, dataDir, exec, ...(databaseUrl ? { databaseUrl } : {}),
    async dispose() {
      await server.close();
      if (pgName) await dropDatabase(pgName);
      await rm(dataDir, { recursive: true, force: true });
      assertContractKept(server);
    },
  };
}

/**
 * Fails when the server sent an answer that its route's response schema refused (src/contract): each such answer was
 * already replaced by a 500 `response_contract`; this catches the tests that did not look at the status.
 */
export function assertContractKept(server: ArgusServer): void {
  const failures = server.ctx.router.check?.failures ?? [];
  if (failures.length > 0) throw new Error(`${failures.length} answer(s) broke the API contract (src/contract):\n${failures.slice(0, 10).join('\n')}`);
}

export interface Reply {
  readonly status: number;
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly headers: Headers;
}

/** A signed-in (or anonymous) HTTP client: keeps the session cookie and sends the CSRF header. */
export class TestClient {
  cookie = '';
  csrf = '';
  bearer = '';
  constructor(readonly base: string) {}

  static async login(base: string, username: Role | string, password = TEST_PASSWORD): Promise<TestClient> {
    const c = new TestClient(base);
    const r = await c.post('/api/auth/login', { username, password });
    if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.body)}`);
    return c;
  }

  async request(method: string, path: string, body?: unknown, init: { raw?: string; headers?: Record<string, string>; csrf?: boolean } = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.cookie) headers['cookie'] = this.cookie;
    if (this.bearer) headers['authorization'] = `Bearer ${this.bearer}`;
    if (this.csrf && init.csrf !== false && method !== 'GET') headers['x-csrf-token'] = this.csrf;
    const payload = init.raw ?? (body === undefined ? undefined : JSON.stringify(body));
    if (payload !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(this.base + path, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
    const setCookies = res.headers.getSetCookie();
    for (const sc of setCookies) {
      const [pair] = sc.split(';');
      const [name, value] = (pair ?? '').split('=');
      if (name === 'argus_session') this.cookie = value ? `argus_session=${value}` : '';
      if (name === 'argus_csrf') this.csrf = value ?? '';
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text; // not JSON (HTML page): keep the text
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  get(path: string): Promise<Reply> {
    return this.request('GET', path);
  }
  post(path: string, body?: unknown): Promise<Reply> {
    return this.request('POST', path, body);
  }
}
