import { hostname } from 'node:os';
import { resolve } from 'node:path';
import pino from 'pino';
import { connectNats } from '../../bus/nats-connect.js';
import { ArgusError, errorMessage } from '../../core/errors.js';
import { Worker } from '../../pipeline/worker/worker.js';
import { parseCommandArgs } from '../args.js';
import { logFormat, loggerOptions } from '../log-format.js';
import { DiskUse } from '../../server/metrics/disk.js';
import { startMetricsServer } from '../../server/metrics/standalone.js';

/** A 2-core box at 640 px with YOLOX-nano: 12 cameras at 5 fps (bench capacity, README 'Sizing'). */
export const DEFAULT_CAPACITY = 60;

const HELP = `Usage: argus worker --nats URL[,URL…] [--name W] [--capacity N] [--data DIR] [--models DIR] [--replicas N]

Run a camera worker of the scaled mode: it claims cameras from NATS JetStream (the cameras the \`serve\` replicas
publish), analyses them, and publishes their events, alerts and health to JetStream; plate crops and evidence
packages go to the JetStream object store. It needs no database. Cameras are spread over the live workers by
capacity; when a worker dies its cameras move to the others within 15 s (fenced leases: no camera runs twice).

Options:
  --nats URLS       NATS servers, comma-separated (nats://host:4222,…; or ARGUS_NATS_URL). Unreachable: one
                    warning, then retries with backoff until it answers
  --name W          This worker's name, unique among the workers (default: the host name)
  --capacity N      Camera-frames per second this worker can carry (default ${DEFAULT_CAPACITY}): a camera costs its analysed fps
                    times its detector tiles; a 2-core box carries about 60 (12 cameras of 640 px at 5 fps with YOLOX-nano)
  --data DIR        Data directory (default ./data): recordings/ (cameras with recording.enabled, served to the
                    \`serve\` replicas on request), evidence/ and keys/ (the evidence signing key)
  --models DIR      Detector models (default ARGUS_MODELS, else ./models); without them cameras run without detection
  --replicas N      Copies of the JetStream streams and buckets: 1, 3 or 5 (default 3 with 3 or more servers, else 1);
                    the same on every worker and replica
  --metrics-port N  Serve GET /metrics (Prometheus: this worker's cameras, detector latency, disk, memory) on this
                    port; off by default. Bound to --metrics-host (default 127.0.0.1, open to this machine only);
                    on any other address ARGUS_METRICS_TOKEN (24+ characters) is required as a bearer token
  --metrics-host H  Address of the metrics port (default 127.0.0.1)
  --log-format F    pretty or json (default pretty on a terminal, json otherwise; or ARGUS_LOG_FORMAT)
  -h, --help        This help

SIGTERM or SIGINT: stops claiming, stops the cameras and releases their leases (peers take them over at once),
waits for the publishes in flight, exits 0.`;

const OPTIONS = {
  nats: { type: 'string' },
  name: { type: 'string' },
  capacity: { type: 'string' },
  data: { type: 'string' },
  models: { type: 'string' },
  replicas: { type: 'string' },
  'log-format': { type: 'string' },
  'metrics-port': { type: 'string' },
  'metrics-host': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Resolves on the first SIGTERM/SIGINT (and aborts the signal). */
function stopSignal(): { signal: AbortSignal; stopped: Promise<NodeJS.Signals> } {
  const ac = new AbortController();
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    const stop = (sig: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      ac.abort();
      resolve(sig);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return { signal: ac.signal, stopped };
}

export async function worker(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, OPTIONS, false);
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const servers = (values.nats ?? process.env['ARGUS_NATS_URL'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (servers.length === 0) throw new ArgusError('invalid_argument', '--nats: give the NATS servers (e.g. --nats nats://127.0.0.1:4222), or set ARGUS_NATS_URL');
  const name = values.name ?? hostname().replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 64);
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) throw new ArgusError('invalid_argument', `--name "${name}": letters, digits, "_", "-" (at most 64)`);
  const capacity = Number(values.capacity ?? DEFAULT_CAPACITY);
  if (!Number.isFinite(capacity) || capacity <= 0) throw new ArgusError('invalid_argument', `--capacity "${values.capacity ?? ''}": camera-frames per second, above 0`);
  const metricsPort = values['metrics-port'] === undefined ? undefined : Number(values['metrics-port']);
  if (metricsPort !== undefined && (!Number.isInteger(metricsPort) || metricsPort < 0 || metricsPort > 65535)) throw new ArgusError('invalid_argument', `--metrics-port "${values['metrics-port'] ?? ''}": expected 0–65535`);
  const metricsHost = values['metrics-host'] ?? '127.0.0.1';
  const metricsToken = process.env['ARGUS_METRICS_TOKEN'] || undefined;
  if (metricsToken !== undefined && metricsToken.length < 24) throw new ArgusError('invalid_argument', 'ARGUS_METRICS_TOKEN: at least 24 characters');
  const loopback = metricsHost === '127.0.0.1' || metricsHost === '::1' || metricsHost === 'localhost';
  if (metricsPort !== undefined && !loopback && !metricsToken) throw new ArgusError('invalid_argument', `--metrics-host ${metricsHost}: set ARGUS_METRICS_TOKEN (24+ characters) to serve metrics beyond this machine`);
  // Without a token, only this machine may scrape; with one, whoever has it.
  const metricsAccessConfig = metricsToken ? { token: metricsToken, allowFrom: [] } : { allowFrom: ['127.0.0.0/8', '::1'] };
  const replicas = Number(values.replicas ?? (servers.length >= 3 ? 3 : 1));
  if (replicas !== 1 && replicas !== 3 && replicas !== 5) throw new ArgusError('invalid_argument', `--replicas "${values.replicas ?? ''}": 1, 3 or 5`);

  const lo = loggerOptions(logFormat(values['log-format'], process.env['ARGUS_LOG_FORMAT'], process.stdout.isTTY === true), process.env['ARGUS_LOG_LEVEL'] ?? 'info');
  const log = lo.stream ? pino({ level: lo.level, base: { worker: name } }, lo.stream) : pino({ level: lo.level, base: { worker: name } });
  const { signal, stopped } = stopSignal();
  let nc;
  try {
    nc = await connectNats({ servers, name: `argus-worker-${name}`, logger: log.child({ component: 'nats' }), signal });
  } catch (e) {
    if (signal.aborted) {
      log.info('stopped before NATS answered');
      return 0;
    }
    throw e;
  }
  const dataDir = resolve(values.data ?? 'data');
  let w: Worker;
  try {
    w = await Worker.start({ nc, name, capacity, replicas, dataDir, modelsDir: values.models ? resolve(values.models) : undefined, logger: log });
  } catch (e) {
    await nc.close().catch(() => undefined);
    throw e;
  }
  const metrics = metricsPort === undefined ? undefined : await startMetricsServer({
    port: metricsPort, host: metricsHost, access: metricsAccessConfig,
    sources: { status: w.metricsSource(), cameras: w.metricsSource(), disk: new DiskUse(dataDir, ['recordings', 'evidence']), startedAtMs: Date.now() },
    onError: (e) => log.error({ err: errorMessage(e) }, 'metrics failed'),
  });
  if (metrics) log.info({ url: metrics.url }, 'metrics listening');
  const end = await Promise.race([stopped.then((sig) => ({ sig })), w.failed.then((err) => ({ err }))]);
  if ('sig' in end) log.info({ signal: end.sig }, 'shutting down: releasing cameras');
  else log.error({ err: end.err.message }, 'stopping: releasing cameras');
  await metrics?.close();
  await w.stop();
  await nc.drain().catch((e: unknown) => log.warn({ err: errorMessage(e) }, 'NATS drain failed'));
  if ('err' in end) throw end.err;
  return 0;
}
