/**
 * GET /metrics of a real `argus serve` (a child process) running a camera (a looping real road clip, the real
 * detector): scraped with the token, parsed by a strict Prometheus text-format parser (test/prometheus-text.ts), and
 * the named series are there with sane values; without the token or with a wrong one, 401. The allow-list and the
 * "off by default" rule are checked on an in-process server (the real HTTP path, the client address as fastify sees
 * it, X-Forwarded-For believed only from a trusted proxy).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../src/server/testing/harness.js';
import { hasAssets, MODELS, video } from './assets.js';
import { parsePrometheusText, sampleValue, type Family } from './prometheus-text.js';
import { login, serve, type Service } from './serve-process.js';
import { sse, waitFor } from './sse-client.js';

const TOKEN = 'metrics-token-0123456789abcdef0123';
const cleanup: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

function configYaml(): string {
  return `version: 1
server:
  metrics:
    token: \${ARGUS_METRICS_TOKEN}
    allowFrom: [127.0.0.1/32, "::1"]
sites:
  - id: dn
    name: Đà Nẵng
cameras:
  - id: street
    name: Phố thử
    site: dn
    kind: overview
    source: ${video('opencv4nodejs_traffic.mp4')}
    location: { lat: 16.06, lng: 108.22 }
    analysis: { fps: 5, width: 640 }
    lines:
      - id: count
        points: [[0.0, 0.6], [1.0, 0.6]]
`;
}

const scrape = (url: string, auth?: string, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(`${url}/metrics`, { headers: { ...headers, ...(auth ? { authorization: auth } : {}) } });

describe('/metrics of argus serve', () => {
  it.runIf(hasAssets())('exposes per-camera fps, lag, drops, reconnects, detector and store latency, queue, SSE clients and disk, in Prometheus text', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'argus-metrics-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const cfg = join(dir, 'site.yaml');
    await writeFile(cfg, configYaml());
    const svc: Service = await serve({ dataDir: join(dir, 'data'), config: cfg, env: { ARGUS_MODELS: MODELS, ARGUS_METRICS_TOKEN: TOKEN, ARGUS_ADMIN_PASSWORD: 'metrics-admin-password' } });
    cleanup.push(async () => {
      svc.child.kill('SIGTERM');
      await svc.exited;
    });

    const none = await scrape(svc.url);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(((await none.json()) as { error: { message: string } }).error.message).toMatch(/metrics token/);
    expect((await scrape(svc.url, `Bearer ${TOKEN}x`)).status).toBe(401);
    expect((await scrape(svc.url, TOKEN)).status).toBe(401);

    const { cookie } = await login(svc.url, 'admin', 'metrics-admin-password');
    const live = sse(`${svc.url}/api/live`, cookie);
    cleanup.push(async () => live.close());
    expect(await live.status).toBe(200);

    let families = new Map<string, Family>();
    let text = '';
    await waitFor('frames analysed, detector calls and a store write', async () => {
      const res = await scrape(svc.url, `Bearer ${TOKEN}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      text = await res.text();
      families = parsePrometheusText(text);
      return (sampleValue(families, 'argus_camera_frames_analysed_total', { camera: 'street' }) ?? 0) >= 25
        && (sampleValue(families, 'argus_detector_latency_seconds_count') ?? 0) >= 25
        && (sampleValue(families, 'argus_store_write_seconds_count') ?? 0) >= 1;
    }, 120_000);

    const types = Object.fromEntries([...families.values()].map((f) => [f.name, f.type]));
    expect(types).toMatchObject({
      argus_camera_up: 'gauge', argus_camera_analysed_fps: 'gauge', argus_camera_lag_seconds: 'gauge', argus_camera_frames_dropped_total: 'counter',
      argus_camera_reconnects_total: 'counter', argus_detector_latency_seconds: 'histogram', argus_ingest_queue_depth: 'gauge',
      argus_store_write_seconds: 'histogram', argus_sse_clients: 'gauge', argus_disk_used_bytes: 'gauge', argus_disk_free_bytes: 'gauge',
    });
    const cam = { camera: 'street' };
    expect(sampleValue(families, 'argus_camera_info', { camera: 'street', site: 'dn', name: 'Phố thử' })).toBe(1);
    expect(sampleValue(families, 'argus_camera_up', cam)).toBe(1);
    const fps = sampleValue(families, 'argus_camera_analysed_fps', cam)!;
    expect(fps).toBeGreaterThan(2);
    expect(fps).toBeLessThan(6.5); // analysed at 5 fps
    const lag = sampleValue(families, 'argus_camera_lag_seconds', cam)!;
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThan(5);
    expect(sampleValue(families, 'argus_camera_frames_dropped_total', cam)).toBeGreaterThanOrEqual(0);
    expect(sampleValue(families, 'argus_camera_reconnects_total', cam)).toBe(0);
    const det = { model: 'yolox_nano_416_coco' };
    const detCount = sampleValue(families, 'argus_detector_latency_seconds_count', det)!;
    const detSum = sampleValue(families, 'argus_detector_latency_seconds_sum', det)!;
    expect(detSum / detCount).toBeGreaterThan(0.001); // a real model: more than a millisecond a frame
    expect(detSum / detCount).toBeLessThan(2);
    expect(sampleValue(families, 'argus_detector_latency_seconds_bucket', { ...det, le: '+Inf' })).toBe(detCount);
    expect(sampleValue(families, 'argus_store_write_seconds_sum')).toBeGreaterThan(0);
    const storeMean = sampleValue(families, 'argus_store_write_seconds_sum')! / sampleValue(families, 'argus_store_write_seconds_count')!;
    console.log(`metrics of a live camera: fps ${fps}, lag ${lag.toFixed(3)} s, detector mean ${((detSum / detCount) * 1000).toFixed(1)} ms over ${detCount} calls, store write mean ${(storeMean * 1000).toFixed(1)} ms, ${text.length} bytes of exposition`);
    expect(sampleValue(families, 'argus_ingest_queue_depth')).toBeGreaterThanOrEqual(0);
    expect(sampleValue(families, 'argus_sse_clients')).toBe(1);
    expect(sampleValue(families, 'argus_disk_free_bytes')).toBeGreaterThan(0);
    expect(sampleValue(families, 'argus_disk_size_bytes')).toBeGreaterThanOrEqual(sampleValue(families, 'argus_disk_free_bytes')!);
    for (const folder of ['recordings', 'evidence', 'crops']) expect(sampleValue(families, 'argus_disk_used_bytes', { folder })).toBeGreaterThanOrEqual(0);
    expect(sampleValue(families, 'process_resident_memory_bytes')).toBeGreaterThan(10e6);

    live.close();
    await waitFor('the SSE client gone from the gauge', async () => {
      const f = parsePrometheusText(await (await scrape(svc.url, `Bearer ${TOKEN}`)).text());
      return sampleValue(f, 'argus_sse_clients') === 0;
    }, 10_000);
  }, 180_000);
});

describe('/metrics access', () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.dispose();
  });
  const start = async (opts: Parameters<typeof startTestServer>[1]): Promise<string> => {
    const s = await startTestServer('sqlite', opts);
    servers.push(s);
    return s.url;
  };

  it('is off (404, saying how to turn it on) when neither a token nor an allow-list is configured', async () => {
    const url = await start({});
    const res = await scrape(url, `Bearer ${TOKEN}`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/server\.metrics/);
  });

  it('answers 403 to an address outside the allow-list, whatever X-Forwarded-For claims from an untrusted peer', async () => {
    const url = await start({ metrics: { allowFrom: ['10.20.0.0/16'] } });
    const res = await scrape(url);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/127\.0\.0\.1 may not read the metrics/);
    expect((await scrape(url, undefined, { 'x-forwarded-for': '10.20.1.1' })).status).toBe(403);
  });

  it('lets the allow-list through without a token, and believes X-Forwarded-For from a trusted proxy only', async () => {
    expect((await scrape(await start({ metrics: { allowFrom: ['127.0.0.0/8'] } }))).status).toBe(200);
    const proxied = await start({ metrics: { allowFrom: ['10.20.0.0/16'] }, trustedProxies: ['127.0.0.1'] });
    expect((await scrape(proxied, undefined, { 'x-forwarded-for': '10.20.1.1' })).status).toBe(200);
    expect((await scrape(proxied, undefined, { 'x-forwarded-for': '10.30.1.1' })).status).toBe(403);
  });

  it('needs both the token and the address when both are configured', async () => {
    const url = await start({ metrics: { token: TOKEN, allowFrom: ['127.0.0.1/32'] } });
    expect((await scrape(url)).status).toBe(401);
    const ok = await scrape(url, `Bearer ${TOKEN}`);
    expect(ok.status).toBe(200);
    parsePrometheusText(await ok.text());
    const elsewhere = await start({ metrics: { token: TOKEN, allowFrom: ['10.0.0.0/8'] } });
    expect((await scrape(elsewhere, `Bearer ${TOKEN}`)).status).toBe(403);
  });
});
