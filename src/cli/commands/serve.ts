import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { ArgusError, isArgusError } from '../../core/errors.js';
import { createStageProvider, serviceEvidence } from '../../pipeline/runtime/stages.js';
import { buildServer } from '../../server/app.js';
import { loadServiceConfig } from '../../server/config.js';
import { openServiceStoreRetrying } from '../../server/open-store.js';
import { openScaledCluster } from '../../server/scaled/cluster.js';
import { recentSitePlates } from '../../server/plate-history.js';
import { EvidenceAlerts } from '../../server/evidence-alerts.js';
import { ensureFirstAdmin } from '../../server/users.js';
import { DEFAULT_MODEL, modelsDir, resolveModel } from '../../vision/models.js';
import { parseCommandArgs } from '../args.js';
import { logFormat, loggerOptions } from '../log-format.js';

const HELP = `Usage: argus serve [--config FILE] [--data DIR] [--port N] [--host H] [--database URL] [--audit-keys DIR] [--audit-anchor FILE]
       argus serve --nats URL[,URL…] --postgres URL [--nats-replicas 1|3|5] [--cameras] [other options]

Run the Argus service: the HTTP API under /api/, the web UI at /, and the analysis of every enabled camera.
With --nats (the scaled mode) it runs no cameras: \`argus worker\` nodes analyse them. It consumes the workers'
events from NATS JetStream into PostgreSQL (acknowledged only after the commit), serves the API and UI, and offers
every camera to the workers. Run two or more replicas on the same NATS and PostgreSQL behind a load balancer: they
share the stream's consumer, and each one's live clients see every event.

Options:
  --config FILE     Site configuration (YAML; \${VAR} and \${VAR:-default} are replaced from the environment,
                    ARGUS_ASSETS defaults to ../shared/assets)
  --data DIR        Data directory (default ./data): the SQLite database argus.db, recordings/ (cameras with
                    recording.enabled, pruned by the recordings retention) and evidence/ (never pruned)
  --database URL    Use PostgreSQL (postgres://…) instead of SQLite (or ARGUS_DATABASE_URL)
  --port N          HTTP port (default 8080; 0 = any free port)
  --host H          Address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)
  --audit-keys DIR  Key directory of the audit key that signs checkpoints of the audit log (default DIR/keys;
                    created on first start, private key mode 0600; keep it out of the database's backups' reach)
  --audit-anchor FILE  Where signed checkpoints are appended outside the database (default <audit-keys>/audit-checkpoints.jsonl)
  --log-format F    pretty (one readable line per record) or json (pino JSON lines, for production and log
                    shippers); default pretty on a terminal, json otherwise (or ARGUS_LOG_FORMAT)
  -h, --help        This help

Scaled mode (issue 21):
  --nats URLS       NATS servers with JetStream, comma-separated (nats://10.0.0.1:4222,nats://10.0.0.2:4222,…;
                    or ARGUS_NATS_URL). Every node of the cluster, so the replica moves on when one goes.
  --postgres URL    The central PostgreSQL (same as --database; required with --nats)
  --nats-replicas N Copies of the event stream, the KV buckets and the object stores: 3 on a 3-node cluster
                    (default 1; used when they are first created)
  --cameras         Also run the cameras in this replica (publishing to NATS) instead of offering them to workers

  Camera changes made through the API go to the workers within 2 s (KV argus_cameras). Evidence packages stay in
  the NATS object store (argus-evidence) and are copied into DIR/evidence on first download, digest checked.
  Recordings stay on the worker that recorded them and play back through this service (same permissions, audit).
  Workers sign evidence with the key in their own keys/ folder and a notice verifies a package against this
  replica's DIR/keys: give the workers and the replicas the same evidence key folder.
  When NATS or PostgreSQL is unreachable the service says so in one line and retries with backoff.

The first admin: \`argus users add --username U --role admin\`, or ARGUS_ADMIN_PASSWORD on the first start
(user "admin"). Behind a TLS proxy set server.secureCookies: true in the config, and list the proxy's address in
server.trustedProxies (X-Forwarded-For is believed from no one else). GET /metrics (Prometheus) is off until
server.metrics.token and/or server.metrics.allowFrom is set in the config. Models are looked up in ARGUS_MODELS (or ./models); without them cameras run without detection
and /api/health says what is missing.`;

const OPTIONS = {
  config: { type: 'string' },
  data: { type: 'string' },
  database: { type: 'string' },
  postgres: { type: 'string' },
  nats: { type: 'string' },
  'nats-replicas': { type: 'string' },
  cameras: { type: 'boolean' },
  port: { type: 'string' },
  host: { type: 'string' },
  'audit-keys': { type: 'string' },
  'audit-anchor': { type: 'string' },
  'log-format': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Without ARGUS_MODELS and without the default model in ./models, use the shared assets' models when present (the demo). */
function fallbackModelsDir(): string | undefined {
  if (process.env['ARGUS_MODELS']) return undefined;
  try {
    resolveModel(DEFAULT_MODEL, modelsDir());
    return undefined;
  } catch (e) {
    if (!isArgusError(e, 'model_missing')) throw e;
  }
  const assets = join(process.env['ARGUS_ASSETS'] || resolve('../shared/assets'), 'models');
  return existsSync(assets) ? assets : undefined;
}

export async function serve(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, OPTIONS, false);
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const port = Number(values.port ?? process.env['PORT'] ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ArgusError('invalid_argument', `--port "${values.port ?? ''}": expected 0–65535`);
  const logOptions = loggerOptions(logFormat(values['log-format'], process.env['ARGUS_LOG_FORMAT'], process.stdout.isTTY === true), process.env['ARGUS_LOG_LEVEL'] ?? 'info');
  const config = values.config ? await loadServiceConfig(values.config) : undefined;
  const natsUrls = (values.nats ?? process.env['ARGUS_NATS_URL'] ?? '').split(',').map((u) => u.trim()).filter((u) => u.length > 0);
  if (values.postgres && values.database && values.postgres !== values.database) throw new ArgusError('invalid_argument', '--postgres and --database name two databases: give one');
  const databaseUrl = values.postgres ?? values.database;
  const replicas = Number(values['nats-replicas'] ?? 1);
  if (replicas !== 1 && replicas !== 3 && replicas !== 5) throw new ArgusError('invalid_argument', `--nats-replicas "${values['nats-replicas'] ?? ''}": expected 1, 3 or 5`);
  if (natsUrls.length > 0 && !(databaseUrl ?? process.env['ARGUS_DATABASE_URL'])) throw new ArgusError('invalid_argument', '--nats needs --postgres URL: the replicas share one PostgreSQL store');
  if (values.cameras && natsUrls.length === 0) throw new ArgusError('invalid_argument', '--cameras is for the scaled mode (with --nats); without it the service runs its cameras anyway');
  // Before the service's own logger exists: what it waits for (NATS, PostgreSQL), one line each.
  const early = logOptions.stream ? pino({ level: logOptions.level }, logOptions.stream) : pino({ level: logOptions.level });
  const stopping = new AbortController();
  const abort = (): void => stopping.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  const scaled = natsUrls.length > 0 ? await openScaledCluster({ servers: natsUrls, replicas, logger: early.child({ component: 'nats' }), signal: stopping.signal }) : undefined;
  const { store, where } = await openServiceStoreRetrying({ dataDir: values.data, databaseUrl }, early, { signal: stopping.signal });
  process.off('SIGINT', abort);
  process.off('SIGTERM', abort);
  const admin = await ensureFirstAdmin(store, process.env['ARGUS_ADMIN_PASSWORD']);
  const models = fallbackModelsDir();
  const dataDir = resolve(values.data ?? 'data');
  // Violations whose evidence cannot be written (a full disk) raise an alert once the service exists.
  const evidenceAlerts = new EvidenceAlerts();
  const stages = createStageProvider({
    config,
    attributes: true,
    evidence: { ...serviceEvidence(dataDir), onProblem: (camera, v, problem, kind) => evidenceAlerts.problem(camera, v, problem, kind) },
    siteOf: async (id) => (await store.getSite(id)) ?? undefined,
    history: (site) => recentSitePlates(store, site.id),
    faces: { modelsDir: models ?? modelsDir(), model: config?.faces.model },
  });
  const server = await buildServer({ store, config, logger: logOptions, footage: { dataDir }, ...(scaled ? { scaled, startCameras: values.cameras ?? false } : {}), cameras: { ...(models ? { modelsDir: models } : {}), stages }, auth: { secureCookies: config?.server.secureCookies ?? false },
    ...(config ? { trustedProxies: config.server.trustedProxies, ingestLimits: config.ingest } : {}),
    auditSeal: { keyDir: resolve(values['audit-keys'] ?? join(dataDir, 'keys')), ...(values['audit-anchor'] ? { anchorFile: resolve(values['audit-anchor']) } : {}) } });
  const log = server.app.log;
  evidenceAlerts.bind(server.ctx.ingest, log);
  log.info({ store: where }, `store: ${store.dialect} at ${where}`);
  if (models) log.info({ models }, `models: ARGUS_MODELS is not set, using ${models}`);
  if (admin) log.warn({ username: admin.username }, 'first admin created from ARGUS_ADMIN_PASSWORD: change the password and unset the variable');
  else if ((await store.listUsers()).length === 0) {
    log.warn('no user exists yet: create the first admin with `argus users add --username admin --role admin --data DIR`, or start once with ARGUS_ADMIN_PASSWORD set');
  }
  const url = await server.listen(port, values.host ?? '127.0.0.1');
  log.info({ url, cameras: server.ctx.cameras.ids().length, ...(scaled ? { nats: natsUrls, mode: 'scaled' } : {}) }, `Argus listening on ${url}`);

  await new Promise<void>((resolve) => {
    const stop = (sig: NodeJS.Signals): void => {
      log.info({ signal: sig }, 'shutting down');
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  await stages.close();
  await scaled?.close();
  return 0;
}
