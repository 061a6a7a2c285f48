import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ArgusError, isArgusError } from '../../core/errors.js';
import { createStageProvider, serviceEvidence } from '../../pipeline/runtime/stages.js';
import { buildServer } from '../../server/app.js';
import { loadServiceConfig } from '../../server/config.js';
import { openServiceStore } from '../../server/open-store.js';
import { recentSitePlates } from '../../server/plate-history.js';
import { EvidenceAlerts } from '../../server/evidence-alerts.js';
import { ensureFirstAdmin } from '../../server/users.js';
import { DEFAULT_MODEL, modelsDir, resolveModel } from '../../vision/models.js';
import { parseCommandArgs } from '../args.js';

const HELP = `Usage: argus serve [--config FILE] [--data DIR] [--port N] [--host H] [--database URL] [--audit-keys DIR] [--audit-anchor FILE]

Run the Argus service: the HTTP API under /api/, the web UI at /, and the analysis of every enabled camera.

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
  -h, --help        This help

The first admin: \`argus users add --username U --role admin\`, or ARGUS_ADMIN_PASSWORD on the first start
(user "admin"). Behind a TLS proxy set server.secureCookies: true in the config, and list the proxy's address in
server.trustedProxies (X-Forwarded-For is believed from no one else). Models are looked up in ARGUS_MODELS (or ./models); without them cameras run without detection
and /api/health says what is missing.`;

const OPTIONS = {
  config: { type: 'string' },
  data: { type: 'string' },
  database: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  'audit-keys': { type: 'string' },
  'audit-anchor': { type: 'string' },
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
  const config = values.config ? await loadServiceConfig(values.config) : undefined;
  const { store, where } = await openServiceStore({ dataDir: values.data, databaseUrl: values.database });
  const admin = await ensureFirstAdmin(store, process.env['ARGUS_ADMIN_PASSWORD']);
  const models = fallbackModelsDir();
  const dataDir = resolve(values.data ?? 'data');
  // Violations whose evidence cannot be written (a full disk) raise an alert once the service exists.
  const evidenceAlerts = new EvidenceAlerts();
  const stages = createStageProvider({
    config,
    evidence: { ...serviceEvidence(dataDir), onProblem: (camera, v, problem, kind) => evidenceAlerts.problem(camera, v, problem, kind) },
    siteOf: async (id) => (await store.getSite(id)) ?? undefined,
    history: (site) => recentSitePlates(store, site.id),
  });
  const server = await buildServer({ store, config, footage: { dataDir }, cameras: { ...(models ? { modelsDir: models } : {}), stages }, auth: { secureCookies: config?.server.secureCookies ?? false },
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
  log.info({ url, cameras: server.ctx.cameras.ids().length }, `Argus listening on ${url}`);

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
  return 0;
}
