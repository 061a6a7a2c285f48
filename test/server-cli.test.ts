import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TestClient } from '../src/server/testing/harness.js';
import { REPO_ROOT } from './assets.js';

/** The service as a user runs it: `argus users add`, `argus serve` (first admin from the environment), SIGTERM. */
const TSX = join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs');
const RUN = join(REPO_ROOT, 'src/cli/run.ts');
let dir = '';
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function argus(args: string[], env: Record<string, string> = {}, stdin?: string) {
  const child = spawn(process.execPath, [TSX, RUN, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  child.stdin.end(stdin ?? '');
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => out };
}

describe('argus serve and argus users', () => {
  it('creates the first admin from ARGUS_ADMIN_PASSWORD, serves the API and stops cleanly on SIGTERM', async () => {
    dir = await mkdtemp(join(tmpdir(), 'argus-cli-'));
    const s = argus(['serve', '--data', dir, '--port', '0'], { ARGUS_ADMIN_PASSWORD: 'first-admin-pass', ARGUS_LOG_LEVEL: 'info' });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = /Argus listening on (http:\/\/[\d.:]+)/.exec(s.output());
        if (m?.[1]) {
          clearInterval(timer);
          resolve(m[1]);
        }
      }, 100);
      void s.exited.then((code) => {
        clearInterval(timer);
        reject(new Error(`serve exited ${code}: ${s.output()}`));
      });
    });
    expect(s.output()).toContain('first admin created');
    const admin = await TestClient.login(url, 'admin', 'first-admin-pass');
    expect((await admin.get('/api/users')).body.items.map((u: { username: string }) => u.username)).toEqual(['admin']);
    const home = await fetch(`${url}/`);
    // The command centre when web/dist is built (npm test builds it), else a page saying it is not built.
    const uiBuilt = existsSync(join(REPO_ROOT, 'web/dist/index.html'));
    expect(await home.text()).toContain(uiBuilt ? 'Trung tâm chỉ huy' : 'web UI is not built');
    expect(home.headers.get('content-security-policy')).toContain("default-src 'self'");
    const t0 = Date.now();
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(s.output()).toContain('shutting down');

    const add = argus(['users', 'add', '--username', 'chief', '--role', 'supervisor', '--password-stdin', '--data', dir], {}, 'chief-password-1\n');
    expect(await add.exited).toBe(0);
    const weak = argus(['users', 'add', '--username', 'weak', '--role', 'viewer', '--password-stdin', '--data', dir], {}, 'short\n');
    expect(await weak.exited).toBe(1);
    expect(weak.output()).toContain('at least 10 characters');
    const list = argus(['users', 'list', '--data', dir]);
    expect(await list.exited).toBe(0);
    expect(list.output()).toMatch(/admin\tadmin\tactive\nchief\tsupervisor\tactive/);
    const verify = argus(['audit', 'verify', '--data', dir]);
    expect(await verify.exited).toBe(0);
    expect(verify.output()).toMatch(/audit log OK: [2-9]\d* entries/);
  }, 60_000);
});
