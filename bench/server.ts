/**
 * API benchmark (`ARGUS_BENCH=api npm run -s bench`, or `npx tsx bench/server.ts`): the real service in a SEPARATE
 * process (`argus serve` over SQLite seeded with 100 000 events), loaded by autocannon from this one:
 * - `GET /api/events?limit=50` with a signed-in session, 100 connections, 10 s: p50/p95/p99 latency, requests/s;
 * - `POST /api/ingest/sightings` with an API key, batches of 100 plate reads: sightings/s acknowledged (each answer
 *   comes after the commit) and the count actually stored.
 * Knobs: ARGUS_BENCH_API_S (seconds per run, default 10), ARGUS_BENCH_API_CLIENTS (default 100),
 * ARGUS_BENCH_API_EVENTS (default 100 000).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { newApiKey } from '../src/server/auth.js';
import { createUser } from '../src/server/users.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import { startServeProcess } from './serve-process.js';

/** The few autocannon calls used here (the package ships no types). */
interface Cannon {
  on(event: 'response', fn: (client: unknown, status: number, bytes: number, ms: number) => void): void;
  on(event: 'done', fn: (result: { errors: number; timeouts: number; non2xx: number; '2xx': number; duration: number }) => void): void;
}
type CannonRequest = { method: string; path: string; setupRequest?: (req: Record<string, unknown>) => Record<string, unknown> };
const autocannon = createRequire(import.meta.url)('autocannon') as (opts: {
  url: string; connections: number; duration: number; headers?: Record<string, string>; requests?: CannonRequest[]; method?: string;
}) => Cannon;

export interface LatencyFigures {
  connections: number; seconds: number; requests: number; requestsPerSec: number; p50Ms: number; p95Ms: number; p99Ms: number; maxMs: number;
  non2xx: number; errors: number;
}
export interface ApiBench {
  store: 'sqlite'; seededEvents: number; serverProcess: string; logLevel: string; loadAvgBefore: number;
  eventList: LatencyFigures & { path: string };
  ingest: LatencyFigures & { batchSize: number; sightingsPerSec: number; acknowledged: number; stored: number };
}


const pct = (sorted: number[], p: number): number => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0) * 100) / 100;

/** Runs autocannon and measures every response's latency itself (autocannon's own table has no p95). */
async function load(opts: Parameters<typeof autocannon>[0]): Promise<LatencyFigures> {
  const latencies: number[] = [];
  const inst = autocannon(opts);
  inst.on('response', (_c, _status, _bytes, ms) => void latencies.push(ms));
  const r = await new Promise<{ errors: number; timeouts: number; non2xx: number; duration: number }>((done) => inst.on('done', done));
  latencies.sort((a, b) => a - b);
  return {
    connections: opts.connections, seconds: opts.duration, requests: latencies.length, requestsPerSec: Math.round(latencies.length / r.duration),
    p50Ms: pct(latencies, 0.5), p95Ms: pct(latencies, 0.95), p99Ms: pct(latencies, 0.99), maxMs: pct(latencies, 1), non2xx: r.non2xx, errors: r.errors + r.timeouts,
  };
}

export async function benchApi(): Promise<ApiBench> {
  const seconds = Number(process.env['ARGUS_BENCH_API_S'] ?? 10);
  const connections = Number(process.env['ARGUS_BENCH_API_CLIENTS'] ?? 100);
  const nEvents = Number(process.env['ARGUS_BENCH_API_EVENTS'] ?? 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'argus-bench-api-'));
  const dbPath = join(dir, 'argus.db');
  const key = newApiKey();
  {
    const store = await openSqliteStore({ path: dbPath });
    const t0 = Date.UTC(2026, 0, 1);
    const kinds = ['line.cross', 'line.cross', 'line.cross', 'plate.read', 'violation'];
    for (let b = 0; b < nEvents; b += 5000) {
      await store.insertEvents(Array.from({ length: Math.min(5000, nEvents - b) }, (_, i) => {
        const n = b + i;
        return { id: `E${String(n).padStart(10, '0')}`, cameraId: `cam-${n % 50}`, atMs: t0 + n * 1000, kind: kinds[n % kinds.length]!, payload: { lineId: 'L1', cls: 'car', trackId: n } };
      }));
    }
    const owner = await createUser(store, { username: 'bench', password: 'bench-password', roles: ['admin'] });
    // An ingest key is tied to its cameras, which must exist; it lives while its owner does.
    const edges = Array.from({ length: 20 }, (_, i) => `edge-${i}`);
    await store.upsertSite({ id: 'bench', name: 'Bench', timeZone: 'Asia/Ho_Chi_Minh', district: null, ward: null, location: null });
    for (const id of edges) await store.upsertCamera({ id, siteId: 'bench', name: id, kind: 'gateway', url: 'rtsp://127.0.0.1/none', enabled: false, location: null, zones: {}, rules: [], updatedAtMs: Date.now() });
    await store.createApiKey({
      id: key.id, name: 'bench edge', keyHash: key.keyHash, prefix: key.prefix, scopes: ['ingest.write'], scope: { cameraIds: edges }, rateLimitPerMin: 10_000_000,
      ownerUserId: owner.id, createdAtMs: Date.now(), expiresAtMs: Date.now() + 86_400_000, revokedAtMs: null, lastUsedMs: null,
    });
    await store.close();
  }
  const logLevel = process.env['ARGUS_LOG_LEVEL'] ?? 'info';
  const loadAvgBefore = Math.round(loadavg()[0]! * 100) / 100;
  const svc = await startServeProcess({ serveArgs: ['--data', dir], env: { ARGUS_LOG_LEVEL: logLevel, ARGUS_DATABASE_URL: '' } });
  try {
    const login = await fetch(`${svc.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench', password: 'bench-password' }) });
    if (login.status !== 200) throw new Error(`login: ${login.status}`);
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const path = '/api/events?limit=50';
    const probe = await fetch(svc.url + path, { headers: { cookie } });
    const page = (await probe.json()) as { items: unknown[] };
    if (probe.status !== 200 || page.items.length !== 50) throw new Error(`events probe: ${probe.status}`);
    const eventList = { path, ...(await load({ url: svc.url + path, connections, duration: seconds, headers: { cookie } })) };

    const batchSize = 100;
    const benchStartMs = Date.now(); // reads must be recent: the ingest refuses them days old or in the future
    let seq = 0;
    const body = (): string => {
      const b = seq++;
      return JSON.stringify({ sightings: Array.from({ length: batchSize }, (_, i) => ({
        id: `bench-${b}-${i}`, cameraId: `edge-${i % 20}`, atMs: benchStartMs - 3_600_000 + b * 10 + i,
        plate: `${10 + (i % 89)}A${String(10000 + ((b * batchSize + i) * 7919) % 90000)}`, confidence: 0.9,
      })) });
    };
    const ingestConnections = Math.min(connections, 16);
    const ing = await load({
      url: svc.url, connections: ingestConnections, duration: seconds,
      headers: { authorization: `Bearer ${key.secret}`, 'content-type': 'application/json' },
      requests: [{ method: 'POST', path: '/api/ingest/sightings', setupRequest: (req) => ({ ...req, body: body() }) }],
    });
    const acknowledged = (ing.requests - ing.non2xx) * batchSize;
    await svc.stop();
    const store = await openSqliteStore({ path: dbPath });
    const stored = Number((store.connection.prepare(`select count(*) n from sightings where id like 'bench-%'`).get() as { n: number }).n);
    await store.close();
    return {
      store: 'sqlite', seededEvents: nEvents, serverProcess: svc.how, logLevel, loadAvgBefore, eventList,
      ingest: { ...ing, batchSize, sightingsPerSec: Math.round(acknowledged / seconds), acknowledged, stored },
    };
  } finally {
    if (svc.child.exitCode === null && svc.child.signalCode === null) svc.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await benchApi(), null, 2));
}
