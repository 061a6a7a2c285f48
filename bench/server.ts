/**
 * API benchmark: latency of the event list under 100 concurrent clients (a real server on a random port over
 * SQLite, signed-in admin session). `npx tsx bench/server.ts` (ARGUS_BENCH_API_MS, ARGUS_BENCH_API_CLIENTS).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildServer } from '../src/server/app.js';
import { createUser } from '../src/server/users.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';

export interface ApiLatency { clients: number; seconds: number; requests: number; requestsPerSec: number; p50Ms: number; p95Ms: number; p99Ms: number; maxMs: number; errors: number; events: number }

const pct = (sorted: number[], p: number): number => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0) * 100) / 100;

export async function eventListUnderLoad(opts: { clients?: number; durationMs?: number; events?: number } = {}): Promise<ApiLatency> {
  const clients = opts.clients ?? Number(process.env['ARGUS_BENCH_API_CLIENTS'] ?? 100);
  const durationMs = opts.durationMs ?? Number(process.env['ARGUS_BENCH_API_MS'] ?? 10_000);
  const nEvents = opts.events ?? 50_000;
  const dir = mkdtempSync(join(tmpdir(), 'argus-bench-api-'));
  const store = await openSqliteStore({ path: join(dir, 'argus.db') });
  const t0 = Date.UTC(2026, 0, 1);
  for (let b = 0; b < nEvents; b += 5000) {
    await store.insertEvents(Array.from({ length: Math.min(5000, nEvents - b) }, (_, i) => ({
      id: `E${String(b + i).padStart(10, '0')}`, cameraId: `cam-${(b + i) % 20}`, atMs: t0 + (b + i) * 1000, kind: 'line.cross', payload: { lineId: 'L1', cls: 'car' },
    })));
  }
  await createUser(store, { username: 'bench', password: 'bench-password', roles: ['admin'] });
  const server = await buildServer({ store, logger: false, startCameras: false, auth: { loginPerIpPerMin: 1000 } });
  const url = await server.listen(0);
  try {
    const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench', password: 'bench-password' }) });
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const latencies: number[] = [];
    let errors = 0;
    const end = performance.now() + durationMs;
    const paths = ['/api/events?limit=50', '/api/events?limit=50&cameras=cam-3,cam-7', '/api/events?limit=100&kinds=line.cross'];
    await Promise.all(Array.from({ length: clients }, async (_, c) => {
      let i = c;
      while (performance.now() < end) {
        const s = performance.now();
        const res = await fetch(url + paths[i++ % paths.length]!, { headers: { cookie } });
        await res.arrayBuffer();
        if (res.status !== 200) errors++;
        latencies.push(performance.now() - s);
      }
    }));
    latencies.sort((a, b) => a - b);
    return {
      clients, seconds: durationMs / 1000, requests: latencies.length, requestsPerSec: Math.round(latencies.length / (durationMs / 1000)),
      p50Ms: pct(latencies, 0.5), p95Ms: pct(latencies, 0.95), p99Ms: pct(latencies, 0.99), maxMs: pct(latencies, 1), errors, events: nEvents,
    };
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await eventListUnderLoad(), null, 2));
}
