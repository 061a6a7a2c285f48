/**
 * The worker's soak (issue #21 §4, "worker memory over a 10-minute run: flat"): a real `argus worker` (child
 * process, `--import tsx`) on a nats-server of its own, running the cameras of a site config (default the demo's
 * three looping cameras), offered to it through the argus_cameras KV as the serve replicas offer them. Samples, every
 * `--interval` s, the worker's RSS, threads, descriptors and ffmpeg children (/proc), and the frames its cameras
 * analysed (its own registry record); a consumer counts what it published. Prints one JSON summary with each figure's
 * start, end, min, max and slope per hour (bench/soak.ts's trend).
 *
 *   node --import tsx bench/worker-soak.ts --duration 600 [--interval 15] [--config config/demo.yaml]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CameraMessage } from '../src/bus/messages.js';
import { connectNats } from '../src/bus/nats-connect.js';
import { NatsBus } from '../src/bus/nats.js';
import { NatsTestServers } from '../src/bus/testing/nats-server.js';
import { loadConfigOrThrow } from '../src/config/load.js';
import { JsonKv } from '../src/pipeline/worker/kv.js';
import { BUCKETS, type CameraSpec, type WorkerRecord } from '../src/pipeline/worker/protocol.js';
import { childCount, procStatus, trend, type SoakSample } from './soak.js';

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function runWorkerSoak(o: { durationSec: number; intervalSec: number; config: string }): Promise<unknown> {
  const root = resolve(import.meta.dirname, '..');
  const config = await loadConfigOrThrow(o.config);
  const dir = await mkdtemp(join(tmpdir(), 'argus-worker-soak-'));
  const nats = await NatsTestServers.start();
  const nc = await connectNats({ servers: nats.urls });
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/run.ts'), 'worker', '--nats', nats.urls.join(','), '--name', 'soak', '--data', join(dir, 'data')], {
    cwd: root, env: { ...process.env, ARGUS_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    const cameras = await JsonKv.open<CameraSpec>(nc, { bucket: BUCKETS.cameras, logger: quiet });
    const registry = await JsonKv.open<WorkerRecord>(nc, { bucket: BUCKETS.workers, logger: quiet });
    for (const c of config.cameras) await cameras.put(c.id, { config: c, site: config.sites.find((s) => s.id === c.site) ?? null, updatedAtMs: Date.now() });
    // What the worker publishes, counted by a durable consumer of its own (as a serve replica's would store it).
    const bus = await NatsBus.open<CameraMessage>(nc, {});
    const byKind: Record<string, number> = {};
    const sub = bus.consume({ durable: 'soak-counter' }, async (batch) => {
      for (const d of batch) {
        const k = d.message.kind === 'event' ? d.message.event.kind : d.message.kind;
        byKind[k] = (byKind[k] ?? 0) + 1;
      }
    });
    const samples: SoakSample[] = [];
    const t0 = Date.now();
    for (;;) {
      const pid = child.pid!;
      const [st, fds, children, rec] = await Promise.all([procStatus(pid), readdir(`/proc/${pid}/fd`).then((f) => f.length), childCount(pid), registry.get('soak')]);
      const s: SoakSample = {
        tSec: Math.round((Date.now() - t0) / 1000), rssMb: Math.round((st.rssKb / 1024) * 10) / 10, heapUsedMb: null, externalMb: null, fds, threads: st.threads, children,
        events: Object.entries(byKind).filter(([k]) => k !== 'health').reduce((a, [, n]) => a + n, 0), framesAnalysed: null, camerasOnline: rec ? rec.cameras.length : 0,
      };
      samples.push(s);
      process.stderr.write(`worker soak ${s.tSec}s rss=${s.rssMb}MB fds=${s.fds} threads=${s.threads} children=${s.children} cameras=${s.camerasOnline} events=${s.events} fps=${rec?.cameras.map((c) => c.fps.toFixed(1)).join('/') ?? '-'}\n`);
      if (s.tSec >= o.durationSec) break;
      await sleep(o.intervalSec * 1000);
    }
    await sub.stop();
    await bus.close();
    const last = await registry.get('soak');
    return {
      command: 'argus worker', config: o.config, durationSec: o.durationSec, intervalSec: o.intervalSec, samples: samples.length,
      rssMb: trend(samples, (s) => s.rssMb), fds: trend(samples, (s) => s.fds), threads: trend(samples, (s) => s.threads), children: trend(samples, (s) => s.children),
      published: byKind, cameras: last?.cameras ?? [],
    };
  } finally {
    child.kill('SIGTERM');
    await exited;
    await nc.close();
    await nats.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]).endsWith('worker-soak.ts')) {
  const { values } = parseArgs({ options: { duration: { type: 'string', default: '600' }, interval: { type: 'string', default: '15' }, config: { type: 'string', default: 'config/demo.yaml' } } });
  const r = await runWorkerSoak({ durationSec: Number(values.duration), intervalSec: Number(values.interval), config: values.config });
  process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
}
