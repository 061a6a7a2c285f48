/**
 * The Argus service: fastify with the API under /api/, the web UI's static files at /, the camera manager and
 * the live hub over one Store. `buildServer` wires it; `listen`/`close` run it (graceful: cameras stop, SSE
 * clients are closed, the store is closed last).
 */
import type { OverlayFrame } from '../pipeline/runtime/overlay.js';
import { subscribeOverlay } from '../pipeline/worker/overlay-relay.js';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { ArgusConfig } from '../config/schema.js';
import type { EventBus } from '../bus/bus.js';
import type { CameraMessage } from '../bus/messages.js';
import type { ArgusEvent } from '../core/events.js';
import { facesSchema, ingestLimitsSchema, sharingSchema, type IngestLimitsConfig, type MetricsConfig } from '../config/service.js';
import { CameraManager, type CameraManagerOptions } from '../pipeline/runtime/camera-manager.js';
import { AuditSealer, type AuditSealOptions } from '../store/audit-seal.js';
import type { Store } from '../store/store.js';
import { Auth, DEFAULT_AUTH, type AuthOptions } from './auth.js';
import { CameraSourcePolicy } from './camera-source.js';
import { cameraToRecord, recordToCamera } from './cameras.js';
import { localRuntimeBus, startBusConsumer, type LocalRuntimeBus } from './bus-consumer.js';
import type { CameraDirectory, CameraStatusSource } from './camera-directory.js';
import { KvCameraDirectory } from './scaled/camera-kv.js';
import type { ScaledCluster } from './scaled/cluster.js';
import { evidenceMaterialiser } from './scaled/evidence.js';
import { startScaledLive, type ScaledLive } from './scaled/live.js';
import { startPlateHistoryResponder } from './scaled/plate-history.js';
import { ScaledStatus } from './scaled/status.js';
import { workerRpcClient } from './scaled/worker-rpc.js';
import { auditWriter, type ServerContext } from './context.js';
import { installErrorHandler, Router, sendError } from './http.js';
import { BackgroundWork } from './background.js';
import { eventPayload, Ingest, type IngestOptions } from './ingest.js';
import { LiveHub, type LiveHubOptions } from './live.js';
import { DiskUse } from './metrics/disk.js';
import { metricsRoute } from './metrics/route.js';
import { retentionFromConfig } from './recordings.js';
import { DEFAULT_FACE_MODEL, loadFaceEngine } from './face-engine.js';
import { FacesService, type FaceEngine } from './faces.js';
import { faceRoutes } from './routes/faces.js';
import { SectionControl } from './section-control.js';
import { ResponseCheck } from './response-check.js';
import { adminRoutes } from './routes/admin.js';
import { authRoutes } from './routes/auth.js';
import { eventRoutes } from './routes/events.js';
import { ingestRoutes } from './routes/ingest.js';
import { closeFootage, footageRoutes, type FootageOptions } from './routes/footage.js';
import { liveRoutes } from './routes/live.js';
import { onvifRoutes, type OnvifRouteOptions } from './routes/onvif.js';
import { mapOrigins, mapRoutes } from './routes/map.js';
import { attributeRoutes } from './routes/attributes.js';
import { plateRoutes } from './routes/plates.js';
import { sightingRoutes } from './routes/sightings.js';
import { siteRoutes } from './routes/sites.js';
import { heatmapRoutes } from './routes/heatmap.js';
import { siteTimeZone, statsRoutes } from './routes/stats.js';
import { reportRoutes } from './routes/reports.js';
import { incidentRoutes } from './routes/incidents.js';
import { requestRoutes } from './routes/requests.js';
import { centreRoutes } from './routes/centres.js';
import { ReportScheduler } from './reports/schedule.js';
import { watchRoutes } from './routes/watch.js';
import { startFederation, type FederationHandle } from './federation/wire.js';

export interface ServerOptions {
  readonly store: Store;
  /** Footage: data directory of recordings and evidence, HLS idle time. */
  readonly footage?: FootageOptions;
  /** Sites and cameras of the config are written to the store at start (the file wins for its ids). */
  readonly config?: ArgusConfig;
  /** fastify/pino logger options (default: info to stdout); `false` for silence. */
  readonly logger?: FastifyServerOptions['logger'];
  /** Folder of the built web UI (default web/dist). */
  readonly webRoot?: string;
  readonly auth?: Partial<AuthOptions>;
  /** Largest request body, bytes (default 256 KiB). */
  readonly bodyLimit?: number;
  /** Addresses/CIDRs of trusted reverse proxies (config `server.trustedProxies`): X-Forwarded-For only from them (default: none). */
  readonly trustedProxies?: readonly string[];
  /** Bounds of partner ingest (config `ingest`; default: 300 s ahead, 7 days old). */
  readonly ingestLimits?: IngestLimitsConfig;
  readonly cameras?: Omit<CameraManagerOptions, 'bus' | 'blobs' | 'logger'>;
  /** The bus the cameras publish to and the server consumes (default: in process). */
  readonly bus?: EventBus<CameraMessage>;
  /** Start the analysis of the cameras in this process (default true; false with `scaled`). */
  readonly startCameras?: boolean;
  /**
   * The scaled mode (`argus serve --nats`): the bus, blobs and KV buckets on NATS, opened by the caller (who closes
   * them after `close()`). Cameras go to the workers through `argus_cameras`; this replica consumes into its store
   * with the shared durable consumer, follows the stream for its live clients, answers plate history requests and
   * reads the workers' registry for the status.
   */
  readonly scaled?: ScaledCluster;
  /** The stream consumer's redelivery wait, ms (tests; the bus's default otherwise). */
  readonly consumerAckWaitMs?: number;
  /** Batching of the ingest path (flush interval, batch size, queue bound). */
  readonly ingest?: IngestOptions;
  /** Faces: the engine for photos (default: the models of the models directory, loaded on first use). */
  readonly faces?: { readonly engine?: () => Promise<FaceEngine> };
  /** The live push: client limit, heartbeat, how often each stream's session is re-checked. */
  readonly live?: Omit<LiveHubOptions, 'log'>;
  /** Sign checkpoints of the audit chain with the audit key of this key directory (`argus serve`: `<data>/keys`). */
  readonly auditSeal?: Omit<AuditSealOptions, 'onError'>;
  /** ONVIF discovery: the interfaces probed and the SOAP timeout (default: every IPv4 interface, 5 s). */
  readonly onvif?: OnvifRouteOptions;
  /** Who may read GET /metrics (default: the config's `server.metrics`; neither: metrics are off). */
  readonly metrics?: MetricsConfig;
  /** Check every answer against its route's response in src/contract (tests; response-check.ts). Default false. */
  readonly checkResponses?: boolean;
}

export interface ArgusServer {
  readonly app: FastifyInstance;
  readonly ctx: ServerContext;
  /** Listens; returns the base URL. */
  listen(port: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

const NOT_BUILT = `<!doctype html><html lang="vi"><meta charset="utf-8"><title>Argus</title>
<body style="font-family:sans-serif;max-width:40em;margin:4em auto"><h1>Argus</h1>
<p>The service is running, but the web UI is not built (no <code>web/dist</code>). Build it, or use the API:
<a href="/api/health">/api/health</a>, <code>/api/openapi.json</code> (after signing in).</p></body></html>`;

async function syncConfig(store: Store, config: ArgusConfig | undefined): Promise<void> {
  if (!config) return;
  for (const s of config.sites) {
    const old = await store.getSite(s.id);
    await store.upsertSite({
      id: s.id, name: s.name, timeZone: s.timezone, district: old?.district ?? null, ward: old?.ward ?? null, location: old?.location ?? null,
      provinces: s.provinces ?? old?.provinces ?? [],
    });
  }
  for (const c of config.cameras) await store.upsertCamera(cameraToRecord(c));
}

export async function buildServer(opts: ServerOptions): Promise<ArgusServer> {
  const app = Fastify({
    logger: opts.logger ?? { level: process.env['ARGUS_LOG_LEVEL'] ?? 'info' },
    bodyLimit: opts.bodyLimit ?? 256 * 1024,
    // Never `true`: that believes X-Forwarded-For from anyone, who then picks the address the limits and the audit see.
    trustProxy: opts.trustedProxies && opts.trustedProxies.length > 0 ? [...opts.trustedProxies] : false,
  });
  installErrorHandler(app);
  await app.register(fastifyHelmet, {
    // media-src blob:: the live view plays HLS through Media Source Extensions (hls.js), whose object URLs are blob:.
    contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:', 'blob:', ...mapOrigins(opts.config?.map)], connectSrc: ["'self'", ...mapOrigins(opts.config?.map)], mediaSrc: ["'self'", 'blob:'], styleSrc: ["'self'", "'unsafe-inline'"] } },
    crossOriginEmbedderPolicy: false,
  });
  await app.register(fastifyCookie);

  const store = opts.store;
  const scaled = opts.scaled;
  const hub = new LiveHub({ ...opts.live, log: app.log });
  // Plate crops (thumbnails of search and trace) in <data>/crops: written by the ingest, pruned by retention.
  const cropsDir = opts.footage?.dataDir !== undefined ? join(resolve(opts.footage.dataDir), 'crops') : undefined;
  // The cameras' only output is the bus; the server consumes it into the ingest and the live hub.
  const local = scaled ? scaledRuntimeBus(scaled, opts.footage?.dataDir) : await localRuntimeBus(opts.footage?.dataDir, opts.bus);
  const startCameras = opts.startCameras ?? !scaled;
  let scaledStatus: ScaledStatus | undefined;
  let scaledLive: ScaledLive | undefined;
  if (scaled) {
    const busLog = app.log.child({ component: 'scaled' });
    scaledStatus = await ScaledStatus.start({ cameras: scaled.cameras, workers: scaled.workers, leases: scaled.leases, log: busLog });
    scaledLive = startScaledLive({ nc: scaled.nc, hub, status: scaledStatus, log: busLog });
    await scaledLive.ready;
  }
  // Federation (issue 25): a district queues its shared cameras' events in the outbox with their batch.
  const federation: FederationHandle | undefined = opts.config?.federation ? startFederation(opts.config.federation, { store, log: app.log.child({ component: 'federation' }), cropsDir }) : undefined;
  // Faces (aligned crops of the cameras' faces and of enrolment photos) in <data>/faces: their own retention by class.
  const facesDir = opts.footage?.dataDir !== undefined ? join(resolve(opts.footage.dataDir), 'faces') : undefined;
  const facesCfg = opts.config?.faces ?? facesSchema.parse({});
  const faces = new FacesService(store, {
    ...(facesDir ? { root: facesDir } : {}), model: facesCfg.model ?? DEFAULT_FACE_MODEL, log: app.log.child({ component: 'faces' }),
    engine: opts.faces?.engine ?? (() => loadFaceEngine({ modelsDir: opts.cameras?.modelsDir, model: facesCfg.model ?? DEFAULT_FACE_MODEL })),
  });
  const ingest = new Ingest(store, scaledLive?.everywhere ?? hub, app.log, {
    ...(facesDir ? { facesRoot: facesDir } : {}),
    faceMatcher: faces.matcher,
    ...(opts.footage?.dataDir !== undefined ? { evidenceRoot: join(resolve(opts.footage.dataDir), 'evidence') } : {}),
    ...(cropsDir ? { cropsRoot: cropsDir } : {}),
    cropBlobs: local.blobs.crops,
    ...(federation?.shared ? { shared: federation.shared } : {}),
    ...opts.ingest,
  });
  // Section average speed: plate reads of two cameras meet here. Single box: after their batches commit. Scaled: the
  // two reads may be stored by different replicas, so every replica pairs them from the stream it follows; the
  // violation's id comes from the pair (stored once), and each replica pushes it to its own clients only.
  const sectionViolation = scaledLive
    ? (e: ArgusEvent): void => {
      ingest.handle(e, { live: false }).then(
        () => hub.publish({ topic: 'event', cameraId: e.cameraId, data: eventPayload(e) }),
        (err: unknown) => app.log.warn({ err, eventId: e.id }, 'section violation not stored'),
      );
    }
    : (e: ArgusEvent): void => {
      ingest.event(e).catch((err: unknown) => app.log.warn({ err, eventId: e.id }, 'section violation not queued'));
    };
  const sections = opts.config?.sections.length ? new SectionControl(opts.config.sections, sectionViolation) : undefined;
  // Scaled: camera events from the stream (every replica), partners' reads posted to this replica once committed here.
  if (sections && scaledLive) scaledLive.onEvent((e) => sections.feed([e]));
  if (sections) ingest.onCommitted((events, o) => (o.live ? sections.feed(events) : undefined));
  const consumer = startBusConsumer({
    // Scaled: a crop stays in the object store (its TTL drops it) so that another replica can serve its thumbnail.
    bus: local.bus, ingest, hub, crops: scaled ? undefined : local.blobs.crops, evidencePath: local.evidencePath, log: app.log, live: !scaled,
    ...(opts.consumerAckWaitMs !== undefined ? { ackWaitMs: opts.consumerAckWaitMs } : {}),
  });
  const plateHistory = scaled ? startPlateHistoryResponder(scaled.nc, store, app.log.child({ component: 'plate-history' })) : undefined;
  // With a data directory: cameras that ask for it record into <data>/recordings, and retention runs over it.
  const recordingsDir = opts.footage?.dataDir !== undefined ? join(resolve(opts.footage.dataDir), 'recordings') : undefined;
  const cameras = new CameraManager({ ...(recordingsDir ? { recordingsDir } : {}), ...opts.cameras, bus: local.bus, blobs: local.blobs, logger: app.log });
  // Scaled, without cameras of its own: changes go to the workers through the KV. With `--cameras`: this replica runs them.
  const kvCameras = scaled && !startCameras ? new KvCameraDirectory(scaled.cameras, store) : undefined;
  const directory: CameraDirectory = kvCameras ?? cameras;
  if (scaledStatus && startCameras) scaledStatus.setLocal(cameras);
  const status: CameraStatusSource = federation ? federation.withStatus(scaledStatus ?? cameras) : (scaledStatus ?? cameras);
  const auth = new Auth(store, { ...DEFAULT_AUTH, ...opts.auth });
  const router = new Router(app, opts.checkResponses ? new ResponseCheck() : undefined);
  const sealer = opts.auditSeal ? await AuditSealer.open(store, { ...opts.auditSeal, onError: (err) => app.log.error({ err }, 'audit checkpoint not signed') }) : undefined;
  const ctx: ServerContext = {
    store, auth, hub, cameras, directory, status, ingest, router, log: app.log, faces, background: new BackgroundWork(),
    ...(scaled && scaledStatus ? { runtimeCrops: scaled.blobs.crops, remote: workerRpcClient(scaled.nc, (id) => scaledStatus.holderOf(id), () => scaledStatus.workers().map((w) => w.name)), remoteOverlay: (id: string, onFrame: (f: OverlayFrame) => void) => subscribeOverlay(scaled.nc, id, onFrame), materialiseEvidence: evidenceMaterialiser(scaled.blobs.evidence, evidenceRootOf(opts.footage?.dataDir)) } : {}), startedAtMs: Date.now(), configCameraIds: new Set((opts.config?.cameras ?? []).map((c) => c.id)),
    audit: auditWriter(store, () => sealer?.noteAppended()), auditSeal: opts.auditSeal ?? null,
    ...(federation ? { federation: federation.view } : {}),
  };

  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/api/')) return;
    reply.header('cache-control', 'no-store');
    // Login needs no identity (and a still-valid old session must not make it demand a CSRF header).
    req.principal = req.url === '/api/auth/login' ? null : await auth.identify(req);
  });
  const sources = new CameraSourcePolicy(opts.config ? { networks: opts.config.server.cameraNetworks } : {});
  for (const routes of [authRoutes, siteRoutes(sources), eventRoutes, plateRoutes, watchRoutes, adminRoutes, liveRoutes, mapRoutes(opts.config?.map), statsRoutes, heatmapRoutes, reportRoutes, incidentRoutes, requestRoutes(dataDirOf(opts.footage?.dataDir), opts.config?.sharing ?? sharingSchema.parse({})), centreRoutes, faceRoutes, onvifRoutes(sources, opts.onvif), ingestRoutes({ cropsDir, limits: opts.ingestLimits ?? ingestLimitsSchema.parse({}) }), sightingRoutes(cropsDir), attributeRoutes(cropsDir)]) routes(ctx);
  const liveHost = footageRoutes(ctx, opts.footage, sources);
  metricsRoute(app, opts.metrics ?? opts.config?.server.metrics, {
    status, cameras, ingest, hub, startedAtMs: ctx.startedAtMs,
    disk: opts.footage?.dataDir !== undefined ? new DiskUse(resolve(opts.footage.dataDir), ['recordings', 'evidence', 'crops']) : undefined,
  });

  const webRoot = resolve(opts.webRoot ?? join(packageRoot(), 'web/dist'));
  const hasUi = existsSync(resolve(webRoot, 'index.html'));
  if (hasUi) await app.register(fastifyStatic, { root: webRoot, prefix: '/', wildcard: false, index: ['index.html'] });
  else app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(NOT_BUILT));
  app.setNotFoundHandler((req, reply) => {
    // Client-side routes of the UI: any other GET outside /api/ serves the app shell.
    if (hasUi && req.method === 'GET' && !req.url.startsWith('/api/') && !req.url.includes('..')) return reply.sendFile('index.html');
    return sendError(reply, 404, 'not_found', `no route ${req.method} ${req.url.split('?')[0] ?? ''}`);
  });

  await syncConfig(store, opts.config);
  // A province never runs (nor offers to workers) the cameras districts share: they run at their district.
  const federated = new Set((await store.listFedCameras()).map((r) => r.cameraId));
  if (kvCameras) {
    // Every camera of the store is offered to the workers (a stored camera only with a source the API accepts now).
    const stored = new Map((await store.listCameras()).map((c) => [c.id, c]));
    const synced = await kvCameras.syncAll((id) => {
      const rec = stored.get(id);
      if (!rec || federated.has(id)) return true;
      try {
        if (!ctx.configCameraIds.has(id)) sources.checkStored(rec.url);
        return false;
      } catch (e) {
        app.log.error({ cameraId: id, err: (e as Error).message }, 'camera not offered to the workers');
        return true;
      }
    });
    for (const f of synced.failed) app.log.error({ err: f }, 'camera not offered to the workers');
    app.log.info({ cameras: synced.written }, 'cameras offered to the workers (argus_cameras)');
  }
  if (startCameras) {
    for (const rec of await store.listCameras()) {
      if (federated.has(rec.id)) continue;
      try {
        // A camera stored through the API (not in the config file) runs only with a source the API would accept now.
        if (!ctx.configCameraIds.has(rec.id)) sources.checkStored(rec.url);
        await cameras.add(recordToCamera(rec));
      } catch (e) {
        app.log.error({ cameraId: rec.id, err: (e as Error).message }, 'camera not started');
      }
    }
  }
  const retention = recordingsDir ? retentionFromConfig(opts.config?.recordings, recordingsDir, ingest, app.log, cropsDir, store) : undefined;
  retention?.start();
  faces.index.start();
  faces.startRetention(store, { unmatchedDays: facesCfg.unmatchedRetentionDays, matchedDays: facesCfg.matchedRetentionDays });
  sealer?.start();
  const reportsCfg = opts.config?.reports;
  const reports = new ReportScheduler({ store, timeZone: () => siteTimeZone(store), log: app.log, keepDays: reportsCfg?.keepDays, everyMs: (reportsCfg?.checkEveryMin ?? 1) * 60_000 });
  reports.start();
  federation?.begin(ingest, status, liveHost);

  let closed = false;
  return {
    app,
    ctx,
    async listen(port, host = '127.0.0.1') {
      return app.listen({ port, host });
    },
    async close() {
      if (closed) return;
      closed = true;
      hub.close();
      await closeFootage();
      await cameras.close();
      await federation?.stop();
      plateHistory?.unsubscribe();
      await scaledLive?.stop();
      await scaledStatus?.stop();
      // What the cameras published before they stopped is stored before the store closes (scaled: what this replica
      // holds; the rest stays in the stream for the other replicas).
      await (scaled ? consumer.stop() : consumer.drain()).catch((e: unknown) => app.log.error({ err: (e as Error).message }, 'bus consumer did not catch up before shutdown'));
      await local.dispose();
      await retention?.stop();
      await faces.close();
      await reports.stop();
      await app.close();
      await ingest.close();
      // No audit row comes after this: the head is signed, so a cut tail shows from the first verify.
      await sealer?.stop().catch((err: unknown) => app.log.error({ err }, 'audit checkpoint not signed at shutdown'));
      await store.close();
    },
  };
}

/** The data folder as the footage routes find it. */
const dataDirOf = (dataDir: string | undefined): string => resolve(dataDir ?? process.env['ARGUS_DATA_DIR'] ?? 'data');
/** `<data>/evidence` as the footage routes find it. */
const evidenceRootOf = (dataDir: string | undefined): string => join(dataDirOf(dataDir), 'evidence');

/** The scaled mode's bus and blob stores: NATS; evidence keys resolve to this replica's `<data>/evidence/<key>` (copied there on first need). */
function scaledRuntimeBus(c: ScaledCluster, dataDir: string | undefined): LocalRuntimeBus {
  const root = evidenceRootOf(dataDir);
  return {
    bus: c.bus,
    blobs: c.blobs,
    evidencePath: (key) => join(root, key),
    dispose: async () => undefined,
  };
}

/** The Argus package folder (holds web/dist), found from this module whether it runs from src/ or dist/src/. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'web'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}
