/**
 * `argus worker` as a user runs it: its help, and a start while NATS is down (one clear line, retries with backoff,
 * connects when NATS comes up); a second worker under its name refuses to start; then SIGTERM: exit 0.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, NatsTestServers } from '../src/bus/testing/nats-server.js';
import { REPO_ROOT } from './assets.js';
import { parsePrometheusText, sampleValue } from './prometheus-text.js';
import { startWorkerProcess } from './worker-process.js';

const cleanup: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

const argus = (args: string[]) => promisify(execFile)(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/run.ts'), ...args], { cwd: REPO_ROOT });

describe('argus worker (command line)', () => {
  it('is listed by argus --help and explains itself with --help', async () => {
    expect((await argus(['--help'])).stdout).toMatch(/^ {2}worker +Run a camera worker of the scaled mode/m);
    const { stdout } = await argus(['worker', '--help']);
    expect(stdout).toMatch(/^Usage: argus worker --nats URL/);
    for (const flag of ['--nats', '--name', '--capacity', '--data', '--models', '--replicas']) expect(stdout).toContain(flag);
    await expect(argus(['worker', '--nats', 'nats://127.0.0.1:1', '--capacity', 'lots'])).rejects.toMatchObject({ stderr: expect.stringContaining('--capacity "lots"') });
  });

  it('says once that NATS is unreachable, keeps retrying, connects when NATS starts, and exits 0 on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'argus-worker-cli-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    await mkdir(join(dir, 'models'));
    const port = await freePort();
    const w = startWorkerProcess(['--nats', `nats://127.0.0.1:${port}`, '--name', 'cli1', '--data', join(dir, 'data'), '--models', join(dir, 'models')]);
    cleanup.push(async () => w.child.kill('SIGKILL'));
    const warned = await w.waitFor('NATS unreachable; retrying with backoff');
    expect(warned).toMatchObject({ level: 40, servers: [`nats://127.0.0.1:${port}`], err: expect.stringMatching(/refused/) });
    // A few retries later: still one line, still running.
    await new Promise((r) => setTimeout(r, 3000));
    expect(w.lines('NATS unreachable; retrying with backoff')).toHaveLength(1);
    expect(w.output().split('\n').filter((l) => l.trim()).length).toBe(1);
    const servers = await NatsTestServers.start({ clientPorts: [port] });
    cleanup.push(() => servers.stop());
    await w.waitFor('NATS connected', 20_000);
    await w.waitFor('worker started', 20_000);
    // A second worker under the same name refuses to start, says why, and leaves the first one's record alone.
    const dup = startWorkerProcess(['--nats', `nats://127.0.0.1:${port}`, '--name', 'cli1', '--data', join(dir, 'data2'), '--models', join(dir, 'models')]);
    cleanup.push(async () => dup.child.kill('SIGKILL'));
    const dupExit = await dup.exited;
    expect(dupExit.code).not.toBe(0);
    expect(dup.output()).toMatch(/another worker is running under the name "cli1" \(host [^,]+, pid \d+\); give each worker its own --name/);
    expect(w.lines('another worker runs under this name')).toHaveLength(0);
    w.child.kill('SIGTERM');
    expect(await w.exited).toEqual({ code: 0, signal: null });
    expect(w.lines('worker stopped')).toHaveLength(1);
  }, 60_000);

  it('serves its own /metrics on --metrics-port, to this machine only without ARGUS_METRICS_TOKEN, and refuses a wider address without one', async () => {
    await expect(argus(['worker', '--nats', 'nats://127.0.0.1:1', '--metrics-port', '0', '--metrics-host', '0.0.0.0'])).rejects.toMatchObject({ stderr: expect.stringContaining('set ARGUS_METRICS_TOKEN') });
    const dir = await mkdtemp(join(tmpdir(), 'argus-worker-metrics-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    await mkdir(join(dir, 'models'));
    const servers = await NatsTestServers.start({ clientPorts: [await freePort()] });
    cleanup.push(() => servers.stop());
    const w = startWorkerProcess(['--nats', servers.urls.join(','), '--name', 'm1', '--data', join(dir, 'data'), '--models', join(dir, 'models'), '--metrics-port', '0']);
    cleanup.push(async () => w.child.kill('SIGKILL'));
    const { url } = (await w.waitFor('metrics listening', 20_000)) as { url: string };
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    const families = parsePrometheusText(await res.text());
    expect(families.get('argus_detector_latency_seconds')?.type).toBe('histogram');
    expect(families.get('argus_camera_frames_dropped_total')?.type).toBe('counter');
    expect(sampleValue(families, 'argus_disk_free_bytes')).toBeGreaterThan(0);
    expect(sampleValue(families, 'process_resident_memory_bytes')).toBeGreaterThan(10e6);
    expect(families.has('argus_ingest_queue_depth')).toBe(false); // a worker stores nothing
    expect((await fetch(url.replace('/metrics', '/other'))).status).toBe(404);
    w.child.kill('SIGTERM');
    expect(await w.exited).toEqual({ code: 0, signal: null });
  }, 60_000);
});
