/**
 * `anpr` (issue #23): an ANPR camera on 1080p frames, the 48 real handheld plate frames of the shared assets played
 * as a 2 fps video (scripts/demo-media.sh makes it; nothing committed).
 * - throughput: `argus analyze --anpr --summary` on the video, every frame read (a file waits for its reads): frames
 *   analysed per second of wall time, the mean cost of one whole-frame read (find the plates on the 1920×1080 frame,
 *   read each candidate: in a plate worker), the plates reported.
 * - watchAlert: `argus serve` in its own process with the video as a live ANPR camera (looped at real time, as a
 *   camera streams), a watch list every Vietnamese plate matches (`0*` … `9*`) and an SSE client on `/api/live`:
 *   from the capture of the frame the plate was read on (the alert's time) to the alert in the client, p50/p95.
 *
 *   ARGUS_BENCH=anpr npm run bench          (ARGUS_BENCH_ANPR_S: seconds of the live run, default 90)
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { argusCommand, REPO, startServeProcess } from './serve-process.js';

const exec = promisify(execFile);
const PASSWORD = 'bench-anpr-admin-1';

const progress = (msg: string): void => void process.stderr.write(`bench anpr: ${msg}\n`);
const round = (x: number, d = 0): number => Math.round(x * 10 ** d) / 10 ** d;
const pct = (sorted: readonly number[], p: number): number => round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0);

export interface AnprThroughput {
  readonly frames: number;
  readonly wallSec: number;
  readonly framesPerSec: number;
  /** Mean ms of one whole-frame read in a plate worker (two workers read two frames at once). */
  readonly readMs: number;
  readonly plates: number;
  readonly partial: number;
  readonly frameSize: string;
}

export interface AnprWatchAlert {
  readonly seconds: number;
  readonly alerts: number;
  /** From the capture of the frame the plate was read on to the alert in the SSE client. */
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly maxMs: number;
  readonly goalP95Ms: 1500;
}

async function throughput(video: string): Promise<AnprThroughput> {
  progress('argus analyze --anpr on the 48 frames (every frame read)');
  const { stdout } = await exec(process.execPath, [...argusCommand().args, 'analyze', video, '--anpr', '--summary'], { cwd: REPO, timeout: 900_000, maxBuffer: 16 << 20 });
  const s = JSON.parse(stdout.trim().split('\n').at(-1)!) as { frames: number; wallSec: number; readMs: number; plates: number; partial: number };
  return { frames: s.frames, wallSec: s.wallSec, framesPerSec: round(s.frames / s.wallSec, 2), readMs: s.readMs, plates: s.plates, partial: s.partial, frameSize: '1920x1080' };
}

export async function watchAlert(video: string, seconds: number): Promise<AnprWatchAlert> {
  const dir = await mkdtemp(join(tmpdir(), 'argus-bench-anpr-'));
  await writeFile(join(dir, 'site.yaml'), [
    'version: 1',
    'sites:',
    '  - { id: hcm, name: Công an TP Hồ Chí Minh, timezone: Asia/Ho_Chi_Minh, provinces: [51, 59] }',
    'cameras:',
    `  - { id: anpr, name: Cổng ANPR, site: hcm, kind: gateway, source: ${JSON.stringify(video)}, location: { lat: 10.78, lng: 106.7 }, analysis: { fps: 2 }, plates: anpr, recording: { enabled: false } }`,
    '',
  ].join('\n'));
  const svc = await startServeProcess({
    serveArgs: ['--config', join(dir, 'site.yaml'), '--data', join(dir, 'data')],
    env: { ARGUS_ADMIN_PASSWORD: PASSWORD, ARGUS_DATABASE_URL: '' },
  });
  const ctl = new AbortController();
  try {
    const login = await fetch(`${svc.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
    const body = (await login.json()) as { csrfToken?: string };
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0] ?? '').find((c) => c.startsWith('argus_session='));
    if (login.status !== 200 || !cookie || !body.csrfToken) throw new Error(`login: ${login.status}`);
    const headers = { cookie, 'x-csrf-token': body.csrfToken, 'content-type': 'application/json' };
    progress(`service at ${svc.url}: signed in; making the watch list`);
    const list = await fetch(`${svc.url}/api/watchlists`, { method: 'POST', headers, body: JSON.stringify({ name: 'Mọi biển số (bench)', severity: 'critical' }) });
    if (list.status >= 300) throw new Error(`watch list: ${list.status} ${await list.text()}`);
    const { id } = (await list.json()) as { id: string };
    const entries = Array.from({ length: 10 }, (_, d) => ({ pattern: `${d}*`, note: 'bench' }));
    const added = await fetch(`${svc.url}/api/watchlists/${id}/entries`, { method: 'POST', headers, body: JSON.stringify({ entries }) });
    if (added.status >= 300) throw new Error(`watch entries: ${added.status} ${await added.text()}`);

    const latencies: number[] = [];
    const res = await fetch(`${svc.url}/api/live`, { headers: { cookie }, signal: ctl.signal });
    progress(`live push: ${res.status}`);
    const reading = (async () => {
      const decoder = new TextDecoder();
      let buf = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        const now = Date.now();
        buf += decoder.decode(chunk, { stream: true });
        for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          if (/^event: alert$/m.test(block)) {
            const a = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? '{}') as { kind?: string; atMs?: number };
            if (a.kind === 'watchlist_hit' && typeof a.atMs === 'number') {
              latencies.push(now - a.atMs);
              progress(`watch-list alert ${latencies.length}: ${now - a.atMs} ms after capture`);
            }
          }
        }
      }
    })().catch(() => undefined);
    progress(`live ANPR camera with a watch list of every plate, ${seconds} s`);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    ctl.abort();
    await reading;
    const s = [...latencies].sort((a, b) => a - b);
    return { seconds, alerts: s.length, p50Ms: pct(s, 0.5), p95Ms: pct(s, 0.95), maxMs: pct(s, 1), goalP95Ms: 1500 };
  } finally {
    ctl.abort();
    await svc.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function benchAnpr(): Promise<{ loadAvgBefore: number; throughput: AnprThroughput; watchAlert: AnprWatchAlert }> {
  const loadAvgBefore = round(loadavg()[0]!, 2);
  const media = await mkdtemp(join(tmpdir(), 'argus-bench-anpr-media-'));
  try {
    await exec('bash', [join(REPO, 'scripts/demo-media.sh')], { cwd: REPO, env: { ...process.env, ARGUS_DEMO_MEDIA: media }, timeout: 120_000 });
    const video = join(media, 'anpr-gate.mp4');
    if (!existsSync(video)) throw new Error('scripts/demo-media.sh made no video (are the shared assets there? ARGUS_ASSETS)');
    const t = await throughput(video);
    const w = await watchAlert(video, Number(process.env['ARGUS_BENCH_ANPR_S'] ?? 90));
    return { loadAvgBefore, throughput: t, watchAlert: w };
  } finally {
    await rm(media, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(`${JSON.stringify(await benchAnpr(), null, 2)}\n`);
